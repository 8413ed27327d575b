"""Services of meetings and their agenda: create, update, open, close; add, reorder and take up items."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.meetings import selectors, services
from rankandfile.meetings.domain import speaking_order
from rankandfile.meetings.domain.speaking_order import PRESETS, Rules
from rankandfile.meetings.models import Meeting, Speech
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.testing import SmallOrg


def test_it_creates_a_meeting_with_its_agenda_and_a_copy_of_the_rules(org: SmallOrg) -> None:
    meeting = make_meeting(org, is_open=False, rules_preset="convention")
    assert meeting.status == Meeting.Status.SCHEDULED
    assert [i.title for i in meeting.items.all()] == ["Rent strike", "Any other business"]
    assert meeting.rules == PRESETS["convention"].to_dict()
    assert len(meeting.checkin_code) >= 16
    assert AuditEntry.objects.filter(action="meeting.create", object_id=str(meeting.pk)).exists()


def test_it_keeps_a_meetings_rules_when_the_preset_changes_later(
    org: SmallOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = make_meeting(org, is_open=False)
    monkeypatch.setitem(speaking_order.PRESETS, "fair", Rules(speech_seconds=30))
    meeting.refresh_from_db()
    assert selectors.rules_of(meeting).speech_seconds == 180


@pytest.mark.parametrize("persona", ["alice", "erin", "otto"])
def test_it_refuses_to_create_without_chair_meetings(org: SmallOrg, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=getattr(org, persona), unit=org.leeds, title="x", starts_at=timezone.now(), place="Hall"
        )


def test_it_lets_a_district_organizer_create_a_branch_meeting(org: SmallOrg) -> None:
    meeting = services.meeting_create(
        actor=org.carol, unit=org.leeds, title="Joint", starts_at=timezone.now(), place="Hall"
    )
    assert meeting.unit == org.leeds


@pytest.mark.parametrize(("mode", "field"), [("in_person", "place"), ("online", "online_link"), ("hybrid", "place")])
def test_it_asks_where_the_meeting_happens(org: SmallOrg, mode: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.meeting_create(actor=org.bob, unit=org.leeds, title="x", starts_at=timezone.now(), mode=mode)
    assert field in error.value.message_dict


def test_it_refuses_a_chair_from_outside_the_unit(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            actor=org.bob, unit=org.leeds, title="x", starts_at=timezone.now(), place="Hall", chair=org.otto
        )
    assert "chair" in error.value.message_dict


def test_it_refuses_an_unknown_preset(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            actor=org.bob, unit=org.leeds, title="x", starts_at=timezone.now(), place="Hall", rules_preset="chaos"
        )
    assert "rules_preset" in error.value.message_dict


def test_it_opens_on_the_first_item_and_closes_ending_the_speech(org: SmallOrg, scheduled_meeting: Meeting) -> None:
    services.meeting_open(actor=org.bob, meeting=scheduled_meeting)
    assert scheduled_meeting.current_item == scheduled_meeting.items.first()
    with pytest.raises(ValidationError):
        services.meeting_open(actor=org.bob, meeting=scheduled_meeting)
    services.hand_raise(member=org.alice, meeting=scheduled_meeting, stance="for")
    services.speech_start(actor=org.bob, meeting=scheduled_meeting)
    services.meeting_close(actor=org.bob, meeting=scheduled_meeting)
    assert scheduled_meeting.status == Meeting.Status.CLOSED
    assert Speech.objects.get().ended_at is not None
    with pytest.raises(ValidationError):
        services.hand_raise(member=org.erin, meeting=scheduled_meeting, stance="for")


def test_it_refuses_members_opening_or_closing(org: SmallOrg, scheduled_meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_open(actor=org.alice, meeting=scheduled_meeting)
    services.meeting_open(actor=org.bob, meeting=scheduled_meeting)
    with pytest.raises(PermissionDenied):
        services.meeting_close(actor=org.alice, meeting=scheduled_meeting)


def test_it_updates_details_and_changes_the_preset_only_before_opening(
    org: SmallOrg, scheduled_meeting: Meeting
) -> None:
    common = {"title": "Renamed", "starts_at": timezone.now(), "kind": "general", "mode": "online"}
    common["online_link"] = "https://meet.example.org/x"
    services.meeting_update(actor=org.bob, meeting=scheduled_meeting, rules_preset="open", **common)
    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.title, scheduled_meeting.rules_preset) == ("Renamed", "open")
    services.meeting_open(actor=org.bob, meeting=scheduled_meeting)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(actor=org.bob, meeting=scheduled_meeting, rules_preset="fair", **common)
    assert "rules_preset" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=org.alice, meeting=scheduled_meeting, **common)


def test_it_adds_and_reorders_agenda_items(org: SmallOrg, meeting: Meeting) -> None:
    budget = services.item_add(actor=org.bob, meeting=meeting, title="Budget", minutes_allotted=10)
    services.item_move(actor=org.bob, item=budget, direction="up")
    assert [i.title for i in meeting.items.all()] == ["Rent strike", "Budget", "Any other business"]
    with pytest.raises(ValidationError):
        services.item_add(actor=org.bob, meeting=meeting, title=" ")
    with pytest.raises(PermissionDenied):
        services.item_move(actor=org.alice, item=budget, direction="up")


def test_it_takes_up_another_item_only_between_speeches(org: SmallOrg, meeting: Meeting) -> None:
    last = meeting.items.last()
    assert last is not None
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    with pytest.raises(ValidationError, match="End the current speech"):
        services.item_select(actor=org.bob, item=last)
    services.speech_end(actor=org.bob, speech=speech)
    services.item_select(actor=org.bob, item=last)
    meeting.refresh_from_db()
    assert meeting.current_item == last
    with pytest.raises(PermissionDenied):
        services.item_select(actor=org.alice, item=last)
