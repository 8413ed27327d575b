"""The paper-moving engine shared by IRV and Scottish STV, and the stage log every method writes.

Papers live in numpy arrays: for each ballot line its marks, its weight, the position of the mark it now sits on,
the candidate holding it and (for STV) its value as an integer number of 10^-5 votes. A stage moves only the papers
of the candidate acted on; each moves to the next mark whose meaning, looked up in a table the method fills for the
current stage (`lut`), is a continuing candidate, or becomes non-transferable. All sums are int64 sums of integers,
so the figures are exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import Codes, Int64Array, Stage, scaled

IntpArray = npt.NDArray[np.intp]

# Meanings of a mark in a lookup table (candidates are >= 0).
EXHAUSTED = -1  # no further usable preference: the paper is non-transferable from here
PASS = -2  # look at the next mark
VOID = -3  # first preference unusable under the rule (used only when reading first preferences)


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
        d = self.decimals
        self.history.append(list(totals))
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                candidates=tuple(names[c] for c in acted),
                totals={names[c]: scaled(v, d) for c, v in enumerate(totals)},
                transfers={names[c]: scaled(v, d) for c, v in enumerate(transfers)},
                non_transferable=scaled(non_transferable, d),
                rounding_loss=scaled(rounding_loss, d),
                elected=tuple(names[c] for c in elected),
                excluded=tuple(names[c] for c in excluded),
                quota=None if quota is None else scaled(quota, d),
                keep_factors=None
                if keep_factors is None
                else {names[c]: scaled(v, keep_decimals) for c, v in enumerate(keep_factors)},
                note=note,
            )
        )
