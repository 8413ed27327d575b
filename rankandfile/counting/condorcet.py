"""Condorcet methods: plain Schulze (winning votes) and the Debian Constitution's rule (§A.6).

Pairwise counts: V(A,B) is the number of ballots ranking A strictly above B. Candidates given the same rank are
tied; unranked candidates are tied below every ranked one. Skipped ranks and unknown overvotes carry no order.

Schulze (M. Schulze, "A new monotonic, clone-independent, reversal symmetric, and Condorcet-consistent
single-winner election method", Social Choice and Welfare 36, 2011): a defeat A>B (V(A,B) > V(B,A)) has strength
V(A,B) (winning votes); the strength of a path is its weakest defeat; P(A,B) is the strongest path from A to B;
A ranks above B when P(A,B) > P(B,A). The full ranking takes, again and again, the candidates no remaining one
ranks above. Ties in that ranking are broken by Schulze's Tie-Breaking Ranking of the Candidates (§5): ballots
are drawn by lot (weighted by their count, from the ballots in a canonical order) and each refines the order among
the still-tied candidates; what no ballot separates is ordered by lot. With several seats, the first N are elected
(this is the Schulze ranking, not the proportional Schulze STV).

Debian (Constitution §A.6, as used for the votes in the test data): the default option stays; every other option
is dropped unless V(A,D) >= N x V(D,A) and V(A,D) > V(D,A) for its majority ratio N (1:1 unless given) and, when a
quorum Q is given, V(A,D) >= Q. Among the rest, Schulze beatpath where a defeat's strength is V(A,B) and, between
equal V(A,B), the one with smaller V(B,A) is stronger. A tie between winners is for the casting vote of the
elector named by the constitution: it is reported, never drawn by lot.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import BallotBox, CountError, Options, Result, TieBreak, find_name
from rankandfile.counting.prepare import blank_rows, clean_codes, invalid_list
from rankandfile.counting.ties import TieBreaker
from rankandfile.counting.transfer import StageLog

UNRANKED = 32_000
SCHULZE_RULE = "Schulze method (Schulze 2011), winning votes, full ranking"
DEBIAN_RULE = "Debian Constitution §A.6: default option, majority requirement, Schulze (winning votes)"


def rank_matrix(box: BallotBox) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.intp], list[int]]:
    """Each valid row's rank of every candidate (smaller is better, UNRANKED if not ranked), the rows kept, and
    the blank rows."""
    c_count = box.n_candidates
    codes, groups = clean_codes(box, groups_only=True)
    blank = blank_rows(box, codes)
    rows = np.flatnonzero(~blank)
    codes = codes[rows]
    n = codes.shape[0]
    ranks = np.full((n, c_count), UNRANKED, dtype=np.int16)
    everyone = np.arange(n)
    group0 = box.group0
    # Last rank first, so that a candidate marked twice keeps the higher of its ranks.
    for j in range(codes.shape[1] - 1, -1, -1):
        column = codes[:, j]
        single = np.flatnonzero(column < c_count)
        ranks[everyone[single], column[single]] = j
        if groups:
            for g in np.unique(column[column >= group0]).tolist():
                hit = np.flatnonzero(column == g)
                for member in groups[g - group0]:
                    ranks[hit, member] = j
    return ranks, rows, np.flatnonzero(blank).tolist()


def pairwise(ranks: npt.NDArray[np.int16], weights: npt.NDArray[np.int64], options: list[int]) -> list[list[int]]:
    """V[a][b] over the given options (indices into ranks' columns), as Python ints."""
    size = len(options)
    v = [[0] * size for _ in range(size)]
    unit = bool((weights == 1).all())
    by_option = np.ascontiguousarray(ranks.T[options])  # one contiguous row per option
    for i in range(size):
        row = by_option[i]
        for j in range(size):
            if i == j:
                continue
            better = row < by_option[j]
            v[i][j] = int(np.count_nonzero(better)) if unit else int(weights[better].sum())
    return v


def strongest_paths(strength: list[list[int]]) -> list[list[int]]:
    size = len(strength)
    p = [row[:] for row in strength]
    for k in range(size):
        for i in range(size):
            if i == k:
                continue
            pik = p[i][k]
            if pik == 0:
                continue
            row = p[i]
            pk = p[k]
            for j in range(size):
                if j not in (i, k):
                    row[j] = max(row[j], min(pik, pk[j]))
    return p


def tiers(p: list[list[int]]) -> list[list[int]]:
    """Schulze's order as tiers of positions: each tier those that no remaining candidate ranks above."""
    remaining = list(range(len(p)))
    result: list[list[int]] = []
    while remaining:
        top = [a for a in remaining if not any(p[b][a] > p[a][b] for b in remaining if b != a)]
        if not top:  # cannot happen for Schulze's transitive relation; kept as a guard
            top = remaining[:]
        result.append(top)
        remaining = [a for a in remaining if a not in top]
    return result


class _TieBreakingRanking:
    """Schulze's TBRC: ballots drawn by lot refine the order among tied candidates; then a plain lot."""

    def __init__(self, ranks: npt.NDArray[np.int16], weights: npt.NDArray[np.int64], ties: TieBreaker) -> None:
        self.ranks = ranks
        self.weights = weights
        self.ties = ties
        self.ballots: npt.NDArray[np.int16] | None = None
        self.counts: list[int] = []

    def _canonical(self) -> None:
        unique, inverse = np.unique(self.ranks, axis=0, return_inverse=True)
        counts = np.zeros(unique.shape[0], dtype=np.int64)
        np.add.at(counts, inverse.reshape(-1), self.weights)
        self.ballots = unique
        self.counts = [int(c) for c in counts]

    def order(self, tied: list[int], *, stage: int) -> list[int]:
        if self.ballots is None:
            self._canonical()
        assert self.ballots is not None
        blocks = [sorted(tied)]
        counts = list(self.counts)
        used: list[int] = []
        while any(len(b) > 1 for b in blocks) and sum(counts) > 0:
            pick = self.ties.weighted_draw(counts)
            counts[pick] = 0
            used.append(pick)
            ballot = self.ballots[pick]
            refined: list[list[int]] = []
            for block in blocks:
                by_rank: dict[int, list[int]] = {}
                for c in block:
                    by_rank.setdefault(int(ballot[c]), []).append(c)
                refined.extend(by_rank[r] for r in sorted(by_rank))
            blocks = refined
        result: list[int] = []
        for block in blocks:
            left = list(block)
            while len(left) > 1:
                chosen = self.ties.lot(left, stage=stage, kind="ranking", why="no drawn ballot separates them")
                result.append(chosen)
                left = [c for c in left if c != chosen]
            result.extend(left)
        names = self.ties.candidates
        self.ties.records.append(
            TieBreak(
                stage,
                "ranking",
                tuple(names[c] for c in sorted(tied)),
                names[result[0]],
                f"Schulze's tie-breaking ranking: {len(used)} ballot(s) drawn by lot (seed {self.ties.seed}) "
                f"order them {' > '.join(names[c] for c in result)}",
            )
        )
        return result


def _valid_rows(box: BallotBox) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int64], list[int], int]:
    ranks, rows, blank = rank_matrix(box)
    weights = box.weights[rows]
    return ranks, weights, blank, int(weights.sum())


