"""Services of motions, votes and minutes: counts, dissents, tracked narrative edits, approval and the lock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankandfile.audit.models import AuditEntry
from rankandfile.meetings import selectors, services
from rankandfile.meetings.models import Meeting, MinutesEdit, Motion
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.testing import SmallOrg


def motion_on(org: SmallOrg, meeting: Meeting) -> Motion:
    assert meeting.current_item is not None
    return services.motion_add(
        actor=org.bob, meeting=meeting, item=meeting.current_item, text="That we back the strike.", moved_by=org.alice
    )


def check_in_two(org: SmallOrg, meeting: Meeting) -> None:
    """alice and erin: the fixture's quorum of 2."""
    services.attendance_check_in(member=org.alice, meeting=meeting)
    services.attendance_check_in(member=org.erin, meeting=meeting)


def test_it_records_a_show_of_hands(org: SmallOrg, meeting: Meeting) -> None:
    check_in_two(org, meeting)
    motion = motion_on(org, meeting)
    services.motion_count(actor=org.bob, motion=motion, votes_for=2, votes_against=0, votes_abstain=0)
    motion.refresh_from_db()
    assert (motion.result, motion.votes_for, motion.votes_against, motion.votes_abstain) == ("carried", 2, 0, 0)
    services.motion_count(actor=org.bob, motion=motion, votes_for=1, votes_against=1, votes_abstain=0)
    motion.refresh_from_db()
    assert motion.result == "defeated"  # a tie does not carry
    assert AuditEntry.objects.filter(action="meeting.vote").count() == 2


def test_it_refuses_members_counting_and_bad_counts(org: SmallOrg, meeting: Meeting) -> None:
    motion = motion_on(org, meeting)
    with pytest.raises(PermissionDenied):
        services.motion_count(actor=org.alice, motion=motion, votes_for=1, votes_against=0, votes_abstain=0)
    with pytest.raises(ValidationError):
        services.motion_count(actor=org.bob, motion=motion, votes_for=-1, votes_against=0, votes_abstain=0)
    with pytest.raises(ValidationError):
        services.motion_add(actor=org.bob, meeting=meeting, item=motion.item, text="  ")


def test_it_takes_dissents_only_from_those_who_attended(org: SmallOrg, meeting: Meeting) -> None:
    with pytest.raises(ValidationError, match="attended"):
        services.dissent_add(member=org.alice, meeting=meeting, text="I disagree")
    services.attendance_check_in(member=org.alice, meeting=meeting)
    dissent = services.dissent_add(member=org.alice, meeting=meeting, text="I disagree", kind="minority_report")
    minutes = selectors.minutes_of(meeting)
    assert minutes.general_dissents == [dissent]
    with pytest.raises(PermissionDenied):
        services.dissent_add(member=org.otto, meeting=meeting, text="Not my branch")


def test_it_tracks_every_edit_of_the_narrative(org: SmallOrg, meeting: Meeting) -> None:
    item = meeting.items.first()
    assert item is not None
    services.minutes_edit(actor=org.bob, meeting=meeting, narrative="We met.", item_narratives={item.pk: "Debated."})
    services.minutes_edit(actor=org.bob, meeting=meeting, narrative="We met at the hall.", item_narratives={})
    edits = list(MinutesEdit.objects.order_by("id").values_list("before", "after"))
    assert edits == [("", "We met."), ("", "Debated."), ("We met.", "We met at the hall.")]
    with pytest.raises(PermissionDenied):
        services.minutes_edit(actor=org.alice, meeting=meeting, narrative="My version")


def test_it_approves_minutes_at_a_later_meeting_and_locks_them(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.meeting_close(actor=org.bob, meeting=meeting)
    later = make_meeting(org, title="Next meeting", starts_at=meeting.starts_at + dt.timedelta(days=30), quorum=0)
    assert selectors.minutes_awaiting_approval(later) == [meeting]
    services.minutes_approve(actor=org.bob, meeting=later, minutes_of=meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_approved_in == later
    assert selectors.minutes_of(later).approved_here == [meeting]
    with pytest.raises(ValidationError, match="locked"):
        services.minutes_edit(actor=org.bob, meeting=meeting, narrative="rewrite history")
    with pytest.raises(ValidationError, match="locked"):
        services.speech_summarize(member=org.alice, speech=speech, summary="a different point")
    with pytest.raises(ValidationError):
        services.minutes_approve(actor=org.bob, meeting=later, minutes_of=meeting)


def test_it_refuses_approval_by_an_earlier_meeting_or_of_an_open_one(org: SmallOrg, meeting: Meeting) -> None:
    later = make_meeting(org, title="Next meeting", starts_at=meeting.starts_at + dt.timedelta(days=30), quorum=0)
    with pytest.raises(ValidationError, match="not closed"):
        services.minutes_approve(actor=org.bob, meeting=later, minutes_of=meeting)
    with pytest.raises(ValidationError, match="later meeting"):
        services.minutes_approve(actor=org.bob, meeting=meeting, minutes_of=later)
    with pytest.raises(PermissionDenied):
        services.minutes_approve(actor=org.alice, meeting=later, minutes_of=meeting)


def test_it_builds_the_minutes_from_the_meeting(org: SmallOrg, meeting: Meeting) -> None:
    services.attendance_check_in(member=org.alice, meeting=meeting)
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    erin = services.hand_raise(member=org.erin, meeting=meeting, stance="against")
    services.request_move(actor=org.bob, request=erin, position=1, reason="Erin reports for the committee")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.speech_end(actor=org.bob, speech=speech)
    motion = motion_on(org, meeting)
    services.motion_count(actor=org.bob, motion=motion, votes_for=2, votes_against=0, votes_abstain=0)
    minutes = selectors.minutes_of(meeting)
    first = minutes.items[0]
    assert [s.member for s in first.speeches] == [org.erin]
    assert [o.reason for o in first.overrides] == ["Erin reports for the committee"]
    assert first.motions == [motion]
    assert [a.member for a in minutes.attendance] == [org.alice, org.erin]  # raising her hand online checked her in
