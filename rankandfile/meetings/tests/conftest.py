"""Fixtures for the meetings tests: an open Leeds branch meeting chaired by bob (personas: rankandfile/testing.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rankandfile.meetings import services
from rankandfile.meetings.models import Meeting
from rankandfile.testing import SmallOrg


def make_meeting(org: SmallOrg, *, is_open: bool = True, **overrides: Any) -> Meeting:
    fields: dict[str, Any] = {
        "title": "Leeds branch meeting",
        "starts_at": timezone.now() - dt.timedelta(minutes=5),
        "mode": Meeting.Mode.ONLINE,
        "online_link": "https://meet.example.org/leeds",
        "chair": org.bob,
        "quorum": 2,
        "agenda": ["Rent strike", "Any other business"],
    }
    fields.update(overrides)
    meeting = services.meeting_create(actor=org.bob, unit=org.leeds, **fields)
    if is_open:
        # A meeting called for later opens now with a reason (the guard on opening early; docs/meetings.md).
        services.meeting_open(actor=org.bob, meeting=meeting, override_reason="Opened early for the test")
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def meeting(org: SmallOrg) -> Meeting:
    return make_meeting(org)


@pytest.fixture
def scheduled_meeting(org: SmallOrg) -> Meeting:
    return make_meeting(org, is_open=False)
