"""Roles: how concentrated they are, how often they change hands, and how seats are filled.

Over the members who held at least one term in the records, with x_i the number of terms member i held (sorted
ascending, i = 1..n) and T = Σ x_i:

    Gini = (2 Σ i·x_i) / (n T) − (n + 1) / n         0: everyone held as many terms; → 1: one member held them all
    HHI  = Σ (x_i / T)²                               1/n when equal; 1 when one member held them all
    top-10 % share = terms held by the ⌈n/10⌉ members with most terms, over T

*Rotation*: a term *follows* an earlier term of the same role when that role had a term ending within
`FOLLOW_DAYS` (31) before it starts; it *changes hands* when its holder held none of the terms it follows.
Rotation = terms that change hands / terms that follow.

An election is *contested* when more candidates stood than there were seats (candidates > seats);
contested share = contested elections / decided elections (those elected or acclaimed, or left without candidates).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from rankandfile.insights.domain.records import ElectionRecord, TermRecord

__all__ = [
    "FOLLOW_DAYS",
    "ElectionSummary",
    "RoleSummary",
    "gini",
    "hhi",
    "summarize_elections",
    "summarize_roles",
    "top_share",
]

FOLLOW_DAYS = 31


def gini(values: Sequence[int]) -> float:
    xs = sorted(v for v in values if v >= 0)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return float(Fraction(2 * weighted, n * total) - Fraction(n + 1, n))


def hhi(values: Sequence[int]) -> float:
    total = sum(values)
    if total == 0:
        return 0.0
    return float(sum(Fraction(v, total) ** 2 for v in values))


def top_share(values: Sequence[int], fraction: Fraction = Fraction(1, 10)) -> float:
    total = sum(values)
    if total == 0:
        return 0.0
    top = math.ceil(len(values) * fraction)
    return float(Fraction(sum(sorted(values, reverse=True)[:top]), total))


@dataclass(frozen=True, slots=True)
class RoleSummary:
    holders: int
    terms: int
    gini: float
    hhi: float
    top10_share: float
    following_terms: int
    changed_hands: int
    how_filled: dict[str, int]

    @property
    def rotation(self) -> float | None:
        return None if self.following_terms == 0 else self.changed_hands / self.following_terms


def summarize_roles(terms: Iterable[TermRecord]) -> RoleSummary:
    records = list(terms)
    per_holder = list(Counter(t.holder_id for t in records).values())
    by_role: dict[int, list[TermRecord]] = defaultdict(list)
    for term in records:
        by_role[term.role_type_id].append(term)
    following = changed = 0
    for role_terms in by_role.values():
        for term in role_terms:
            earlier = [t for t in role_terms if _follows(t, term)]
            if not earlier:
                continue
            following += 1
            if all(t.holder_id != term.holder_id for t in earlier):
                changed += 1
    return RoleSummary(
        holders=len(per_holder),
        terms=len(records),
        gini=gini(per_holder),
        hhi=hhi(per_holder),
        top10_share=top_share(per_holder),
        following_terms=following,
        changed_hands=changed,
        how_filled=dict(Counter(t.how_filled for t in records)),
    )


def _follows(earlier: TermRecord, term: TermRecord) -> bool:
    if earlier is term or earlier.ends_on is None:
        return False
    gap = term.starts_on - earlier.ends_on
    return dt.timedelta(0) <= gap <= dt.timedelta(days=FOLLOW_DAYS)


@dataclass(frozen=True, slots=True)
class ElectionSummary:
    elections: int
    contested: int
    candidates: int  # distinct members who stood

    @property
    def contested_share(self) -> float | None:
        return None if self.elections == 0 else self.contested / self.elections


def summarize_elections(elections: Iterable[ElectionRecord]) -> ElectionSummary:
    records = list(elections)
    standing: set[int] = set()
    for election in records:
        standing |= election.candidates
    return ElectionSummary(
        elections=len(records),
        contested=sum(1 for e in records if len(e.candidates) > e.seats),
        candidates=len(standing),
    )
