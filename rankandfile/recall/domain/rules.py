"""The rules of a recall, in plain Python (docs/recall.md): the threshold, the lapse, the wait after a failed
recall, the quorum, and the words role history keeps. The one place each is decided; services only apply them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_PERCENT = 20  # of the unit's members in good standing at the petition's start
DEFAULT_MINIMUM = 5
DEFAULT_LAPSE_DAYS = 30
DEFAULT_COOLDOWN_MONTHS = 6
DEFAULT_BALLOT_DAYS = 14
DEFAULT_QUORUM_PERCENT = 25
DEFAULT_NOMINATION_DAYS = 14

# What an organization may set: enough room to fit its bylaws, never so much that a recall becomes impossible.
PERCENT_RANGE = (1, 50)
MINIMUM_RANGE = (1, 100)
LAPSE_DAYS_RANGE = (7, 180)
COOLDOWN_MONTHS_RANGE = (0, 24)
BALLOT_DAYS_RANGE = (3, 60)
QUORUM_PERCENT_RANGE = (0, 75)
NOMINATION_DAYS_RANGE = (3, 60)


class Status(StrEnum):
    OPEN = "open"  # collecting signatures
    BALLOT = "ballot"  # the threshold was reached: the recall ballot is open
    CARRIED = "carried"  # the members recalled the officer
    FAILED = "failed"  # the ballot did not carry (no majority, no quorum, nobody voted)
    LAPSED = "lapsed"  # the time ran out before the threshold
    ENDED = "ended"  # the term ended otherwise before the threshold


ACTIVE = frozenset({Status.OPEN, Status.BALLOT})
CLOSED = frozenset({Status.CARRIED, Status.FAILED, Status.LAPSED, Status.ENDED})


def signatures_required(members: int, percent: int, minimum: int, signers_possible: int | None = None) -> int:
    """Signatures a petition needs: `percent` of the unit's members in good standing (rounded up), at least
    `minimum`, and never more than the members who may sign (`signers_possible`: the roll without the officer),
    so that a small unit can still recall. Always at least one."""
    needed = max(minimum, math.ceil(members * percent / 100))
    if signers_possible is not None:
        needed = min(needed, signers_possible)
    return max(1, needed)


def lapses_at(started_at: dt.datetime, lapse_days: int) -> dt.datetime:
    return started_at + dt.timedelta(days=lapse_days)


def has_lapsed(started_at: dt.datetime, lapse_days: int, now: dt.datetime) -> bool:
    """A petition lapses at the end of its period: a signature at `lapses_at` itself comes too late."""
    return now >= lapses_at(started_at, lapse_days)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_petition_allowed_on(last_failed_on: dt.date | None, cooldown_months: int) -> dt.date | None:
    """After a failed recall ballot, the first day a new petition against the same officer may start."""
    if last_failed_on is None:
        return None
    return add_months(last_failed_on, cooldown_months)


def cooldown_blocks(last_failed_on: dt.date | None, cooldown_months: int, today: dt.date) -> bool:
    allowed = next_petition_allowed_on(last_failed_on, cooldown_months)
    return allowed is not None and today < allowed


def quorum(roll: int, quorum_percent: int) -> int | None:
    """Ballots (abstentions included) the recall ballot needs to decide: a share of the frozen roll, rounded up;
    None for no quorum."""
    if quorum_percent <= 0:
        return None
    return max(1, math.ceil(roll * quorum_percent / 100))


def yes_percent(yes: int, no: int) -> int:
    """Yes as a whole percentage of yes + no (the votes cast), rounded down so that it never overstates a
    result: 50.9 % is "50 %"."""
    cast = yes + no
    return (100 * yes) // cast if cast else 0


@dataclass(frozen=True)
class Outcome:
    carried: bool
    yes: int
    no: int
    quorum_met: bool

    @property
    def percent(self) -> int:
        return yes_percent(self.yes, self.no)


def remainder_election_dates(
    today: dt.date, term_ends_on: dt.date | None, nomination_days: int
) -> tuple[dt.date, dt.date | None] | None:
    """When the new term of an election for the remainder starts (nominations close, then at most a ballot's
    time) and ends (when the recalled term would have). None when no remainder is left to elect for: the term
    would end before a new one could start, and the regular election fills the seat."""
    starts_on = today + dt.timedelta(days=nomination_days)
    if term_ends_on is not None and term_ends_on <= starts_on:
        return None
    return starts_on, term_ends_on
