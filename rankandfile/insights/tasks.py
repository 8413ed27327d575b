"""Insights work for the task worker (rankandfile/worker.py): the figures' refresh and the exit survey's offer."""

from __future__ import annotations

from rankandfile.insights import services
from rankandfile.worker import every


@every("*/10", at_start=True)
def refresh_figures() -> int:
    """Every ten minutes: recompute the figures of each unit where something changed (services.snapshot_refresh)."""
    return services.snapshots_refresh_stale()


@every("17", at_start=True)
def offer_exit_surveys() -> int:
    """Hourly: offer the exit survey to members whose membership lapsed or ended since the last run."""
    return services.exit_surveys_offer_due()
