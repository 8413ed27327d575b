"""Services of the speaking list: raise and withdraw a hand, the chair adds, moves, inserts and removes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.meetings import selectors, services
from rankandfile.meetings.models import Meeting, Override, SpeakingRequest
from rankandfile.org.models import Membership
from rankandfile.testing import SmallOrg, make_member


def queue_names(meeting: Meeting) -> list[str]:
    meeting.refresh_from_db()
    assert meeting.current_item is not None
    return [row.request.member.full_name for row in selectors.speaker_queue(meeting, meeting.current_item).rows]


def test_it_puts_a_raised_hand_in_the_queue(org: SmallOrg, meeting: Meeting) -> None:
    request = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    assert request.status == SpeakingRequest.Status.WAITING
    assert request.item_id == meeting.current_item_id
    assert queue_names(meeting) == ["Alice Member"]


def test_it_refuses_a_second_hand_on_one_item(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    with pytest.raises(ValidationError) as error:
        services.hand_raise(member=org.alice, meeting=meeting, stance="against")
    assert "already have your hand raised" in error.value.message_dict["stance"][0]
    assert SpeakingRequest.objects.filter(member=org.alice).count() == 1


def test_it_has_a_database_constraint_against_two_waiting_hands(org: SmallOrg, meeting: Meeting) -> None:
    first = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakingRequest.objects.create(
            meeting=meeting, item=first.item, member=org.alice, stance="against", requested_at=timezone.now()
        )


def test_it_lets_a_member_raise_a_hand_again_after_withdrawing(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    withdrawn = services.hand_withdraw(member=org.alice, meeting=meeting)
    assert withdrawn.status == SpeakingRequest.Status.WITHDRAWN
    assert queue_names(meeting) == []
    services.hand_raise(member=org.alice, meeting=meeting, stance="against")
    assert queue_names(meeting) == ["Alice Member"]


def test_it_refuses_to_withdraw_a_hand_that_is_not_up(org: SmallOrg, meeting: Meeting) -> None:
    with pytest.raises(ValidationError):
        services.hand_withdraw(member=org.alice, meeting=meeting)


def test_it_refuses_a_hand_while_the_meeting_is_not_open(org: SmallOrg, scheduled_meeting: Meeting) -> None:
    with pytest.raises(ValidationError):
        services.hand_raise(member=org.alice, meeting=scheduled_meeting, stance="for")


def test_it_refuses_an_unknown_stance(org: SmallOrg, meeting: Meeting) -> None:
    with pytest.raises(ValidationError) as error:
        services.hand_raise(member=org.alice, meeting=meeting, stance="shouting")
    assert "stance" in error.value.message_dict


@pytest.mark.parametrize("persona", ["otto", "frank", "york_member"])
def test_it_refuses_outsiders(org: SmallOrg, meeting: Meeting, persona: str) -> None:
    outsider = make_member("Yasmin York", org.york) if persona == "york_member" else getattr(org, persona)
    with pytest.raises(PermissionDenied):
        services.hand_raise(member=outsider, meeting=meeting, stance="for")


def test_it_lets_members_of_a_unit_inside_the_meetings_unit_take_part(org: SmallOrg) -> None:
    north_meeting = services.meeting_create(
        actor=org.carol,
        unit=org.north,
        title="District",
        starts_at=timezone.now(),
        mode="online",
        online_link="https://meet.example.org/north",
        agenda=["Budget"],
    )
    services.meeting_open(actor=org.carol, meeting=north_meeting)
    request = services.hand_raise(member=org.alice, meeting=north_meeting, stance="neutral")  # alice is in Leeds
    assert request.pk


def test_it_records_whether_the_member_holds_a_role(org: SmallOrg, meeting: Meeting) -> None:
    by_member = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    by_officer = services.hand_raise(member=org.bob, meeting=meeting, stance="against")
    assert not by_member.is_role_holder
    assert by_officer.is_role_holder


def test_it_orders_the_queue_by_the_speaking_order_function(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.bob, meeting=meeting, stance="for")
    services.hand_raise(member=org.erin, meeting=meeting, stance="for")
    services.hand_raise(member=org.alice, meeting=meeting, stance="point_of_order")
    assert queue_names(meeting)[0] == "Alice Member"  # points of order first (fair preset)
    rows = selectors.speaker_queue(meeting, meeting.current_item).rows  # type: ignore[arg-type]
    assert "point of order" in rows[0].reasons[0]


def test_it_lets_the_chair_add_a_member_without_a_phone(org: SmallOrg, meeting: Meeting) -> None:
    request = services.speaker_add(actor=org.bob, meeting=meeting, member=org.erin, stance="against")
    assert request.added_by == org.bob
    assert queue_names(meeting) == ["Erin Committee"]
    assert AuditEntry.objects.filter(action="meeting.speaker_add").exists()


def test_it_refuses_a_member_adding_someone(org: SmallOrg, meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.speaker_add(actor=org.alice, meeting=meeting, member=org.erin, stance="for")


def test_it_moves_a_request_with_a_reason_and_records_it(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    erin = services.hand_raise(member=org.erin, meeting=meeting, stance="for")
    services.request_move(actor=org.bob, request=erin, position=1, reason="Erin has to leave early")
    assert queue_names(meeting) == ["Erin Committee", "Alice Member"]
    override = Override.objects.get()
    assert (override.action, override.reason, override.detail) == (
        "move",
        "Erin has to leave early",
        {"from": 2, "to": 1},
    )
    entry = AuditEntry.objects.get(action="meeting.override.move")
    assert entry.payload["reason"] == "Erin has to leave early"
    rows = selectors.speaker_queue(meeting, meeting.current_item).rows  # type: ignore[arg-type]
    assert rows[0].reasons == ("placed by the chair: Erin has to leave early",)


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_an_override_without_a_reason(org: SmallOrg, meeting: Meeting, reason: str) -> None:
    alice = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    with pytest.raises(ValidationError) as error:
        services.request_move(actor=org.bob, request=alice, position=1, reason=reason)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.request_remove(actor=org.bob, request=alice, reason=reason)
    with pytest.raises(ValidationError):
        services.request_insert(
            actor=org.bob, meeting=meeting, member=org.erin, stance="for", position=1, reason=reason
        )
    assert not Override.objects.exists()


def test_it_refuses_a_member_reordering_the_queue(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.bob, meeting=meeting, stance="for")
    alice = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    with pytest.raises(PermissionDenied):
        services.request_move(actor=org.alice, request=alice, position=1, reason="I was first, really")
    with pytest.raises(PermissionDenied):
        services.request_remove(actor=org.alice, request=alice, reason="changed my mind")
    assert not Override.objects.exists()


def test_it_inserts_a_member_at_a_place_with_a_reason(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    services.hand_raise(member=org.bob, meeting=meeting, stance="against")
    services.request_insert(
        actor=org.bob, meeting=meeting, member=org.erin, stance="question", position=2, reason="Invited speaker"
    )
    assert queue_names(meeting)[1] == "Erin Committee"
    assert Override.objects.get().action == "insert"


def test_it_removes_a_request_with_a_reason(org: SmallOrg, meeting: Meeting) -> None:
    alice = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    services.request_remove(actor=org.bob, request=alice, reason="Alice left the room")
    alice.refresh_from_db()
    assert alice.status == SpeakingRequest.Status.REMOVED
    assert queue_names(meeting) == []
    assert AuditEntry.objects.filter(action="meeting.override.remove").count() == 1


def test_it_lets_the_designated_chair_run_without_the_capability(org: SmallOrg) -> None:
    from rankandfile.meetings.tests.conftest import make_meeting

    meeting = make_meeting(org, chair=org.erin)
    alice = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    services.request_remove(actor=org.erin, request=alice, reason="Testing the designated chair")
    assert Override.objects.get().actor == org.erin


def test_it_refuses_a_lapsed_member_even_with_a_past_request(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    Membership.objects.filter(member=org.alice).update(status=Membership.Status.LAPSED)
    alice = type(org.alice).objects.get(pk=org.alice.pk)
    with pytest.raises(PermissionDenied):
        services.hand_withdraw(member=alice, meeting=meeting)