def count_schulze(box: BallotBox, seats: int, options: Options, ties: TieBreaker) -> Result:
    ranks, weights, blank, valid = _valid_rows(box)
    standing = [c for c in range(box.n_candidates) if c not in box.withdrawn]
    v = pairwise(ranks, weights, standing)
    size = len(standing)
    strength = [[v[i][j] if v[i][j] > v[j][i] else 0 for j in range(size)] for i in range(size)]
    p = strongest_paths(strength)
    order_tiers = tiers(p)
    tbrc = _TieBreakingRanking(ranks, weights, ties)
    linear: list[int] = []
    for tier in order_tiers if valid else []:
        if len(linear) >= seats:
            break
        members = [standing[i] for i in tier]
        if len(linear) < seats < len(linear) + len(tier):
            members = tbrc.order(members, stage=1)
        linear.extend(members)
    names = box.candidates
    beats = [sum(1 for j in range(size) if p[i][j] > p[j][i]) for i in range(size)]
    log = StageLog(names, 0)
    totals = [0] * box.n_candidates
    for i, c in enumerate(standing):
        totals[c] = beats[i]
    elected = linear[:seats]
    log.add(
        "schulze",
        elected,
        totals,
        [0] * box.n_candidates,
        non_transferable=0,
        rounding_loss=0,
        elected=elected,
        note="totals: how many candidates each beats on strongest paths",
    )
    return Result(
        method="schulze",
        rule=SCHULZE_RULE,
        title=box.title,
        seats=seats,
        candidates=names,
        valid_ballots=valid,
        invalid_ballots=int(box.weights.sum()) - valid,
        quota=None,
        elected=tuple(names[c] for c in elected),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.records),
        seed=ties.seed,
        decimals=0,
        invalid=tuple(invalid_list(box, np.array(blank, dtype=np.intp), "blank ballot")),
        ranking=tuple(tuple(names[standing[i]] for i in tier) for tier in order_tiers),
        pairwise=_matrix(names, standing, v),
        notes=() if valid else ("no valid ballots: nobody is elected",),
    )


