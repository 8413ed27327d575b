"""Each app's services raise their kinds of notification, after commit, to the right members (the notices.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.services import elections
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.meetings import services as meeting_services
from rankandfile.notifications import kinds
from rankandfile.notifications.models import Notification
from rankandfile.proposals import services as proposal_services


@pytest.fixture(autouse=True)
def _locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("member__full_name", flat=True))


def test_every_kind_the_issue_names_is_registered_with_a_label() -> None:
    keys = {kind.key for kind in kinds.all_kinds()}
    assert {
        "ballot.opened",
        "ballot.reminder",
        "ballot.results",
        "ballot.nomination",
        "meeting.scheduled",
        "meeting.minutes",
        "meeting.reply",
        "proposal.cosigned",
    } <= keys
    assert all(str(kind.label) for kind in kinds.all_kinds())


def test_a_rolled_back_change_notifies_nobody(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        open_ballot(org)
        transaction.set_rollback(True)
    assert not Notification.objects.exists() and mail.outbox == []


@pytest.mark.django_db(transaction=True)  # real commits: on PostgreSQL the close also VACUUMs after its commit
def test_results_go_to_the_roll_when_the_ballot_closes() -> None:
    from rankandfile.testing import build_small_org

    org = build_small_org()
    ballot = open_ballot(org)
    ballot_services.ballot_close(actor=org.dave, ballot=ballot)
    assert told("ballot.results") == ["Alice Member", "Bob Chair", "Erin Committee"]


def test_a_meeting_called_and_moved_tells_the_units_members(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    starts = timezone.now() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_services.meeting_create(
            actor=org.bob, unit=org.leeds, title="Branch AGM", starts_at=starts, place="Union hall"
        )
    assert told("meeting.scheduled") == ["Alice Member", "Bob Chair", "Erin Committee"]  # not frank (lapsed)
    fields = {"title": "Branch AGM", "kind": meeting.kind, "mode": meeting.mode, "place": "Union hall"}
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(actor=org.bob, meeting=meeting, starts_at=starts, **fields | {"title": "AGM"})
    assert Notification.objects.filter(kind="meeting.scheduled").count() == 3  # a new title moves nothing
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(
            actor=org.bob, meeting=meeting, starts_at=starts + dt.timedelta(days=1), **fields
        )
    moved = Notification.objects.filter(kind="meeting.scheduled").exclude(event="called")
    assert moved.count() == 3 and moved.first().title.startswith("Meeting moved: Branch AGM")


def test_closing_a_meeting_asks_those_who_attended_to_read_the_minutes(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = meeting_services.meeting_create(
        actor=org.bob,
        unit=org.leeds,
        title="Branch meeting",
        starts_at=timezone.now(),
        mode="online",
        online_link="https://meet.example.org/leeds",
        agenda=["Rent strike"],
    )
    meeting_services.meeting_open(actor=org.bob, meeting=meeting)
    meeting_services.attendance_check_in(member=org.alice, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_close(actor=org.bob, meeting=meeting)
    assert told("meeting.minutes") == ["Alice Member"]


def test_a_reply_tells_the_member_replied_to(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    meeting = meeting_services.meeting_create(
        actor=org.bob,
        unit=org.leeds,
        title="Branch meeting",
        starts_at=timezone.now(),
        mode="online",
        online_link="https://meet.example.org/leeds",
        agenda=["Rent strike"],
    )
    meeting_services.meeting_open(actor=org.bob, meeting=meeting)
    meeting_services.item_select(actor=org.bob, item=meeting.items.get())
    meeting_services.hand_raise(member=org.erin, meeting=meeting, stance="against", reply_to=org.alice)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.speech_start(actor=org.bob, meeting=meeting)
    assert told("meeting.reply") == ["Alice Member"]
    assert Notification.objects.get(kind="meeting.reply").title == "Erin Committee replied to you in Branch meeting"


def test_a_co_signature_tells_the_author_who_signed(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    proposal = proposal_services.proposal_create(actor=org.alice, unit=org.leeds, title="Strike fund", text="Fund.")
    proposal_services.proposal_submit(actor=org.alice, proposal=proposal)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_sign(actor=org.bob, proposal=proposal)
    assert told("proposal.cosigned") == ["Alice Member"]
    assert Notification.objects.get().title == "Bob Chair co-signed your proposal “Strike fund”"
    proposal_services.proposal_unsign(actor=org.bob, proposal=proposal)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_sign(actor=org.bob, proposal=proposal)
    assert Notification.objects.count() == 1  # signing again is the same event: no second notification


def test_a_nomination_tells_the_nominee_but_self_nomination_tells_nobody(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    election = elections.election_create(
        actor=org.dave,
        role_type=org.chair_role,
        seats=1,
        method="irv",
        nominations_close_at=timezone.now() + dt.timedelta(days=2),
        term_starts_on=timezone.localdate() + dt.timedelta(days=60),
    )
    with django_capture_on_commit_callbacks(execute=True):
        nomination = elections.nomination_create(actor=org.bob, election=election, nominee=org.alice)
        elections.nomination_create(actor=org.erin, election=election, nominee=org.erin)
    assert told("ballot.nomination") == ["Alice Member"]
    assert Notification.objects.get().link == f"/nominations/{nomination.pk}/accept/"
