"""Services of speeches: the chair calls, pauses, resumes, ends and extends; speakers summarize; the secretary notes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.meetings import selectors, services
from rankandfile.meetings.models import Meeting, Override, SpeakingRequest, Speech
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.testing import SmallOrg


def test_it_calls_the_first_of_the_computed_queue(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    services.hand_raise(member=org.erin, meeting=meeting, stance="point_of_order")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    assert speech.member == org.erin  # points of order first
    assert speech.request is not None and speech.request.status == SpeakingRequest.Status.CALLED
    assert speech.seconds_allowed == 180  # the fair preset: 3 minutes a speech


def test_it_gives_no_time_limit_under_the_open_preset(org: SmallOrg) -> None:
    meeting = make_meeting(org, rules_preset="open")
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    assert services.speech_start(actor=org.bob, meeting=meeting).seconds_allowed is None


def test_it_refuses_to_call_when_nobody_waits(org: SmallOrg, meeting: Meeting) -> None:
    with pytest.raises(ValidationError, match="Nobody is waiting"):
        services.speech_start(actor=org.bob, meeting=meeting)


def test_it_refuses_to_call_while_someone_speaks(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    services.hand_raise(member=org.erin, meeting=meeting, stance="against")
    services.speech_start(actor=org.bob, meeting=meeting)
    with pytest.raises(ValidationError, match="Someone is speaking"):
        services.speech_start(actor=org.bob, meeting=meeting)


def test_it_refuses_a_member_calling_speakers(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    with pytest.raises(PermissionDenied):
        services.speech_start(actor=org.alice, meeting=meeting)


def test_it_moves_the_chairs_other_placements_up_when_a_speaker_is_called(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    services.hand_raise(member=org.bob, meeting=meeting, stance="against")
    erin = services.request_insert(
        actor=org.bob, meeting=meeting, member=org.erin, stance="for", position=3, reason="Report from the committee"
    )
    services.speech_start(actor=org.bob, meeting=meeting)
    erin.refresh_from_db()
    assert erin.pinned_position == 2
    rows = selectors.speaker_queue(meeting, meeting.current_item).rows  # type: ignore[arg-type]
    assert [r.request.member_id for r in rows][1] == org.erin.pk


def test_it_does_not_count_a_pause_as_speaking_time(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        speech = services.speech_start(actor=org.bob, meeting=meeting)
        traveller.shift(dt.timedelta(seconds=30))
        services.speech_pause(actor=org.bob, speech=speech)
        traveller.shift(dt.timedelta(seconds=100))
        services.speech_resume(actor=org.bob, speech=speech)
        traveller.shift(dt.timedelta(seconds=20))
        services.speech_end(actor=org.bob, speech=speech)
    speech.refresh_from_db()
    assert speech.paused_seconds == 100
    assert speech.duration_seconds() == 50


def test_it_ends_a_paused_speech_without_counting_the_pause(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        speech = services.speech_start(actor=org.bob, meeting=meeting)
        traveller.shift(dt.timedelta(seconds=10))
        services.speech_pause(actor=org.bob, speech=speech)
        traveller.shift(dt.timedelta(seconds=60))
        services.speech_end(actor=org.bob, speech=speech)
    speech.refresh_from_db()
    assert speech.duration_seconds() == 10


def test_it_refuses_to_end_a_speech_twice(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.speech_end(actor=org.bob, speech=speech)
    with pytest.raises(ValidationError, match="has ended"):
        services.speech_end(actor=org.bob, speech=speech)


def test_it_extends_a_speech_with_a_reason_as_an_override(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.speech_extend(actor=org.bob, speech=speech, seconds=60, reason="Translation took time")
    speech.refresh_from_db()
    assert speech.seconds_allowed == 240
    override = Override.objects.get()
    assert (override.action, override.detail["seconds"], override.reason) == ("extend", 60, "Translation took time")
    assert AuditEntry.objects.filter(action="meeting.override.extend").exists()


def test_it_refuses_to_extend_without_a_reason(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    with pytest.raises(ValidationError) as error:
        services.speech_extend(actor=org.bob, speech=speech, seconds=60, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.speech_extend(actor=org.alice, speech=speech, seconds=60, reason="I want more")
    assert not Override.objects.exists()


def test_it_lets_only_the_speaker_summarize(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.speech_summarize(member=org.alice, speech=speech, summary="  Strike   now ")
    assert Speech.objects.get().summary == "Strike now"
    with pytest.raises(PermissionDenied):
        services.speech_summarize(member=org.bob, speech=speech, summary="She said something else")
    with pytest.raises(ValidationError) as error:
        services.speech_summarize(member=org.alice, speech=speech, summary="x" * 281)
    assert "summary" in error.value.message_dict


def test_it_lets_the_secretary_note_a_speech(org: SmallOrg) -> None:
    meeting = make_meeting(org, secretary=org.erin)
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.speech_note(actor=org.erin, speech=speech, note="Tabled the survey results")
    speech.refresh_from_db()
    assert (speech.note, speech.note_by) == ("Tabled the survey results", org.erin)
    with pytest.raises(PermissionDenied):
        services.speech_note(actor=org.alice, speech=speech, note="mine")


def test_it_bumps_the_version_with_each_change(org: SmallOrg, meeting: Meeting) -> None:
    before = Meeting.objects.get(pk=meeting.pk).version
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.speech_end(actor=org.bob, speech=speech)
    assert Meeting.objects.get(pk=meeting.pk).version == before + 3
