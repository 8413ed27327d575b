"""Scheduled recall work, run by the task worker (rankandfile/worker.py): petitions lapse on time.

The job calls the service; it is safe to run twice at once (each petition is closed under its row lock, once).
"""

from __future__ import annotations

from rankandfile.recall import services
from rankandfile.worker import every


@every("*/5", at_start=True)
def recall_petitions_lapse_due() -> int:
    """Every five minutes, and when a worker starts: close petitions past their time or whose term ended."""
    return len(services.petitions_lapse_due())
