"""send_ballot_reminders and ballots_close_due, as cron runs them."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rankandfile.ballots import services


def test_it_reminds_only_members_who_have_not_voted_and_only_once(
    org: Any, ranked: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the reminders go out after commit, through a task
        call_command("send_ballot_reminders", "--hours", "24", stdout=out)
        assert mail.outbox == [] and "0 reminder(s) sent" in out.getvalue()  # closes in three days
        call_command("send_ballot_reminders", "--hours", "96", stdout=out)
    assert sorted(m.to[0] for m in mail.outbox) == [org.bob.email, org.erin.email]
    assert "not voted yet" in mail.outbox[0].body and f"/ballots/{ranked.pk}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_ballot_reminders", "--hours", "96", stdout=out)
    assert len(mail.outbox) == 2


def test_it_closes_ballots_past_their_closing_time(org: Any, ranked: Any) -> None:
    services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ben"])
    out = StringIO()
    call_command("close_due_ballots", stdout=out)
    ranked.refresh_from_db()
    assert ranked.status == "open"
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        call_command("close_due_ballots", stdout=out)
    ranked.refresh_from_db()
    assert ranked.status == "closed" and ranked.decision["winners"] == ["Ben"] and "closed: 1 ballot" in out.getvalue()
