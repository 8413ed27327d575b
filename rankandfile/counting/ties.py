"""Tie-breaking shared by the methods: look back at earlier stages, then (only if the rule says so) a lot.

A ballot file may declare a tie-break order (BLT `[tie]`): it then decides where the lot would, choosing the tied
candidate listed first, and the record says so. The lot is reproducible by anyone: the tied names are sorted (by
Unicode code point), and the one at index int(SHA-256(seed, draw number, names)) mod k is drawn, where the hashed
text is the seed, the draw number (1, 2, ...) and the sorted names joined by the unit separator U+001F. No hidden
state, no dependence on the order of ballots.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import Literal

from rankandfile.counting.model import TieBreak


def new_seed() -> str:
    """A fresh seed for a count that was given none; it is printed with the result so the count can be repeated."""
    return secrets.token_hex(8)


def draw_lot(seed: str, draw: int, tied: Sequence[str]) -> str:
    ordered = sorted(tied)
    text = "\x1f".join([seed, str(draw), *ordered])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return ordered[int.from_bytes(digest, "big") % len(ordered)]


class TieBreaker:
    """Decides ties for one count and keeps the record printed in the report."""

    def __init__(self, candidates: Sequence[str], seed: str, order: Sequence[int] | None = None) -> None:
        self.candidates = tuple(candidates)
        self.seed = seed
        self.draws = 0
        self.records: list[TieBreak] = []
        self.order = {c: i for i, c in enumerate(order)} if order is not None else None

    def lot(self, tied: Sequence[int], *, stage: int, kind: str, why: str = "") -> int:
        """A lot among the tied, or the declared tie-break order where the file gives one."""
        order = self.order
        if order is not None:
            chosen_index = min(tied, key=order.__getitem__)
            reason = "the file's declared tie-break order ([tie])"
            self.record(tied, chosen_index, stage=stage, kind=kind, reason=f"{why}; {reason}" if why else reason)
            return chosen_index
        self.draws += 1
        names = [self.candidates[c] for c in tied]
        chosen = draw_lot(self.seed, self.draws, names)
        reason = f"lot (draw {self.draws} with seed {self.seed})"
        if why:
            reason = f"{why}; {reason}"
        self.records.append(TieBreak(stage, kind, tuple(sorted(names)), chosen, reason))
        return self.candidates.index(chosen)

    def weighted_draw(self, weights: Sequence[int]) -> int:
        """Index i drawn with probability weights[i] / sum(weights), by the same SHA-256 rule as `draw_lot`."""
        self.draws += 1
        text = "\x1f".join([self.seed, str(self.draws), "weighted", *map(str, weights)])
        point = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big") % sum(weights)
        for i, w in enumerate(weights):
            if point < w:
                return i
            point -= w
        raise AssertionError("unreachable: point < sum(weights)")

    def record(self, tied: Sequence[int], chosen: int | None, *, stage: int, kind: str, reason: str) -> None:
        names = tuple(self.candidates[c] for c in sorted(tied))
        self.records.append(TieBreak(stage, kind, names, None if chosen is None else self.candidates[chosen], reason))

    def backward(
        self,
        tied: Sequence[int],
        history: Sequence[Sequence[int]],
        *,
        pick: Literal["lowest", "highest"],
        stage: int,
        kind: str,
        use_lot: bool = True,
    ) -> int | None:
        """Among candidates equal now, the one lowest (or highest) at the most recent earlier stage where they
        differed; if they were equal at every earlier stage, by lot (or None when the rule has no lot).

        `history[s]` is every candidate's total at the end of stage s+1; the current stage is the last one.
        With three or more tied, each earlier stage keeps only those lowest (highest) there, until one is left.
        """
        group = sorted(tied)
        for index in range(len(history) - 2, -1, -1):
            values = {c: history[index][c] for c in group}
            best = min(values.values()) if pick == "lowest" else max(values.values())
            narrowed = [c for c in group if values[c] == best]
            if len(narrowed) < len(group):
                group = narrowed
                if len(group) == 1:
                    word = "fewer" if pick == "lowest" else "more"
                    self.record(tied, group[0], stage=stage, kind=kind, reason=f"{word} votes at stage {index + 1}")
                    return group[0]
        if not use_lot:
            return None
        why = "equal at every earlier stage" if len(history) > 1 else "no earlier stage"
        return self.lot(group, stage=stage, kind=kind, why=why)
