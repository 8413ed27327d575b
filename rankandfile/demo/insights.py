"""Demo history for insights: three years of Millbrook's meetings, proposals, ballots, surveys and exits, made by
the culture simulator through the services at the dates they stand for (docs/insights.md, "The demo").

The branch met under the open rules for the first half of its history (`DEMO_HISTORY_MONTHS`, three years), then
adopted the fair speaking rules: the pile-on trend and the dissenters' retention show the change. The organization's
plan keeps its own members and role history; the simulator adds what happened in the room, and the exits it caused
(never of a role holder). Loading twice does nothing the second time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from rankandfile.demo.activity import BRANCH_PATH
from rankandfile.insights import services as insights
from rankandfile.insights.simulator.run import simulate
from rankandfile.meetings.models import Meeting
from rankandfile.org.domain.roles import add_months

SEED = 2026
ATTENDANCE = 14


def history_loaded() -> bool:
    return Meeting.objects.filter(unit__path=BRANCH_PATH, title__startswith="Branch meeting, ").exists()


def load_insights_history() -> bool:
    """Simulate Millbrook's three years, then precompute every unit's figures. False when already there."""
    if history_loaded():
        return False
    months = max(settings.DEMO_HISTORY_MONTHS - 1, 2)  # up to last month: this month's meeting is the activity's
    months_open = months // 2
    start = add_months(timezone.localdate().replace(day=1), -(months + 1))
    common = {"members": 0, "seed": SEED, "unit_path": BRANCH_PATH, "attendance": ATTENDANCE, "adopt": True}
    simulate(months=months_open, rules="open", start=start, **common)  # type: ignore[arg-type]
    fair_start = add_months(start, months_open) + dt.timedelta(days=1)
    simulate(months=months - months_open, rules="fair", start=fair_start, **common)  # type: ignore[arg-type]
    insights.snapshots_refresh_stale()
    return True
