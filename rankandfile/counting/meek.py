"""STV by Meek's method: Hill, Wichmann & Woodall, "Algorithm 123", Computer Journal 30(3), 1987, as adopted for
New Zealand local elections (Local Electoral Regulations 2001, Schedule 1A).

Every candidate has a keep factor: 1 while hopeful, 0 once excluded, and for an elected candidate the share of
each vote reaching them that they keep. A vote of value 1 goes down its preferences: each candidate keeps
`value x keep factor` and passes the rest on; what is left after the last preference is non-transferable.

- Quota = (valid votes - non-transferable) / (seats + 1), truncated to 9 decimals, plus 0.000000001; recomputed at
  every iteration.
- A hopeful with at least the quota is elected. The keep factor of each elected candidate is then set to
  `keep factor x quota / votes`, rounded up to 9 decimals; distribution is repeated until the surpluses of the
  elected together are below 0.00001 (or the keep factors stop changing).
- When no one more is elected, the hopeful with fewest votes is excluded (keep factor 0), one at a time. Equal
  lowest: fewer votes at the most recent earlier stage where they differed, else lot.
- When elected + hopeful candidates are no more than the seats, the hopefuls are elected.

Precision: the rule's own fixed point, 9 decimal places, as integers counting 10^-9 votes. The amount a candidate
keeps is rounded up and the remainder passed on, so no vote is lost to rounding; figures are reported to 9
decimals. Preferences after an equal preference, an overvote or a skipped rank are disregarded (Schedule 1A,
Part 3); a ballot whose first preference is so disregarded, or blank, is invalid.

Two variants (`Options.meek_variant`, `--meek-variant`):

- `nz` (default): the above. Iteration stops when the surpluses (each elected candidate's excess over the quota)
  total less than 0.00001, or when the keep factors stop changing; the keep factor is `kf x q / v` rounded up
  once, and never above 1. Equal lowest: earlier stages, then lot.
- `prf`: the Proportional Representation Foundation's Reference Meek Rule (prfound.org, "Reference Rule: Meek's
  Method"): iteration stops when the total surplus (sum of `v - q` over the elected, not below 0) is under
  0.000001, or is no smaller than at the iteration before; the keep factor is `kf x q` rounded up to 9 decimals,
  then divided by `v` and rounded up again; every hopeful whose vote is within the total surplus of the lowest
  vote is tied with the lowest, and the tie is broken by the defined procedure (the file's `[tie]` order, else
  lot) without looking back at earlier stages.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import BallotBox, Int64Array, Options, Result, scaled
from rankandfile.counting.prepare import blank_rows, clean_codes, invalid_list
from rankandfile.counting.ties import TieBreaker
from rankandfile.counting.transfer import EXHAUSTED, PASS, StageLog

DECIMALS = 9
SCALE = 10**DECIMALS
MAX_ITERATIONS = 10_000


@dataclass(frozen=True)
class Variant:
    """What distinguishes the published Meek rules this module counts by."""

    rule: str
    omega: int  # iteration stops below this surplus, in 10^-9 units
    prf: bool  # PRF: total surplus with negatives, stop when it stops falling, two-step keep factor, near ties


VARIANTS = {
    "nz": Variant("Meek STV (Hill, Wichmann & Woodall 1987; New Zealand Schedule 1A), 9 decimal places", 10**4, False),
    "prf": Variant(
        "Meek STV (Proportional Representation Foundation Reference Meek Rule), 9 decimal places", 10**3, True
    ),
}
RULE = VARIANTS["nz"].rule


def _preferences(box: BallotBox) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.intp], list[tuple[int, str]]]:
    """Each ballot's usable preferences as candidate indices, left-packed and padded with C; the rows kept; and
    for each other row why it is invalid."""
    c_count = box.n_candidates
    codes, groups = clean_codes(box)
    lut = np.full(box.group0 + len(groups), EXHAUSTED, dtype=np.int16)
    lut[:c_count] = np.arange(c_count)
    lut[box.duplicate] = PASS
    for w in box.withdrawn:
        lut[w] = PASS
    meaning = lut[codes]
    stopped = np.logical_or.accumulate(meaning == EXHAUSTED, axis=1)
    usable = (meaning >= 0) & ~stopped
    del stopped
    packed = np.where(usable, meaning, np.int16(c_count))
    if bool((meaning == PASS).any()):
        # Marks passed over sit between usable ones: pack the usable ones to the left, in order.
        order = np.argsort(~usable, axis=1, kind="stable")
        packed = np.take_along_axis(packed, order, axis=1)
        del order
    del meaning
    width = max(int(usable.sum(axis=1).max(initial=0)), 1)
    packed = packed[:, :width]
    blank = blank_rows(box, codes)
    reasons: list[tuple[int, str]] = []
    first_unusable = ~blank & (packed[:, 0] == c_count)
    for r in np.flatnonzero(blank).tolist():
        reasons.append((r, "blank ballot"))
    for r in np.flatnonzero(first_unusable).tolist():
        reasons.append((r, _unusable_reason(codes[r], lut, box.end)))
    keep = np.flatnonzero(~blank & ~first_unusable)
    if keep.size == packed.shape[0]:
        return np.ascontiguousarray(packed), keep, reasons
    return packed[keep], keep, reasons


def _unusable_reason(row: npt.NDArray[np.integer[Any]], lut: npt.NDArray[np.int16], end: int) -> str:
    """Why a ballot with marks has no usable first preference: its first mark that is not passed over (withdrawn,
    repeated) is an equal, skipped or overvoted rank, or there is none (the Scottish rule's words for it)."""
    for code in row.tolist():
        if lut[code] != PASS:
            if code == end:
                break
            return "no usable first preference (equal, skipped or overvoted first rank)"
    return "no preference for a standing candidate"


def _distribute(
    prefs: npt.NDArray[np.int16], weights: Int64Array, keep: Int64Array, c_count: int
) -> tuple[list[int], int]:
    """Votes of each candidate and the non-transferable remainder, in 10^-9 units, for the given keep factors."""
    votes = np.zeros(c_count + 1, dtype=np.int64)
    rows = np.arange(prefs.shape[0])
    value = np.full(prefs.shape[0], SCALE, dtype=np.int64)
    w = weights
    for j in range(prefs.shape[1]):
        cand = prefs[rows, j]
        kept = (value * keep[cand] + (SCALE - 1)) // SCALE
        np.add.at(votes, cand, kept * w)
        value = value - kept
        going = np.flatnonzero(value > 0)
        if going.size < rows.size:
            rows = rows[going]
            value = value[going]
            w = w[going]
        if rows.size == 0:
            break
    exhausted = int((value * w).sum()) + int(votes[c_count])
    return [int(v) for v in votes[:c_count]], exhausted


class _Count:
    """The state of one Meek count between stages."""

    def __init__(
        self, box: BallotBox, seats: int, prefs: npt.NDArray[np.int16], weights: Int64Array, variant: Variant
    ) -> None:
        self.variant = variant
        self.c_count = box.n_candidates
        self.seats = seats
        self.prefs = prefs
        self.weights = weights
        self.total = int(weights.sum()) * SCALE
        self.keep_factor = [SCALE] * self.c_count
        self.state = ["hopeful"] * self.c_count
        for w in box.withdrawn:
            self.state[w] = "withdrawn"
            self.keep_factor[w] = 0
        self.elected: list[int] = []
        self.log = StageLog(box.candidates, DECIMALS)
        self.votes = [0] * self.c_count
        self.exhausted = 0
        self.quota = 0
        self.settled = False  # surpluses below the threshold, or keep factors no longer moving

    def hopeful(self) -> list[int]:
        return [c for c in range(self.c_count) if self.state[c] == "hopeful"]

    def _update_keep_factors(self) -> bool:
        changed = False
        for c in self.elected:
            votes = self.votes[c]
            if self.variant.prf:  # kf x q rounded up to 9 decimals, then / v rounded up
                product = -(-self.keep_factor[c] * self.quota // SCALE)
                new = -(-product * SCALE // votes) if votes else SCALE
            else:
                new = min(SCALE, -(-self.keep_factor[c] * self.quota // votes)) if votes else SCALE
            changed = changed or new != self.keep_factor[c]
            self.keep_factor[c] = new
        return changed

    def run(self, action: str, acted: list[int], excluded: list[int], *, update_first: bool) -> None:
        """Distribute, elect, adjust keep factors, until convergence or a new election; then log the stage."""
        before = list(self.votes)
        keep_array = np.zeros(self.c_count + 1, dtype=np.int64)
        iterations = 0
        newly: list[int] = []
        self.settled = False
        # PRF: the iteration before this stage's first is the last of the stage before (same keep factors).
        last_surplus = self.surplus() if update_first else None
        if update_first and not self._update_keep_factors():
            self.settled = True
        while True:
            iterations += 1
            keep_array[: self.c_count] = self.keep_factor
            self.votes, exhausted = _distribute(self.prefs, self.weights, keep_array, self.c_count)
            self.exhausted = exhausted
            self.quota = (self.total - exhausted) // (self.seats + 1) + 1
            reaching = [c for c in self.hopeful() if self.votes[c] >= self.quota]
            if reaching:
                reaching.sort(key=lambda c: (-self.votes[c], c))
                newly = reaching[: self.seats - len(self.elected)]
                for c in newly:
                    self.state[c] = "elected"
                    self.elected.append(c)
                break
            surplus = self.surplus()
            stable = self.variant.prf and last_surplus is not None and surplus >= last_surplus
            if surplus < self.variant.omega or stable or iterations >= MAX_ITERATIONS or self.settled:
                self.settled = True
                break
            last_surplus = surplus
            if not self._update_keep_factors():
                self.settled = True
        self.log.add(
            action,
            acted,
            self.votes,
            [self.votes[c] - before[c] for c in range(self.c_count)],
            non_transferable=exhausted,
            rounding_loss=self.total - exhausted - sum(self.votes),
            elected=newly,
            excluded=excluded,
            quota=self.quota,
            keep_factors=list(self.keep_factor),
            keep_decimals=DECIMALS,
            note=f"{iterations} iteration{'s' if iterations != 1 else ''}",
        )

    def exclude_unmoved(self, chosen: int) -> None:
        """PRF (B.1, C.1): once the hopefuls left can fill the seats left, the excluded candidate's votes are not
        distributed again; the count goes straight to electing the hopefuls."""
        moved = self.votes[chosen]
        self.votes[chosen] = 0
        self.exhausted += moved
        self.log.add(
            "exclusion",
            [chosen],
            self.votes,
            [-moved if c == chosen else 0 for c in range(self.c_count)],
            non_transferable=self.exhausted,
            rounding_loss=self.total - self.exhausted - sum(self.votes),
            elected=[],
            excluded=[chosen],
            quota=self.quota,
            keep_factors=list(self.keep_factor),
            keep_decimals=DECIMALS,
            note="not distributed: the hopefuls left fill the seats left",
        )

    def surplus(self) -> int:
        """nz: the elected candidates' excesses over the quota; prf: the sum of `v - q` over them, not below 0."""
        if self.variant.prf:
            return max(0, sum(self.votes[c] - self.quota for c in self.elected))
        return sum(self.votes[c] - self.quota for c in self.elected if self.votes[c] > self.quota)

    def lowest(self, hopeful: list[int], ties: TieBreaker) -> int:
        """The hopeful to exclude: the lowest; under prf every hopeful within the total surplus of it is tied."""
        low = min(self.votes[c] for c in hopeful)
        margin = self.surplus() if self.variant.prf else 0
        tied = [c for c in hopeful if self.votes[c] <= low + margin]
        if len(tied) == 1:
            return tied[0]
        stage = self.log.number + 1
        if self.variant.prf:
            why = "within the total surplus of the lowest vote" if margin else ""
            return ties.lot(tied, stage=stage, kind="exclusion", why=why)
        chosen = ties.backward(tied, self.log.history, pick="lowest", stage=stage, kind="exclusion")
        assert chosen is not None
        return chosen


def count_stv_meek(box: BallotBox, seats: int, options: Options, ties: TieBreaker) -> Result:
    prefs, rows, reasons = _preferences(box)
    weights = box.weights[rows]
    invalid = []
    for r, reason in reasons:
        invalid += invalid_list(box, np.array([r]), reason)
    variant = VARIANTS[options.meek_variant]
    meek = _Count(box, seats, prefs, weights, variant)
    log = meek.log
    valid = int(weights.sum())
    notes: list[str] = []
    meek.run("first_preferences", [], [], update_first=False)
    if valid == 0:
        notes.append("no valid ballots: nobody is elected")
    while valid and len(meek.elected) < seats:
        hopeful = meek.hopeful()
        if len(hopeful) + len(meek.elected) <= seats:
            hopeful.sort(key=lambda c: (-meek.votes[c], c))
            meek.elected.extend(hopeful)
            last = log.stages[-1]
            log.stages[-1] = dataclasses.replace(
                last,
                elected=last.elected + tuple(box.candidates[c] for c in hopeful),
                note=last.note + "; hopefuls no more than the seats left: elected",
            )
            break
        if not meek.settled:
            meek.run("surplus", list(meek.elected), [], update_first=True)
            continue
        chosen = meek.lowest(hopeful, ties)
        meek.state[chosen] = "excluded"
        meek.keep_factor[chosen] = 0
        if variant.prf and len(meek.hopeful()) + len(meek.elected) <= seats:
            meek.exclude_unmoved(chosen)
            continue
        meek.run("exclusion", [chosen], [chosen], update_first=False)
    return Result(
        method="stv-meek",
        rule=variant.rule,
        title=box.title,
        seats=seats,
        candidates=box.candidates,
        valid_ballots=valid,
        invalid_ballots=int(box.weights.sum()) - valid,
        quota=scaled(meek.quota, DECIMALS) if valid else None,
        elected=tuple(box.candidates[c] for c in meek.elected),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.records),
        seed=ties.seed,
        decimals=DECIMALS,
        invalid=tuple(invalid),
        notes=tuple(notes),
    )
