"""A chair sets each speaking rule on or off, with its parameter, before the meeting opens."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from rankandfile.audit.models import AuditEntry
from rankandfile.meetings import services
from rankandfile.meetings.domain.speaking_order import PRESETS, Rules
from rankandfile.meetings.models import Meeting
from rankandfile.testing import SmallOrg, log_in

NO_CAP = PRESETS["fair"].to_dict() | {"pile_on_cap": None, "speech_seconds": 120}


def test_it_stores_rules_set_one_by_one_and_audits_them(org: SmallOrg, scheduled_meeting: Meeting) -> None:
    services.meeting_set_rules(actor=org.bob, meeting=scheduled_meeting, rules=NO_CAP)
    scheduled_meeting.refresh_from_db()
    assert Rules.from_dict(scheduled_meeting.rules).pile_on_cap is None
    assert scheduled_meeting.rules["speech_seconds"] == 120
    assert scheduled_meeting.rules_preset == "custom"
    assert AuditEntry.objects.filter(action="meeting.rules", object_id=str(scheduled_meeting.pk)).exists()


def test_it_names_the_preset_when_the_rules_match_one(org: SmallOrg, scheduled_meeting: Meeting) -> None:
    services.meeting_set_rules(actor=org.bob, meeting=scheduled_meeting, rules=PRESETS["open"].to_dict())
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.rules_preset == "open"


def test_it_refuses_rules_once_the_meeting_has_opened(org: SmallOrg, meeting: Meeting) -> None:
    before = dict(meeting.rules)
    with pytest.raises(ValidationError, match="cannot change once the meeting has opened"):
        services.meeting_set_rules(actor=org.bob, meeting=meeting, rules=NO_CAP)
    meeting.refresh_from_db()
    assert meeting.rules == before


def test_it_refuses_a_member_who_does_not_run_the_meeting(org: SmallOrg, scheduled_meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_set_rules(actor=org.alice, meeting=scheduled_meeting, rules=NO_CAP)


def test_it_refuses_a_malformed_rule_set(org: SmallOrg, scheduled_meeting: Meeting) -> None:
    with pytest.raises(ValidationError):
        services.meeting_set_rules(actor=org.bob, meeting=scheduled_meeting, rules={"pile_on_cap": 0})


def test_it_saves_the_rules_form_and_keeps_custom_rules_when_the_meeting_is_edited(
    org: SmallOrg, scheduled_meeting: Meeting
) -> None:
    client = Client()
    log_in(client, org.bob)
    url = reverse("meetings:rules", args=[scheduled_meeting.pk])
    form = {
        "points_of_order_first": "on",
        "first_time_speakers_first": "on",
        "right_of_reply": "3",
        "speech_seconds": "90",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.rules == {
        "points_of_order_first": True,
        "first_time_speakers_first": True,
        "alternate_for_against": False,
        "pile_on_cap": None,
        "right_of_reply": 3,
        "speech_seconds": 90,
        "member_item_seconds": None,
    }
    edit_page = client.get(reverse("meetings:edit", args=[scheduled_meeting.pk])).content.decode()
    assert 'value="custom" selected' in edit_page
    assert client.post(url, {"speech_seconds": "5"}).context["form"].errors["speech_seconds"]
