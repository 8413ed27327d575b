"""A case's states, the moves between them, its deadlines and when it may be deleted (docs/cases.md)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    DECIDED = "decided"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    CLOSED = "closed"


# Each state → the states a committee (or, for an appeal, the appeal body) may move the case to.
MOVES: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.ACKNOWLEDGED}),
    State.ACKNOWLEDGED: frozenset({State.INVESTIGATING}),
    State.INVESTIGATING: frozenset({State.DECIDED}),
    State.DECIDED: frozenset({State.APPEALED, State.CLOSED}),
    State.APPEALED: frozenset({State.APPEAL_DECIDED}),
    State.APPEAL_DECIDED: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),
}
OPEN_STATES = frozenset(set(State) - {State.CLOSED})


def can_move(current: State, target: State) -> bool:
    return target in MOVES[current]


class Sanction(StrEnum):
    WARNING = "warning"
    SUSPENSION = "suspension"
    EXPULSION = "expulsion"
    ROLE_REMOVAL = "role_removal"


@dataclass(frozen=True)
class Policy:
    """The organization's deadlines and retention (defaults from the issue: 7 days, 60 days, 6 years)."""

    acknowledge_days: int = 7
    decide_days: int = 60
    retention_years: int = 6


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: dt.date
    decide_by: dt.date


def deadlines(received_on: dt.date, policy: Policy) -> Deadlines:
    return Deadlines(
        acknowledge_by=received_on + dt.timedelta(days=policy.acknowledge_days),
        decide_by=received_on + dt.timedelta(days=policy.decide_days),
    )


def overdue(state: State, due: Deadlines, today: dt.date) -> str | None:
    """Which deadline the case has missed ("acknowledge" or "decide"), or None."""
    if state == State.RECEIVED and today > due.acknowledge_by:
        return "acknowledge"
    if state in {State.RECEIVED, State.ACKNOWLEDGED, State.INVESTIGATING} and today > due.decide_by:
        return "decide"
    return None


def delete_after(closed_on: dt.date, policy: Policy) -> dt.date:
    try:
        return closed_on.replace(year=closed_on.year + policy.retention_years)
    except ValueError:  # 29 February
        return closed_on.replace(year=closed_on.year + policy.retention_years, day=28)


_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed without doubt


def reference_new() -> str:
    """The case's opaque reference: random, so it says nothing of order, unit or category."""
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"C-{body[:4]}-{body[4:]}"
