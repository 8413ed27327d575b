"""The demo's insights history: Millbrook's months from the culture simulator, then every unit's figures."""

from __future__ import annotations

from typing import Any

import pytest

from rankandfile.demo.activity import BRANCH_PATH
from rankandfile.demo.insights import load_insights_history
from rankandfile.demo.organization import load_demo
from rankandfile.insights.models import Snapshot
from rankandfile.meetings.models import Meeting, Speech
from rankandfile.org.models import Unit

pytestmark = pytest.mark.django_db


def test_it_fills_millbrook_with_simulated_meetings_and_precomputes_the_figures(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO_HISTORY_MONTHS = 4
    load_demo()
    assert load_insights_history() is True
    meetings = Meeting.objects.filter(unit__path=BRANCH_PATH)
    assert meetings.count() == 3 and Speech.objects.filter(meeting__in=meetings).count() > 20
    assert Snapshot.objects.count() == Unit.objects.count()
    assert load_insights_history() is False
