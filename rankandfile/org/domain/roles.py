"""Rules for filling a role's seats, kept apart from the database so they can be tested directly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TermSpan:
    holder_id: int
    starts_on: dt.date
    ends_on: dt.date | None


def overlaps(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Half-open intervals [start, end); an open end runs for ever."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Clamp to the month's last day: a term starting 31 January runs to 28/29 February, not into March.
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Refusal:
    """Why a term cannot be added: a code and its figures, so the app can word it in the member's language."""

    code: str  # "holds_already" | "seats_full" | "term_limit"
    seats: int = 0
    held: int = 0
    limit: int = 0

    def __str__(self) -> str:
        if self.code == "holds_already":
            return "already holds this role for part of that period."
        if self.code == "seats_full":
            return f"all {self.seats} seat(s) are filled for that period; end a term first."
        return f"has already held this role for {self.held} term(s); the limit is {self.limit}."


def seat_refusal(
    existing: list[TermSpan], seats: int, holder_id: int, starts_on: dt.date, ends_on: dt.date | None
) -> Refusal | None:
    """Why a new term cannot be added, or None. Seats count the terms overlapping the new one."""
    overlapping = [t for t in existing if overlaps(t.starts_on, t.ends_on, starts_on, ends_on)]
    if any(t.holder_id == holder_id for t in overlapping):
        return Refusal("holds_already")
    if len(overlapping) >= seats:
        return Refusal("seats_full", seats=seats)
    return None


def term_limit_refusal(existing: list[TermSpan], term_limit: int | None, holder_id: int) -> Refusal | None:
    if term_limit is None:
        return None
    held = sum(1 for t in existing if t.holder_id == holder_id)
    if held >= term_limit:
        return Refusal("term_limit", held=held, limit=term_limit)
    return None
