"""Every write to ballots: set up and open, cast, close, count and publish, remind; elections for roles.

Opening, closing and publishing are audit-chain entries, never with any vote content. Casting is *not* audited:
an entry per cast would stamp the member and the time, the very link the data model leaves out (docs/ballots.md).
Elections for roles (`services/elections.py`) build their ballot through `ballot_create`.
"""

from rankandfile.ballots.services.casting import (
    ALREADY_VOTED,
    MARK_MESSAGES,
    Receipt,
    ballot_cast,
    cast_refusal,
    cast_refusal_for,
    check_marks,
    mark_message,
    new_receipt,
)
from rankandfile.ballots.services.closing import (
    ballot_close,
    ballot_count,
    ballots_close_due,
    decision_handler_register,
)
from rankandfile.ballots.services.reminders import (
    ballot_send_reminders,
    ballots_remind_due,
)
from rankandfile.ballots.services.setup import (
    SETUP_MESSAGES,
    OptionSpec,
    ballot_create,
    ballot_open,
    ballot_open_by_rule,
    ballot_set_alternatives,
    options_for,
)

__all__ = [
    "ALREADY_VOTED",
    "MARK_MESSAGES",
    "SETUP_MESSAGES",
    "OptionSpec",
    "Receipt",
    "ballot_cast",
    "ballot_close",
    "ballot_count",
    "ballot_create",
    "ballot_open",
    "ballot_open_by_rule",
    "ballot_send_reminders",
    "ballot_set_alternatives",
    "ballots_close_due",
    "ballots_remind_due",
    "cast_refusal",
    "cast_refusal_for",
    "check_marks",
    "decision_handler_register",
    "mark_message",
    "new_receipt",
    "options_for",
]
