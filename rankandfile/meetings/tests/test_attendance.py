"""Services of attendance: check in by button (online), by code or QR (in person), or by the chair; quorum."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankandfile.meetings import selectors, services
from rankandfile.meetings.models import Attendance, Meeting
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.testing import SmallOrg


def test_it_checks_a_member_in_once(org: SmallOrg, meeting: Meeting) -> None:
    first = services.attendance_check_in(member=org.alice, meeting=meeting)
    again = services.attendance_check_in(member=org.alice, meeting=meeting)
    assert first.pk == again.pk
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_it_needs_the_projectors_code_in_person(org: SmallOrg) -> None:
    meeting = make_meeting(org, mode="in_person", place="Union hall", online_link="")
    with pytest.raises(ValidationError) as error:
        services.attendance_check_in(member=org.alice, meeting=meeting, code="guess")
    assert "code" in error.value.message_dict
    attendance = services.attendance_check_in(member=org.alice, meeting=meeting, code=meeting.checkin_code, how="qr")
    assert attendance.how == "qr"


def test_it_refuses_outsiders_and_closed_meetings(org: SmallOrg, meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.attendance_check_in(member=org.otto, meeting=meeting)
    services.meeting_close(actor=org.bob, meeting=meeting)
    with pytest.raises(ValidationError):
        services.attendance_check_in(member=org.alice, meeting=meeting)


def test_it_lets_the_chair_check_a_member_in(org: SmallOrg, meeting: Meeting) -> None:
    attendance = services.attendance_add(actor=org.bob, meeting=meeting, member=org.erin)
    assert (attendance.how, attendance.checked_in_by) == ("chair", org.bob)
    with pytest.raises(ValidationError):
        services.attendance_add(actor=org.bob, meeting=meeting, member=org.otto)
    with pytest.raises(PermissionDenied):
        services.attendance_add(actor=org.alice, meeting=meeting, member=org.erin)


def test_it_shows_quorum_when_enough_have_checked_in(org: SmallOrg, meeting: Meeting) -> None:
    services.attendance_check_in(member=org.alice, meeting=meeting)
    state = selectors.live_state(meeting.pk)
    assert state is not None and (state.attendance_count, state.is_quorate) == (1, False)
    services.attendance_check_in(member=org.erin, meeting=meeting)
    state = selectors.live_state(meeting.pk)
    assert state is not None and state.is_quorate