def _matrix(names: tuple[str, ...], standing: list[int], v: list[list[int]]) -> dict[str, dict[str, int]]:
    return {names[a]: {names[b]: v[i][j] for j, b in enumerate(standing) if j != i} for i, a in enumerate(standing)}


def count_debian(box: BallotBox, seats: int, options: Options, ties: TieBreaker) -> Result:
    names = box.candidates
    if seats != 1:
        raise CountError("debian chooses one option; use schulze for a ranking of several")
    default_name = options.default_option
    if default_name is None:
        raise CountError("debian needs the default option (--default-option NAME), e.g. 'None Of The Above'")
    found = find_name(names, default_name)  # by normalized white space: "None Of  The Above" is the same option
    if found is None:
        raise CountError(f"default option {default_name!r} is not one of the options")
    default = found
    ranks, weights, blank, valid = _valid_rows(box)
    standing = [c for c in range(box.n_candidates) if c not in box.withdrawn]
    v_all = pairwise(ranks, weights, standing)
    at = {c: i for i, c in enumerate(standing)}
    d = at[default]
    ratio_n, ratio_m = options.majority_ratio
    quorum = options.quorum
    kept: list[int] = []
    dropped: list[int] = []
    above = [0] * box.n_candidates
    for c in standing:
        i = at[c]
        above[c] = v_all[i][d] if c != default else 0
        if c == default:
            kept.append(c)
            continue
        for_it, against = v_all[i][d], v_all[d][i]
        passes = for_it > against and for_it * ratio_m >= ratio_n * against
        if quorum is not None and for_it < quorum:
            passes = False
        (kept if passes else dropped).append(c)
    log = StageLog(names, 0)
    log.add(
        "default_option",
        dropped,
        above,
        [0] * box.n_candidates,
        non_transferable=0,
        rounding_loss=0,
        excluded=dropped,
        note=f"totals: ballots ranking each option above {default_name!r}; dropped: not beating it "
        f"by {ratio_n}:{ratio_m}" + (f" or fewer than the quorum {quorum}" if quorum is not None else ""),
    )
    total = valid + 1

    def schulze_order(group: list[int]) -> tuple[list[list[int]], list[list[int]]]:
        idx = [at[c] for c in group]
        strength = [
            [v_all[a][b] * total + (total - v_all[b][a]) if v_all[a][b] > v_all[b][a] else 0 for b in idx] for a in idx
        ]
        p = strongest_paths(strength)
        return [[group[i] for i in tier] for tier in tiers(p)], p

    kept_tiers, p = schulze_order(kept)
    dropped_tiers = schulze_order(dropped)[0] if dropped else []
    winners = kept_tiers[0]
    beats = [0] * box.n_candidates
    for i, c in enumerate(kept):
        beats[c] = sum(1 for j in range(len(kept)) if p[i][j] > p[j][i])
    elected: list[int] = []
    if len(winners) == 1:
        elected = winners
    else:
        ties.record(
            winners,
            None,
            stage=2,
            kind="winner",
            reason="tie between Schwartz-set winners: the elector with a casting vote chooses "
            "(Debian Constitution §A.6); not decided by lot",
        )
    log.add(
        "schulze",
        winners,
        beats,
        [0] * box.n_candidates,
        non_transferable=0,
        rounding_loss=0,
        elected=elected,
        note="totals: how many remaining options each beats on strongest paths",
    )
    return Result(
        method="debian",
        rule=DEBIAN_RULE,
        title=box.title,
        seats=1,
        candidates=names,
        valid_ballots=valid,
        invalid_ballots=int(box.weights.sum()) - valid,
        quota=None,
        elected=tuple(names[c] for c in elected),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.records),
        seed=ties.seed,
        decimals=0,
        invalid=tuple(invalid_list(box, np.array(blank, dtype=np.intp), "blank ballot")),
        ranking=tuple(tuple(names[c] for c in tier) for tier in kept_tiers + dropped_tiers),
        pairwise=_matrix(names, standing, v_all),
        dropped=tuple(names[c] for c in dropped),
        outcome=None if elected else "tie: casting vote required",
    )
