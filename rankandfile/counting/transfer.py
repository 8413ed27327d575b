"""The paper-moving engines and the stage log every method writes.

`Piles` (IRV; for Scottish STV, the paper-by-paper reference that its parcels, parcels.py, are tested against):
a paper is the index of the mark it sits on in the flattened mark matrix; each candidate holds piles of such
indices, one per value (an integer number of 10^-5 votes for STV). A stage moves only the papers of the
candidate acted on; each moves to the next mark whose meaning, looked up in a table the method fills for the
current stage (`lut`), is a continuing candidate, or becomes non-transferable. `Papers` (first choices of the
one-round methods) keeps one array entry per ballot line. All sums are integer sums, so the figures are exact.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import Codes, FigureCache, Figures, Int64Array, Stage, scaled

IntpArray = npt.NDArray[np.intp]

# Meanings of a mark in a lookup table (candidates are >= 0).
EXHAUSTED = -1  # no further usable preference: the paper is non-transferable from here
PASS = -2  # look at the next mark
VOID = -3  # first preference unusable under the rule (used only when reading first preferences)
MEANING_OFFSET = 8  # meanings a method may give are >= -MEANING_OFFSET


class Papers:
    def __init__(self, codes: Codes, weights: Int64Array, end: int) -> None:
        if codes.shape[1] == 0 or bool((codes[:, -1] != end).any()):
            pad = np.full((codes.shape[0], 1), end, dtype=codes.dtype)
            codes = np.concatenate([codes, pad], axis=1)
        self.codes = np.ascontiguousarray(codes)
        self.flat = self.codes.reshape(-1)
        self.width = self.codes.shape[1]
        self.weights = weights
        n = codes.shape[0]
        self.at = np.arange(n, dtype=np.int64) * self.width  # index in `flat` of the mark each paper sits on
        self.holder = np.full(n, EXHAUSTED, dtype=np.int32)

    def first(self, lut: Int64Array) -> Int64Array:
        """Put every paper on its first mark that `lut` does not say to pass over; return that mark's meaning."""
        meaning: Int64Array = lut[self.codes[:, 0]]
        pending = np.flatnonzero(meaning == PASS)
        if pending.size:
            meaning[pending] = self.advance(pending, lut)
        return meaning

    def advance(self, rows: IntpArray, lut: Int64Array) -> Int64Array:
        """Move each given paper on to its next mark that `lut` does not say to pass over; return that meaning."""
        flat = self.flat
        at = self.at[rows] + 1
        meaning = lut[flat[at]]
        pending = np.flatnonzero(meaning == PASS)
        while pending.size:
            at[pending] += 1
            meaning[pending] = lut[flat[at[pending]]]
            pending = pending[meaning[pending] == PASS]
        self.at[rows] = at
        result: Int64Array = meaning
        return result

    def rows_of(self, candidates: Sequence[int]) -> IntpArray:
        if len(candidates) == 1:
            return np.flatnonzero(self.holder == candidates[0])
        return np.flatnonzero(np.isin(self.holder, np.asarray(candidates, dtype=np.int32)))


