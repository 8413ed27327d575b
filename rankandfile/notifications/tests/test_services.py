"""Raising, emailing and digesting notifications; preferences; the unsubscribe token (services.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.notifications import services
from rankandfile.notifications.domain.delivery import Delivery
from rankandfile.notifications.models import Notification, Preference

pytestmark = pytest.mark.usefixtures("locmem_email")


@pytest.fixture
def locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://votes.example.org"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


def opened(org: Any, capture: Any) -> Any:
    with capture(execute=True):
        return open_ballot(org)


def test_it_tells_everyone_on_the_roll_when_a_ballot_opens(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    ballot = opened(org, django_capture_on_commit_callbacks)
    rows = Notification.objects.filter(kind="ballot.opened", object_id=ballot.pk)
    assert sorted(rows.values_list("member__email", flat=True)) == sorted(
        [org.alice.email, org.bob.email, org.erin.email]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.alice.email, org.bob.email, org.erin.email])
    assert all(n.emailed_at is not None for n in rows)
    message = mail.outbox[0]
    assert message.subject.startswith("Vote now: “A election ballot” (Leeds)")
    assert f"https://votes.example.org/ballots/{ballot.pk}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://votes.example.org/notifications/unsubscribe/")


def test_it_emails_nobody_twice_when_the_task_runs_again(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    ballot = opened(org, django_capture_on_commit_callbacks)
    assert services.notification_fan_out(kind="ballot.opened", object_id=ballot.pk) == 0
    assert len(mail.outbox) == 3
    assert Notification.objects.filter(kind="ballot.opened").count() == 3
    first = Notification.objects.filter(kind="ballot.opened").first()
    assert services.notification_email(notification_id=first.pk) is False
    assert len(mail.outbox) == 3


def test_a_refused_email_is_sent_once_by_the_retry(
    org: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "rankandfile.notifications.tests.test_services.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        ballot = open_ballot(org)  # the task fails (huey logs it and schedules its retry)
    assert Notification.objects.filter(object_id=ballot.pk).count() == 3
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()  # the stamp was taken back
    with pytest.raises(ConnectionRefusedError):
        services.notification_fan_out(kind="ballot.opened", object_id=ballot.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.notification_fan_out(kind="ballot.opened", object_id=ballot.pk)  # the retry
    services.notification_fan_out(kind="ballot.opened", object_id=ballot.pk)  # and one more
    assert len(mail.outbox) == 3


def test_it_keeps_nothing_for_never_and_holds_a_digest_until_the_digest_hour(
    org: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    services.preferences_set(member=org.alice, choices={"ballot.opened": Delivery.NEVER})
    services.preferences_set(member=org.bob, choices={"ballot.opened": Delivery.DIGEST})
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        ballot = opened(org, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(member=org.alice).exists()
    assert Notification.objects.get(member=org.bob).delivery == "digest"
    assert [m.to for m in mail.outbox] == [[org.erin.email]]
    assert services.digest_send(now=start + dt.timedelta(hours=12)) == 0  # 21:00: waits for tomorrow's 07:00
    assert services.digest_send(now=start + dt.timedelta(hours=23)) == 1  # 08:00 the next day
    digest = mail.outbox[-1]
    assert digest.to == [org.bob.email] and f"/ballots/{ballot.pk}/" in digest.body
    assert "List-Unsubscribe" in digest.extra_headers
    assert services.digest_send(now=start + dt.timedelta(hours=24)) == 0  # once
    assert len(mail.outbox) == 2


def test_it_notifies_no_member_whose_account_is_closed(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    org.erin.is_active = False
    org.erin.save(update_fields=["is_active"])
    opened(org, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(member=org.erin).exists()


def test_casting_a_vote_tells_nobody_and_the_reminder_goes_only_to_those_who_have_not_voted(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ballot = opened(org, django_capture_on_commit_callbacks)
    before = set(Notification.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        ballot_services.ballot_cast(voter=org.alice, ballot=ballot, names=["Ann"])
    assert set(Notification.objects.values_list("pk", flat=True)) == before  # nobody hears that alice voted
    with django_capture_on_commit_callbacks(execute=True):
        assert ballot_services.ballot_send_reminders(ballot=ballot) == 2
    reminded = Notification.objects.filter(kind="ballot.reminder").values_list("member_id", flat=True)
    assert sorted(reminded) == sorted([org.bob.pk, org.erin.pk])
    body = Notification.objects.filter(kind="ballot.reminder").first().body
    assert "Alice" not in body


def test_nothing_is_raised_while_muted(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), services.muted():
        open_ballot(org)
    assert not Notification.objects.exists() and mail.outbox == []
    opened(org, django_capture_on_commit_callbacks)  # and again once the block ends
    assert Notification.objects.count() == 3


def test_it_refuses_an_unknown_kind_in_the_callers_transaction(org: Any) -> None:
    with pytest.raises(LookupError, match="no notification kind"):
        services.notify_on_commit(kind="ballot.voted", object_id=1)


# --- unsubscribing -------------------------------------------------------------------------------------------------
def test_one_click_unsubscribes_the_member_from_the_kind(org: Any) -> None:
    token = services.unsubscribe_token(org.alice.pk, "ballot.opened")
    member, kind = services.unsubscribe(token=token)
    assert (member, kind) == (org.alice, "ballot.opened")
    assert Preference.objects.get(member=org.alice, kind="ballot.opened").delivery == "never"


def test_unsubscribing_from_the_digest_turns_off_every_kind_sent_by_digest(org: Any) -> None:
    services.preferences_set(
        member=org.bob, choices={"ballot.opened": Delivery.DIGEST, "meeting.scheduled": Delivery.DIGEST}
    )
    services.unsubscribe(token=services.unsubscribe_token(org.bob.pk, services.DIGEST))
    choices = dict(Preference.objects.filter(member=org.bob).values_list("kind", "delivery"))
    assert choices == {"ballot.opened": "never", "meeting.scheduled": "never"}


def forged_for(member_id: int, token: str) -> str:
    """Bob's payload with the signature of alice's token (dumps makes `payload:timestamp:signature`)."""
    _payload, *signature = token.split(":")
    payload = signing.b64_encode(f'{{"m":{member_id},"k":"ballot.opened"}}'.encode()).decode()
    return ":".join([payload, *signature])


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda o: services.unsubscribe_token(o.alice.pk, "ballot.opened")[:-2] + "xx", id="tampered"),
        pytest.param(lambda o: forged_for(o.bob.pk, services.unsubscribe_token(o.alice.pk, "ballot.opened")), id="bob"),
        pytest.param(
            lambda o: signing.dumps({"m": o.alice.pk, "k": "ballot.opened"}, compress=False), id="another salt"
        ),
        pytest.param(lambda o: services.unsubscribe_token(o.alice.pk, "ballot.voted"), id="unknown kind"),
        pytest.param(lambda o: services.unsubscribe_token(987654, "ballot.opened"), id="unknown member"),
        pytest.param(lambda o: "not-a-token", id="garbage"),
    ],
)
def test_it_refuses_a_token_it_did_not_sign_as_it_stands(org: Any, make_token: Any) -> None:
    with pytest.raises(ValidationError, match="not valid"):
        services.unsubscribe(token=make_token(org))
    assert not Preference.objects.exists()


def test_it_refuses_preferences_for_an_unknown_kind(org: Any) -> None:
    with pytest.raises(ValidationError, match="Unknown kind"):
        services.preferences_set(member=org.alice, choices={"ballot.voted": Delivery.NEVER})


# --- reading -----------------------------------------------------------------------------------------------------
def test_opening_marks_read_and_read_all_marks_the_rest(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    opened(org, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        open_ballot(org, title="A second ballot")
    first, second = Notification.objects.filter(member=org.alice)
    services.notification_open(member=org.alice, notification=first)
    first.refresh_from_db()
    assert first.read_at is not None
    with pytest.raises(ValidationError):
        services.notification_open(member=org.bob, notification=second)
    assert services.notifications_read_all(member=org.alice) == 1


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_emails_nobody(settings: Any) -> None:
    # The transactions commit for real and every callback runs, as under `make demo`: an email a service sends by
    # itself after commit (an exit the simulator records in Millbrook's past) is caught here, where collecting the
    # callbacks without running them missed it. The history is long enough to hold exits (the suite's default four
    # months, pytest_env.py, hold none).
    from io import StringIO

    from django.core.management import call_command

    from rankandfile.org.models import Membership

    settings.DEMO_HISTORY_MONTHS = 12
    call_command("load_demo", stdout=StringIO())
    assert Membership.objects.filter(end_kind=Membership.EndKind.LEFT_RECORDED).exists()  # the simulator's exits
    assert [message.subject for message in mail.outbox] == []
    assert not Notification.objects.exists()
    # `make demo` starts the worker next, whose first run offers the exit survey to memberships ended in the last
    # 90 days: the demo's own past has been offered it already (silently), so nobody is emailed then either.
    from rankandfile.insights.services import exit_surveys_offer_due

    assert exit_surveys_offer_due() == 0 and mail.outbox == []
