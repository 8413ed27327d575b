"""The life of a proposal: which status may follow which, and who decides it (docs/proposals.md)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ON_AGENDA = "on_agenda"
    ON_BALLOT = "on_ballot"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# draft → submitted → on agenda / on ballot → adopted / rejected; withdrawn from anywhere before the ballot.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.ON_AGENDA, Status.ON_BALLOT, Status.WITHDRAWN}),
    Status.ON_AGENDA: frozenset({Status.ON_BALLOT, Status.SUBMITTED, Status.WITHDRAWN}),
    Status.ON_BALLOT: frozenset({Status.ADOPTED, Status.REJECTED, Status.SUBMITTED}),
    Status.ADOPTED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# A ballot that closes without a decision (quorum not met) sends its proposals back to SUBMITTED.
OPEN_FOR_DEBATE = frozenset({Status.SUBMITTED, Status.ON_AGENDA})
EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.ON_AGENDA})
FINAL = frozenset({Status.ADOPTED, Status.REJECTED, Status.WITHDRAWN})


def transition_refusal(current: str, new: str) -> str | None:
    """Why `current` cannot become `new`, or None when it may."""
    try:
        start, end = Status(current), Status(new)
    except ValueError:
        return "unknown status."
    if end in TRANSITIONS[start]:
        return None
    if start in FINAL:
        return "the proposal is already decided or withdrawn."
    return f"a proposal that is {start.value.replace('_', ' ')} cannot become {end.value.replace('_', ' ')}."
