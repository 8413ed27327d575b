"""Scheduled bulletin work, run by the task worker (rankandfile/worker.py): publishing issues on their date."""

from __future__ import annotations

from rankandfile.bulletin import services
from rankandfile.worker import every


@every("*/5", at_start=True)
def issues_publish_due() -> int:
    """Every five minutes, and when a worker starts: publish each issue whose date has come."""
    return len(services.issues_publish_due())
