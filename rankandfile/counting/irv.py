"""Instant-runoff voting (single seat), with the options found in real ordinances.

- Each ballot counts for its highest-ranked continuing candidate. A skipped rank is passed over; a candidate
  ranked again lower counts once. A rank marked for several candidates counts for the only one of them still
  continuing; if two or more of them are continuing it is an overvote, which either exhausts the ballot
  (`overvote="exhaust"`, the default) or is passed over (`overvote="skip"`). An exhausted ballot stays exhausted.
- After each round, a candidate with more than half of the continuing ballots (those not exhausted) wins; a
  lone continuing candidate wins.
- Otherwise the lowest candidate is eliminated (one at a time, the default). With `batch_elimination`, every
  candidate who cannot mathematically win is eliminated together: the largest group of lowest candidates whose
  combined votes are fewer than the votes of the next candidate up.
- Equal lowest: the candidate with fewer votes at the most recent earlier round where they differed, else lot.
- A ballot with no mark at all is blank, set aside as invalid.
"""

from __future__ import annotations

import numpy as np

from rankandfile.counting.model import BallotBox, CountError, Int64Array, Options, Result
from rankandfile.counting.prepare import blank_rows, clean_codes, invalid_list
from rankandfile.counting.ties import TieBreaker
from rankandfile.counting.transfer import EXHAUSTED, PASS, Piles, StageLog

RULE = "Instant-runoff voting: majority of continuing ballots"
_SET_ASIDE = -4  # first-round meaning of a blank ballot


def count_irv(box: BallotBox, seats: int, options: Options, ties: TieBreaker) -> Result:
    if seats != 1:
        raise CountError("irv fills one seat; use stv-scottish or stv-meek for several")
    c_count = box.n_candidates
    codes, groups = clean_codes(box, groups_only=True)
    papers = Piles(codes, box.weights, box.end, c_count)
    weights = box.weights
    group0 = box.group0
    overvote_meaning = EXHAUSTED if options.overvote == "exhaust" else PASS

    table: Int64Array = np.full(group0 + len(groups), EXHAUSTED, dtype=np.int64)
    table[:c_count] = np.arange(c_count)
    table[box.skip] = PASS
    table[box.duplicate] = PASS
    table[box.overvote] = overvote_meaning
    out: set[int] = set(box.withdrawn)
    for w in out:
        table[w] = PASS
    lut = papers.lut(table)

    def resolve_groups() -> None:
        for g, members in enumerate(groups):
            still = [m for m in members if m not in out]
            lut[group0 + g] = still[0] if len(still) == 1 else (PASS if not still else overvote_meaning)

    resolve_groups()
    blank = blank_rows(box, codes)
    blank_rows_ = np.flatnonzero(blank)
    invalid = invalid_list(box, blank_rows_, "blank ballot")
    at, meaning = papers.first(lut)
    meaning[meaning < 0] = EXHAUSTED  # exhausted from the start: held by no candidate
    meaning[blank_rows_] = _SET_ASIDE
    dealt = papers.deal(at, meaning, 1)
    totals = dealt[:c_count]
    exhausted = dealt[c_count + papers.offset + EXHAUSTED]
    valid = int(weights.sum()) - dealt[c_count + papers.offset + _SET_ASIDE]

    log = StageLog(box.candidates, 0)
    log.add("first_preferences", (), totals, [0] * c_count, non_transferable=exhausted, rounding_loss=0)
    winner: int | None = None
    notes: list[str] = []
    while True:
        continuing = [c for c in range(c_count) if c not in out]
        if not continuing:
            break
        active = sum(totals[c] for c in continuing)
        leader = max(continuing, key=lambda c: (totals[c], -c))
        if 2 * totals[leader] > active or len(continuing) == 1:
            if active == 0:
                notes.append("no ballot counts for any candidate: nobody is elected")
                break
            winner = leader
            break
        stage = log.number + 1
        eliminated = _choose(
            continuing, totals, batch=options.batch_elimination, history=log.history, ties=ties, stage=stage
        )
        transfers = [0] * c_count
        for c in eliminated:
            transfers[c] = -totals[c]
            totals[c] = 0
            out.add(c)
            lut[c] = PASS
        resolve_groups()
        moved = papers.move(eliminated, lut)
        for c in range(c_count):
            transfers[c] += moved[c]
            totals[c] += moved[c]
        exhausted += moved[c_count]
        log.add(
            "elimination",
            eliminated,
            totals,
            transfers,
            non_transferable=exhausted,
            rounding_loss=0,
            excluded=eliminated,
        )
    if winner is not None:
        import dataclasses

        last = log.stages[-1]
        log.stages[-1] = dataclasses.replace(last, elected=(box.candidates[winner],))
    return Result(
        method="irv",
        rule=RULE + (", batch elimination" if options.batch_elimination else ", one elimination a round"),
        title=box.title,
        seats=1,
        candidates=box.candidates,
        valid_ballots=valid,
        invalid_ballots=int(weights.sum()) - valid,
        quota=None,
        elected=() if winner is None else (box.candidates[winner],),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.records),
        seed=ties.seed,
        decimals=0,
        invalid=tuple(invalid),
        notes=(f"overvote: {options.overvote}", *notes),
    )


def _choose(
    continuing: list[int],
    totals: list[int],
    *,
    batch: bool,
    history: list[list[int]],
    ties: TieBreaker,
    stage: int,
) -> list[int]:
    ordered = sorted(continuing, key=lambda c: (totals[c], c))
    if batch:
        running = 0
        best = 0
        for k in range(1, len(ordered) - 1):
            running += totals[ordered[k - 1]]
            if running < totals[ordered[k]]:
                best = k
        if best >= 1:
            return sorted(ordered[:best], key=lambda c: (totals[c], c))
    lowest = totals[ordered[0]]
    tied = [c for c in ordered if totals[c] == lowest]
    if len(tied) == 1:
        return tied
    chosen = ties.backward(tied, history, pick="lowest", stage=stage, kind="elimination")
    assert chosen is not None
    return [chosen]