class Piles:
    """Papers grouped by the candidate holding them and their value: the engine of IRV, and of Scottish STV
    counted paper by paper (the reference the parcel engine is tested against).

    A paper is only the index in `flat` of the mark it sits on. Each candidate's pile maps a value (10^-5 votes
    for STV; 1 for IRV) to arrays of such indices: papers that arrived together share one value, since every
    transfer gives the same value to papers of the same value (floor(surplus x value / total) depends on the
    value alone). A stage takes the piles of the candidates acted on, moves each paper to its next mark that the
    stage's lookup table does not say to pass over, and deals them onto their new holders' piles; sums are
    counts (or exact int64 sums of weights) times the value, so the figures are those of paper-by-paper
    arithmetic.
    """

    def __init__(self, codes: Codes, weights: Int64Array, end: int, n_candidates: int) -> None:
        if codes.shape[1] == 0 or bool((codes[:, -1] != end).any()):
            pad = np.full((codes.shape[0], 1), end, dtype=codes.dtype)
            codes = np.concatenate([codes, pad], axis=1)
        self.codes: npt.NDArray[np.integer[Any]] = np.ascontiguousarray(codes)
        self.flat: npt.NDArray[np.integer[Any]] = self.codes.reshape(-1)
        self.width = self.codes.shape[1]
        self.weights = weights
        self.unit = bool((weights == 1).all())
        self.n = n_candidates
        # Dealing sorts papers by meaning + offset; int8 keys take numpy's radix sort.
        self.offset = MEANING_OFFSET
        self.key_dtype = np.int8 if n_candidates + self.offset < 127 else np.int32
        self.piles: list[dict[int, list[IntpArray]]] = [{} for _ in range(n_candidates)]
        self.key_range = np.arange(n_candidates + self.offset + 1, dtype=self.key_dtype)

    def lut(self, lut: Int64Array) -> npt.NDArray[np.integer[Any]]:
        """A method's table in the engine's compact type."""
        return lut.astype(self.key_dtype)

    def first(self, lut: npt.NDArray[np.integer[Any]]) -> tuple[IntpArray | None, npt.NDArray[np.integer[Any]]]:
        """Each ballot line's first mark that `lut` does not say to pass over: (its index in `flat`, meaning).

        The index is None when every line's first mark is its first rank (index row x width)."""
        rows = self.codes.shape[0]
        meaning = lut.take(self.codes[:, 0])
        pending = np.flatnonzero(meaning == PASS)
        if pending.size == 0:
            return None, meaning
        at: IntpArray = np.arange(0, rows * self.width, self.width, dtype=np.intp)
        moved, meaning[pending] = self.advance(at[pending], lut)
        at[pending] = moved
        return at, meaning

    def start(self, lut: npt.NDArray[np.integer[Any]], value: int) -> list[int]:
        """Put every ballot line on its first mark that `lut` does not say to pass over, at `value`; returns what
        `deal` returns."""
        at, meaning = self.first(lut)
        return self.deal(at, meaning, value)

    def advance(
        self, at: IntpArray, lut: npt.NDArray[np.integer[Any]]
    ) -> tuple[IntpArray, npt.NDArray[np.integer[Any]]]:
        """Each paper's next mark after `at` that `lut` does not say to pass over: (its index, its meaning)."""
        flat = self.flat
        at = at + 1
        meaning = lut.take(flat.take(at))
        passing = meaning == PASS
        if not passing.any():
            return at, meaning
        pending = np.flatnonzero(passing)
        where = at.take(pending)
        step = np.ones(pending.size, dtype=bool)
        # Step every paper still on a mark to pass over together, without compacting the arrays until few are
        # left to step (a paper already on its mark adds 0 and looks at the same mark again).
        while True:
            where += step
            found = lut.take(flat.take(where))
            step = found == PASS
            stepping = int(np.count_nonzero(step))
            if stepping == 0:
                break
            if stepping * 8 < where.size:
                at[pending] = where
                meaning[pending] = found
                pending = pending[step]
                where = where[step]
                step = np.ones(stepping, dtype=bool)
        at[pending] = where
        meaning[pending] = found
        return at, meaning

    def deal(self, at: IntpArray | None, meaning: npt.NDArray[np.integer[Any]], value: int) -> list[int]:
        """Put each paper (at index `at` in `flat`; None: each line's first rank) on the pile of the candidate its
        meaning names, at `value`.

        Returns the ballots (weights) dealt to each candidate, then at the end those of each negative meaning
        (index `n_candidates + offset + meaning`), which no pile keeps.
        """
        n, offset = self.n, self.offset
        key = meaning + offset
        order = np.argsort(key, kind="stable")
        bounds = np.searchsorted(key.take(order), self.key_range).tolist()
        base = bounds[offset]
        ordered = order[base:] * self.width if at is None else at.take(order[base:])
        if self.unit:
            sums = [hi - lo for lo, hi in itertools.pairwise(bounds)]
        else:
            weights = self.weights.take(order if at is None else at.take(order) // self.width)
            running = np.concatenate(([0], np.cumsum(weights)))
            sums = (running[bounds[1:]] - running[bounds[:-1]]).tolist()
        for c in range(n):
            lo, hi = bounds[c + offset], bounds[c + offset + 1]
            if hi > lo:
                self.piles[c].setdefault(value, []).append(ordered[lo - base : hi - base])
        return [int(s) for s in sums[offset:]] + [int(s) for s in sums[:offset]]

    def move(
        self, candidates: Sequence[int], lut: npt.NDArray[np.integer[Any]], ratio: tuple[int, int] | None = None
    ) -> list[int]:
        """Move every paper the candidates hold on, each at its value, or with `ratio` (a, b) at floor(value x a / b)
        (Scottish surplus: a the surplus, b the candidate's total).

        Returns the amount each candidate receives, in value units; index n_candidates: non-transferable.
        """
        groups: dict[int, list[IntpArray]] = {}
        for c in candidates:
            for value, arrays in self.piles[c].items():
                groups.setdefault(value, []).extend(arrays)
            self.piles[c] = {}
        received = [0] * (self.n + 1)
        if not groups:
            return received
        parts = [a for arrays in groups.values() for a in arrays]
        at = parts[0] if len(parts) == 1 else np.concatenate(parts)
        moved, meaning = self.advance(at, lut)
        start = 0
        for value, arrays in groups.items():
            size = sum(len(a) for a in arrays)
            new_value = value if ratio is None else value * ratio[0] // ratio[1]
            sums = self.deal(moved[start : start + size], meaning[start : start + size], new_value)
            start += size
            for c in range(self.n):
                received[c] += sums[c] * new_value
            received[self.n] += sum(sums[self.n :]) * new_value
        return received


def sum_by(index: Int64Array, amounts: Int64Array | None, size: int) -> list[int]:
    """Exact integer sums of `amounts` grouped by `index` (0 ... size-1); None counts each index once."""
    if amounts is None:
        return [int(x) for x in np.bincount(index, minlength=size)]
    acc = np.zeros(size, dtype=np.int64)
    np.add.at(acc, index, amounts)
    return [int(x) for x in acc]


class StageLog:
    """Collects stages as the count goes, and every candidate's totals for backward-looking tie-breaks."""

    def __init__(self, candidates: Sequence[str], decimals: int) -> None:
        self.candidates = tuple(candidates)
        self.decimals = decimals
        self.stages: list[Stage] = []
        self.history: list[list[int]] = []
        self._index = {name: i for i, name in enumerate(self.candidates)}
        self._figures = FigureCache(decimals)

    @property
    def number(self) -> int:
        return len(self.stages)

    def add(
        self,
        action: str,
        acted: Sequence[int],
        totals: Sequence[int],
        transfers: Sequence[int],
        *,
        non_transferable: int,
        rounding_loss: int,
        elected: Sequence[int] = (),
        excluded: Sequence[int] = (),
        quota: int | None = None,
        keep_factors: Sequence[int] | None = None,
        keep_decimals: int = 0,
        note: str = "",
    ) -> None:
        names = self.candidates
        name = names.__getitem__
        figures = self._figures
        if len(totals) != len(names) or len(transfers) != len(names):
            raise ValueError("one total and one transfer per candidate")
        held = list(totals)
        self.history.append(held)
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                candidates=tuple(map(name, acted)),
                totals=Figures(self._index, held, figures),
                transfers=Figures(self._index, list(transfers), figures),
                non_transferable=figures[non_transferable],
                rounding_loss=figures[rounding_loss],
                elected=tuple(map(name, elected)),
                excluded=tuple(map(name, excluded)),
                quota=None if quota is None else scaled(quota, self.decimals),
                keep_factors=None
                if keep_factors is None
                else {names[c]: scaled(v, keep_decimals) for c, v in enumerate(keep_factors)},
                note=note,
            )
        )
