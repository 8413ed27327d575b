"""The demo activity (rankandfile/demo/activity.py), loaded once for the module and rolled back at the end."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.ballots import selectors as ballot_selectors
from rankandfile.ballots.models import Ballot, CastBallot, Election, PublishedBallot
from rankandfile.demo.activity import (
    BRANCH_PATH,
    NEXT_MEETING_TITLE,
    PAST_MEETING_TITLE,
    PROPOSAL_TITLE,
    QUESTION_TITLE,
    load_activity,
)
from rankandfile.demo.organization import DEMO_DOMAIN, load_demo
from rankandfile.meetings.access import can_take_part
from rankandfile.meetings.models import Attendance, Meeting, Motion, Override, Speech
from rankandfile.org.models import Member, RoleTerm
from rankandfile.proposals.models import CoSignature, Proposal

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COUNTED: list[type[Model]] = [
    Meeting,
    Attendance,
    Speech,
    Override,
    Motion,
    Proposal,
    CoSignature,
    Ballot,
    CastBallot,
    PublishedBallot,
    Election,
    RoleTerm,
    AuditEntry,
]


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield load_activity()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: Any, db: Any) -> Any:
    return loaded


def _login(key: str) -> Member:
    return Member.objects.get(email=f"{key}@{DEMO_DOMAIN}")


def test_it_holds_a_closed_meeting_with_minutes_worth_reading(demo: Any) -> None:
    meeting = Meeting.objects.get(unit__path=BRANCH_PATH, title=PAST_MEETING_TITLE)
    assert meeting.status == Meeting.Status.CLOSED and meeting.chair == _login("chair")
    assert 2 <= meeting.items.count() <= 3
    assert meeting.attendances.count() >= 20
    speeches = Speech.objects.filter(meeting=meeting)
    assert speeches.count() >= 8
    assert len(set(speeches.values_list("stance", flat=True))) >= 3
    assert speeches.exclude(summary="").count() >= 2
    override = Override.objects.get(meeting=meeting)
    assert override.reason
    counted = Motion.objects.filter(meeting=meeting, votes_for__gt=0)
    assert counted.filter(result=Motion.Result.CARRIED).exists()


def test_its_past_meeting_took_an_evening_not_an_instant(demo: Any) -> None:
    """The minutes show how long each member spoke: the demo's speeches last minutes, one after another."""
    meeting = Meeting.objects.get(unit__path=BRANCH_PATH, title=PAST_MEETING_TITLE)
    speeches = list(Speech.objects.filter(meeting=meeting).order_by("id"))
    assert all(60 <= s.duration_seconds() <= 180 for s in speeches)
    assert meeting.opened_at is not None and meeting.closed_at is not None
    assert meeting.starts_at < meeting.opened_at < speeches[0].started_at
    assert all(a.ended_at is not None and a.ended_at < b.started_at for a, b in itertools.pairwise(speeches))
    assert speeches[-1].ended_at is not None and speeches[-1].ended_at < meeting.closed_at
    override = Override.objects.get(meeting=meeting)
    assert meeting.opened_at < override.created_at < meeting.closed_at


def test_it_schedules_next_weeks_meeting_that_the_member_can_join(demo: Any) -> None:
    meeting = Meeting.objects.get(unit__path=BRANCH_PATH, title=NEXT_MEETING_TITLE)
    assert meeting.status == Meeting.Status.SCHEDULED and meeting.chair == _login("chair")
    assert 6 <= (meeting.starts_at.date() - timezone.localdate()).days <= 8
    assert can_take_part(_login("member"), meeting)


def test_it_has_a_submitted_proposal_a_counter_proposal_and_co_signatures(demo: Any) -> None:
    proposal = Proposal.objects.get(unit__path=BRANCH_PATH, title=PROPOSAL_TITLE)
    assert proposal.status == Proposal.Status.SUBMITTED
    counter = Proposal.objects.get(answers=proposal)
    assert counter.status == Proposal.Status.SUBMITTED and counter.author != proposal.author
    assert CoSignature.objects.filter(proposal=proposal).count() >= 3


def test_it_has_an_open_ballot_the_member_has_not_voted_in(demo: Any) -> None:
    ballot = Ballot.objects.get(unit__path=BRANCH_PATH, title=QUESTION_TITLE)
    member = _login("member")
    assert ballot.status == Ballot.Status.OPEN
    assert ballot_selectors.is_on_roll(ballot, member) and not ballot_selectors.has_voted(ballot, member)


def test_it_has_a_closed_stv_election_with_published_stages(demo: Any) -> None:
    election = Election.objects.get(role_type__unit__path=BRANCH_PATH, status=Election.Status.ELECTED)
    ballot = election.ballot
    assert ballot is not None and ballot.status == Ballot.Status.CLOSED and ballot.method == "stv-scottish"
    assert ballot.cast_count and ballot.options.count() > election.seats
    assert ballot.report_json.count('"number"') >= 3
    assert RoleTerm.objects.filter(ballot_ref=ballot.pk).count() == election.seats


def test_it_keeps_the_audit_chain_whole(demo: Any) -> None:
    assert verify_chain() is None


def test_it_changes_nothing_when_loaded_again(demo: Any) -> None:
    before = {model.__name__: model.objects.count() for model in COUNTED}
    load_demo()
    assert load_activity() is False
    assert {model.__name__: model.objects.count() for model in COUNTED} == before
    assert demo is True


def test_it_has_a_failed_and_a_pending_recall_in_another_branch(demo: Any) -> None:
    from rankandfile.demo.recall import BRANCH_PATH, load_recalls
    from rankandfile.recall.models import Petition

    assert load_recalls() is True
    petitions = list(Petition.objects.filter(unit__path=BRANCH_PATH).order_by("pk"))
    assert [p.status for p in petitions] == ["failed", "open"]
    failed, pending = petitions
    assert failed.ballot is not None and failed.ballot.is_closed and failed.result.startswith("not recalled by ballot")
    assert failed.term.is_current() and pending.response
    assert 1 < pending.signatures.count() < pending.signatures_required
    assert load_recalls() is False
