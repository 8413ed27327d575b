"""Refreshing the precomputed figures: only when their sources changed; by the scheduled task too."""

from __future__ import annotations

from typing import Any

import pytest

from rankandfile.insights import services, tasks
from rankandfile.insights.models import Snapshot
from rankandfile.org.models import Membership
from rankandfile.testing import SmallOrg

pytestmark = pytest.mark.django_db


def test_a_refresh_without_changes_keeps_the_row(org: SmallOrg) -> None:
    first = services.snapshot_refresh(unit=org.leeds)
    again = services.snapshot_refresh(unit=org.leeds)
    assert again.computed_at == first.computed_at


def test_a_change_in_the_unit_makes_the_next_refresh_recompute(org: SmallOrg, leeds_pile_on: Any) -> None:
    before = Snapshot.objects.filter(unit=org.leeds).first()
    assert before is None
    first = services.snapshot_refresh(unit=org.leeds)
    Membership.objects.filter(member=org.alice, unit=org.leeds).update(status="left", status_changed_on="2026-01-02")
    second = services.snapshot_refresh(unit=org.leeds)
    assert second.mark != first.mark


def test_the_scheduled_task_refreshes_every_changed_unit(org: SmallOrg) -> None:
    refreshed = tasks.refresh_figures.call_local()
    assert refreshed == Snapshot.objects.count() >= 4
    assert tasks.refresh_figures.call_local() == 0
