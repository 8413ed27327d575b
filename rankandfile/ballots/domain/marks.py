"""A voter's marks, checked against the ballot's options: what is stored, exported and counted.

A cast ballot's content is `{"ranking": [names, best first]}` for ranked methods and `{"choices": [names]}`
otherwise: exactly one element of the ballot-box JSON that `rankandfile tally` reads (docs/counting.md), so the
published box, the receipts and the count all speak of the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from rankandfile.ballots.domain.kinds import Mark


class Problem(StrEnum):
    EMPTY = "empty"  # nothing marked
    UNKNOWN = "unknown"  # a name that is not an option of this ballot
    DUPLICATE = "duplicate"  # the same option twice
    TOO_MANY = "too_many"  # more than one option where one is asked
    SAME_RANK = "same_rank"  # two options given the same rank number
    BAD_RANK = "bad_rank"  # a rank that is not a whole number from 1


class MarkError(Exception):
    def __init__(self, problem: Problem, name: str = "") -> None:
        super().__init__(problem.value, name)
        self.problem = problem
        self.name = name


def check(mark: Mark, names: Sequence[str], options: Sequence[str]) -> dict[str, list[str]]:
    """The ballot content for these marks, or MarkError. Blank ballots are refused: abstain is an option where
    it is one, and a member who does not want to choose can simply not vote."""
    known = set(options)
    seen: set[str] = set()
    for name in names:
        if name not in known:
            raise MarkError(Problem.UNKNOWN, name)
        if name in seen:
            raise MarkError(Problem.DUPLICATE, name)
        seen.add(name)
    if not names:
        raise MarkError(Problem.EMPTY)
    if mark == Mark.ONE and len(names) > 1:
        raise MarkError(Problem.TOO_MANY)
    if mark == Mark.RANK:
        return {"ranking": list(names)}
    # Approval choices are a set: stored in the ballot's option order, so equal sets look the same.
    return {"choices": [o for o in options if o in seen]}


def ranking_from_numbers(numbers: Mapping[str, str], options: Sequence[str]) -> list[str]:
    """The fallback form's rank numbers ("1", "2", ""…) per option → names best first. Gaps close up."""
    by_rank: dict[int, str] = {}
    for name in options:
        raw = (numbers.get(name) or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) < 1:
            raise MarkError(Problem.BAD_RANK, name)
        rank = int(raw)
        if rank in by_rank:
            raise MarkError(Problem.SAME_RANK, name)
        by_rank[rank] = name
    return [by_rank[r] for r in sorted(by_rank)]


def names_of(content: Mapping[str, list[str]]) -> list[str]:
    return list(content.get("ranking") or content.get("choices") or [])
