"""Scheduled ballot work, run by the task worker (rankandfile/worker.py): closing on time, reminders.

Each job calls the service the management commands call. Both are safe to run twice at once: the close locks the
ballot row and counts only an open ballot; the reminder claims `reminded_at` under the same lock.
"""

from __future__ import annotations

from rankandfile.ballots import services
from rankandfile.worker import every


@every("*", at_start=True)
def ballots_close_due() -> int:
    """Every minute, and when a worker starts: close, count and publish every ballot past its closing time."""
    return len(services.ballots_close_due())


@every("*/5", at_start=True)
def send_due_reminders() -> int:
    """Every five minutes: remind members who have not voted in ballots closing within BALLOT_REMINDER_HOURS."""
    return services.ballots_remind_due()
