"""STV under the Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules 45-52.

- Quota = floor(valid ballots / (seats + 1)) + 1, an integer, fixed for the count.
- At the end of each stage a continuing candidate with at least the quota is elected; elected and excluded
  candidates are passed over on later preferences.
- One transfer per stage; surpluses before exclusions; the largest surplus first, wherever it arose.
  Equal surpluses: the candidate with more votes at the most recent earlier stage where they differed, else lot.
- Surplus transfer, weighted inclusive Gregory: every paper the candidate holds moves at
  floor_5dp(surplus x paper value / candidate's total); papers with no further usable preference are
  non-transferable; the candidate keeps exactly the quota. What the truncation leaves is reported as rounding loss.
  A candidate who reaches exactly the quota has no surplus: no stage is spent on it.
- Exclusion: the lowest continuing candidate, one at a time; all their papers move in one stage at
  their current values. Equal lowest: fewer votes at the most recent earlier stage where they differed, else lot.
- When the continuing candidates are no more than the vacancies left, they are elected and counting stops
  (checked before each stage).
- A paper becomes non-transferable at a rank marked for two or more candidates, at an unknown overvote, or at a
  skipped rank (the next figure does not follow consecutively); a paper with no unique first preference is void.

Arithmetic: integers counting 10^-5 votes (the rule's five decimal places), never floats.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Literal

import numpy as np

from rankandfile.counting.model import BallotBox, Int64Array, InvalidBallot, Options, Result
from rankandfile.counting.parcels import Parcels, tree_of
from rankandfile.counting.prepare import clean_codes, invalid_list
from rankandfile.counting.ties import TieBreaker
from rankandfile.counting.transfer import EXHAUSTED, PASS, Piles, StageLog

DECIMALS = 5
SCALE = 10**DECIMALS
RULE = "Scottish STV (SSI 2007/42, Schedule 1, rules 45-52): weighted inclusive Gregory, 5 decimal places"

# First-preference meanings that make a paper void.
_VOID_SKIPPED = -3
_VOID_MULTIPLE = -4
_VOID_NONE = -5
_VOID_REASONS = {
    _VOID_SKIPPED: "no first preference: the first rank is empty",
    _VOID_MULTIPLE: "first preference given to more than one candidate",
    _VOID_NONE: "no preference for a standing candidate",
}


def count_stv_scottish(
    box: BallotBox, seats: int, options: Options, ties: TieBreaker, *, engine: Literal["parcels", "piles"] = "parcels"
) -> Result:
    """Count by the rule above. The papers move as parcels on the box's prefix tree; `engine="piles"` moves
    them one by one (transfer.Piles), the reference the parcels are tested against."""
    c_count = box.n_candidates
    papers: Parcels | Piles
    if engine == "parcels":
        tree = tree_of(box)
        papers = Parcels(tree, c_count)
        n_codes = box.group0 + len(tree.groups)
    else:
        codes, groups = clean_codes(box, groups_only=True)
        papers = Piles(codes, box.weights, box.end, c_count)
        n_codes = box.group0 + len(groups)

    table: Int64Array = np.full(n_codes, EXHAUSTED, dtype=np.int64)
    table[:c_count] = np.arange(c_count)
    table[box.duplicate] = PASS
    for w in box.withdrawn:
        table[w] = PASS
    lut = papers.lut(table)

    # First preferences and validity.
    first_table = table.copy()
    first_table[box.end] = _VOID_NONE
    first_table[box.skip] = _VOID_SKIPPED
    first_table[box.overvote] = _VOID_MULTIPLE
    first_table[box.group0 :] = _VOID_MULTIPLE
    dealt = papers.start(papers.lut(first_table), SCALE)
    firsts = dealt[:c_count]
    invalid_count = sum(dealt[c_count:])
    invalid = _invalid(box, first_table) if invalid_count else []
    valid = sum(firsts)

    quota = valid // (seats + 1) + 1
    q = quota * SCALE
    log = StageLog(box.candidates, DECIMALS)
    totals = [firsts[c] * SCALE for c in range(c_count)]

    elected: list[int] = []
    excluded: set[int] = set(box.withdrawn)
    continuing = [c for c in range(c_count) if c not in excluded]  # in candidate order
    transferred: set[int] = set()
    non_transferable = 0
    loss = 0
    notes: list[str] = []

    def elect_reaching_quota() -> list[int]:
        new = [c for c in continuing if totals[c] >= q]
        if not new:
            return new
        new.sort(key=lambda c: (-totals[c], c))
        new = new[: seats - len(elected)]
        elected.extend(new)
        for c in new:
            lut[c] = PASS
            continuing.remove(c)
        return new

    new = elect_reaching_quota()
    log.add("first_preferences", (), totals, [0] * c_count, non_transferable=0, rounding_loss=0, elected=new)

    if valid == 0:
        notes.append("no valid ballots: nobody is elected")
    while valid and len(elected) < seats:
        if len(continuing) <= seats - len(elected):
            continuing.sort(key=lambda c: (-totals[c], c))
            elected.extend(continuing)
            last = log.stages[-1]
            names = tuple(box.candidates[c] for c in continuing)
            log.stages[-1] = dataclasses.replace(
                last,
                elected=last.elected + names,
                note="continuing candidates no more than the vacancies left: elected",
            )
            break
        pending = [c for c in elected if c not in transferred and totals[c] > q]
        stage = log.number + 1
        transfers = [0] * c_count
        if pending:
            biggest = max(totals[c] for c in pending)
            tied = [c for c in pending if totals[c] == biggest]
            if len(tied) > 1:
                chosen = ties.backward(tied, log.history, pick="highest", stage=stage, kind="surplus")
                assert chosen is not None
            else:
                chosen = tied[0]
            transferred.add(chosen)
            total = totals[chosen]
            surplus = total - q
            # Every paper of one value gets the same new value: floor_5dp(surplus x value / total).
            moved = papers.move([chosen], lut, (surplus, total))
            action = "surplus"
            stage_loss = surplus - sum(moved)
            totals[chosen] = q
            transfers[chosen] = -surplus
            newly_excluded: list[int] = []
        else:
            lowest = min(totals[c] for c in continuing)
            tied = [c for c in continuing if totals[c] == lowest]
            if len(tied) > 1:
                chosen = ties.backward(tied, log.history, pick="lowest", stage=stage, kind="exclusion")
                assert chosen is not None
            else:
                chosen = tied[0]
            excluded.add(chosen)
            continuing.remove(chosen)
            lut[chosen] = PASS
            moved = papers.move([chosen], lut)
            action = "exclusion"
            stage_loss = 0
            transfers[chosen] = -totals[chosen]
            totals[chosen] = 0
            newly_excluded = [chosen]
        transfers = [t + m for t, m in zip(transfers, moved, strict=False)]  # moved ends with the non-transferable
        totals = [t + m for t, m in zip(totals, moved, strict=False)]
        non_transferable += moved[c_count]
        loss += stage_loss
        new = elect_reaching_quota()
        log.add(
            action,
            [chosen],
            totals,
            transfers,
            non_transferable=non_transferable,
            rounding_loss=loss,
            elected=new,
            excluded=newly_excluded,
        )

    return Result(
        method="stv-scottish",
        rule=RULE,
        title=box.title,
        seats=seats,
        candidates=box.candidates,
        valid_ballots=valid,
        invalid_ballots=invalid_count,
        quota=None if valid == 0 else Decimal(quota),
        elected=tuple(box.candidates[c] for c in elected),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.records),
        seed=ties.seed,
        decimals=DECIMALS,
        invalid=tuple(invalid),
        notes=tuple(notes),
    )


def _invalid(box: BallotBox, first_table: Int64Array) -> list[InvalidBallot]:
    """The ballots without a usable first preference, line by line, with the rule's reason (blank first)."""
    codes, _ = clean_codes(box, groups_only=True)
    rows = Piles(codes, box.weights, box.end, box.n_candidates)
    lut = rows.lut(first_table)
    _, first = rows.first(lut)
    bad = np.flatnonzero(first < 0)
    sub = codes[bad]
    blank_bad = ~((sub != box.end) & (sub != box.skip)).any(axis=1)
    invalid = invalid_list(box, bad[blank_bad], "blank ballot")
    for code, reason in _VOID_REASONS.items():
        invalid += invalid_list(box, bad[(first[bad] == code) & ~blank_bad], reason)
    return invalid
