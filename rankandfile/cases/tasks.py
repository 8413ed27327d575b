"""Scheduled case work, run by the task worker (rankandfile/worker.py): reminders of deadlines, dropping the keys
of members who left the committee and renewing those cases' keys, deleting cases past their retention, sweeping
unused uploads."""

from __future__ import annotations

from rankandfile.cases import services
from rankandfile.worker import every


@every("*", at_start=True)
def case_keys_rotate_departed() -> int:
    """Every minute: a member who left the committee loses every sealed case key, and each case they held gets a
    new key generation (a departure through the org's services does this at once; this catches a term that ran
    out on its date, an account switched off)."""
    return services.case_keys_rotate_departed()


@every("17", at_start=True)
def cases_remind_due() -> int:
    """Hourly: remind the committee of cases past a deadline (once a day per case)."""
    return services.cases_remind_due()


@every("41", "3", at_start=True)
def cases_delete_due() -> int:
    """Daily: delete closed cases past their retention period, leaving only the aggregate figures."""
    return services.cases_delete_due() + services.attachments_sweep()
