"""The aggregate figures every member sees about cases, with small cells suppressed (k = 5)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class CaseFacts:
    """What the figures use of one case: never content, parties or who filed."""

    category: str
    state: str
    days_to_acknowledge: int | None
    days_to_decide: int | None
    is_overdue: bool


@dataclass(frozen=True)
class Cell:
    """A count shown as a number, or as "fewer than 5" (`suppressed`). Zero is suppressed too: beside the other
    cells a zero would narrow down what a suppressed cell holds."""

    count: int | None
    suppressed: bool

    @classmethod
    def of(cls, count: int) -> Cell:
        if count < THRESHOLD:
            return cls(None, True)
        return cls(count, False)


@dataclass(frozen=True)
class Figures:
    total: Cell
    by_category: dict[str, Cell]
    by_state: dict[str, Cell]
    overdue: Cell
    median_days_to_acknowledge: float | None  # None when fewer than THRESHOLD cases were acknowledged
    median_days_to_decide: float | None


def _median(values: list[int]) -> float | None:
    if len(values) < THRESHOLD:
        return None
    return float(statistics.median(values))


def figures(cases: Iterable[CaseFacts], categories: Iterable[str], states: Iterable[str]) -> Figures:
    facts = list(cases)
    by_category = Counter(f.category for f in facts)
    by_state = Counter(f.state for f in facts)
    return Figures(
        total=Cell.of(len(facts)),
        by_category={c: Cell.of(by_category[c]) for c in categories},
        by_state={s: Cell.of(by_state[s]) for s in states},
        overdue=Cell.of(sum(1 for f in facts if f.is_overdue)),
        median_days_to_acknowledge=_median([f.days_to_acknowledge for f in facts if f.days_to_acknowledge is not None]),
        median_days_to_decide=_median([f.days_to_decide for f in facts if f.days_to_decide is not None]),
    )
