"""Rules for filling a role's seats, kept apart from the database so they can be tested directly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TermSpan:
    holder_id: int
    starts_on: dt.date
    ends_on: dt.date | None
    is_elected: bool = False  # elected or acclaimed (not appointed): these terms set the role's calendar


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


def seats_taken(existing: list[TermSpan], starts_on: dt.date, ends_on: dt.date | None) -> int:
    """The most terms running on any one day of [starts_on, ends_on).

    Not the number of terms overlapping the period: a term that ends in March and its successor from March hold one
    seat between them, never two. The count only rises where a term starts, so the peak is on one of those days.
    """
    overlapping = [t for t in existing if overlaps(t.starts_on, t.ends_on, starts_on, ends_on)]
    days = {starts_on} | {t.starts_on for t in overlapping if t.starts_on > starts_on}
    return max(
        (sum(1 for t in overlapping if t.starts_on <= day and (t.ends_on is None or day < t.ends_on)) for day in days),
        default=0,
    )


def next_term_start(existing: list[TermSpan], on: dt.date, term_months: int) -> dt.date:
    """When the next elected term of the role starts, seen from `on`: the earliest end of the elected terms
    running that day or start of an elected term after it; with neither, a whole term after `on`.

    An appointment into a vacancy runs to this day by default, and so does a by-election's term: the seat is
    filled until the members next elect to it, never over the terms they already elected.
    """
    days = [t.starts_on for t in existing if t.is_elected and t.starts_on > on]
    days += [t.ends_on for t in existing if t.is_elected and t.ends_on and t.starts_on <= on < t.ends_on]
    return min(days, default=add_months(on, term_months))


def open_seats(existing: list[TermSpan], seats: int, on: dt.date, term_months: int) -> int:
    """Seats that can be filled from `on` until the next elected term starts: the vacancies a page shows, and
    exactly what `seat_refusal` allows for a term over that period."""
    return max(0, seats - seats_taken(existing, on, next_term_start(existing, on, term_months)))


def seat_refusal(
    existing: list[TermSpan], seats: int, holder_id: int, starts_on: dt.date, ends_on: dt.date | None
) -> Refusal | None:
    """Why a new term cannot be added, or None: the holder already has a term then, or on some day of the new
    term every seat is taken (`seats_taken`)."""
    overlapping = [t for t in existing if overlaps(t.starts_on, t.ends_on, starts_on, ends_on)]
    if any(t.holder_id == holder_id for t in overlapping):
        return Refusal("holds_already")
    if seats_taken(existing, starts_on, ends_on) >= seats:
        return Refusal("seats_full", seats=seats)
    return None


def term_limit_refusal(existing: list[TermSpan], term_limit: int | None, holder_id: int) -> Refusal | None:
    if term_limit is None:
        return None
    held = sum(1 for t in existing if t.holder_id == holder_id)
    if held >= term_limit:
        return Refusal("term_limit", held=held, limit=term_limit)
    return None
