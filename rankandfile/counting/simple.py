"""One-round methods: yes/no/abstain with thresholds and quorum, plurality, approval.

- **yes-no**: the choices are named yes, no and (optionally) abstain. A ballot marks one of them. Abstentions
  count towards the quorum but are not votes cast. Thresholds: `majority` of votes cast (yes > no);
  `two-thirds` of votes cast (yes >= 2/3 x (yes + no), and at least one yes); `absolute`, a majority of the
  eligible members (yes > eligible / 2). Quorum: at least `quorum` valid ballots (abstentions included); without
  it the question is not decided. A tie never carries a motion: no lot.
- **plurality**: each ballot counts for its first preference (a first rank marked for more than one candidate
  is void); the N with most votes are elected (one vote per ballot, so with several seats this is the single
  non-transferable vote). Equal votes at the last seat: lot.
- **approval**: each ballot approves every candidate it marks; the N most approved are elected. Equal
  approvals at the last seat: lot.
"""

from __future__ import annotations

import numpy as np

from rankandfile.counting.model import BallotBox, CountError, InvalidBallot, Options, Result
from rankandfile.counting.prepare import blank_rows, clean_codes, invalid_list
from rankandfile.counting.ties import TieBreaker
from rankandfile.counting.transfer import EXHAUSTED, PASS, Papers, StageLog, sum_by

_MULTIPLE = -3
_UNKNOWN = -4


def _first_choices(box: BallotBox) -> tuple[list[int], list[InvalidBallot], int]:
    """Votes per candidate from first preferences; invalid ballots; valid ballots."""
    c_count = box.n_candidates
    codes, groups = clean_codes(box, groups_only=True)
    papers = Papers(codes, box.weights, box.end)
    lut = np.full(box.group0 + len(groups), _MULTIPLE, dtype=np.int64)
    lut[:c_count] = np.arange(c_count)
    lut[box.skip] = PASS
    lut[box.duplicate] = PASS
    lut[box.end] = EXHAUSTED
    lut[box.overvote] = _MULTIPLE
    for w in box.withdrawn:
        lut[w] = PASS
    blank = blank_rows(box, codes)
    invalid = invalid_list(box, np.flatnonzero(blank), "blank ballot")
    rows = np.flatnonzero(~blank)
    meaning = papers.first(lut)[rows]
    invalid += invalid_list(box, rows[meaning == _MULTIPLE], "more than one choice marked")
    invalid += invalid_list(box, rows[meaning == EXHAUSTED], "no choice for a standing candidate")
    ok = rows[meaning >= 0]
    votes = sum_by(meaning[meaning >= 0], box.weights[ok], c_count)
    return votes, invalid, int(box.weights[ok].sum())


def _approvals(box: BallotBox) -> tuple[list[int], list[InvalidBallot], int]:
    c_count = box.n_candidates
    codes, groups = clean_codes(box)
    blank = blank_rows(box, codes)
    unknown = (codes == box.overvote).any(axis=1) & ~blank
    invalid = invalid_list(box, np.flatnonzero(blank), "blank ballot")
    invalid += invalid_list(box, np.flatnonzero(unknown), "overvote whose marks are unknown")
    keep = ~blank & ~unknown
    weights = box.weights
    approved = np.zeros(c_count + 1, dtype=np.int64)
    for j in range(codes.shape[1]):
        column = codes[:, j]
        single = np.flatnonzero(keep & (column < c_count))
        np.add.at(approved, column[single].astype(np.intp), weights[single])
        if groups:
            grouped = keep & (column >= box.group0)
            for g in np.unique(column[grouped]).tolist():
                total = int(weights[grouped & (column == g)].sum())
                for member in groups[g - box.group0]:
                    approved[member] += total
    votes = [int(v) for v in approved[:c_count]]
    for w in box.withdrawn:
        votes[w] = 0
    return votes, invalid, int(weights[keep].sum())


def _top(votes: list[int], seats: int, box: BallotBox, ties: TieBreaker) -> list[int]:
    """The `seats` standing candidates with most votes; equal votes for the last seat decided by lot."""
    standing = [c for c in range(box.n_candidates) if c not in box.withdrawn]
    ordered = sorted(standing, key=lambda c: -votes[c])
    if len(ordered) <= seats:
        return ordered
    cut = votes[ordered[seats - 1]]
    chosen = [c for c in ordered if votes[c] > cut]
    tied = [c for c in ordered if votes[c] == cut]
    while len(chosen) < seats:
        left = [c for c in tied if c not in chosen]
        chosen.append(ties.lot(left, stage=1, kind="election", why="equal votes for the last seat"))
    return chosen


def _result(
    box: BallotBox,
    method: str,
    rule: str,
    seats: int,
    *,
    votes: list[int],
    elected: list[int],
    invalid: list[InvalidBallot],
    valid: int,
    ties: TieBreaker,
    outcome: str | None = None,
    notes: tuple[str, ...] = (),
) -> Result:
    log = StageLog(box.candidates, 0)
    log.add("count", (), votes, [0] * box.n_candidates, non_transferable=0, rounding_loss=0, elected=elected)
    if not valid:
        notes = (*notes, "no valid ballots: nobody is elected")
    return Result(
        method=method,
        rule=rule,
        title=box.title,
        seats=seats,
        candidates=box.candidates,
        valid_ballots=valid,
        invalid_ballots=int(box.weights.sum()) - valid,
        quota=None,
        elected=tuple(box.candidates[c] for c in elected),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.records),
        seed=ties.seed,
        decimals=0,
        invalid=tuple(invalid),
        outcome=outcome,
        notes=notes,
    )


def count_plurality(box: BallotBox, seats: int, options: Options, ties: TieBreaker) -> Result:
    votes, invalid, valid = _first_choices(box)
    elected = _top(votes, seats, box, ties) if valid else []
    rule = "Plurality: most first preferences" + (" (one vote each, several seats)" if seats > 1 else "")
    return _result(box, "plurality", rule, seats, votes=votes, elected=elected, invalid=invalid, valid=valid, ties=ties)


def count_approval(box: BallotBox, seats: int, options: Options, ties: TieBreaker) -> Result:
    votes, invalid, valid = _approvals(box)
    elected = _top(votes, seats, box, ties) if valid else []
    rule = "Approval voting: most approvals"
    return _result(box, "approval", rule, seats, votes=votes, elected=elected, invalid=invalid, valid=valid, ties=ties)


def count_yes_no(box: BallotBox, seats: int, options: Options, ties: TieBreaker) -> Result:
    roles: dict[str, int] = {}
    for c, name in enumerate(box.candidates):
        key = name.strip().lower()
        if key not in ("yes", "no", "abstain") or key in roles:
            raise CountError(f"yes-no needs the choices yes, no and optionally abstain; found {name!r}")
        roles[key] = c
    if "yes" not in roles:
        raise CountError("yes-no needs a choice named yes")
    votes, invalid, valid = _first_choices(box)
    yes = votes[roles["yes"]]
    no = votes[roles["no"]] if "no" in roles else 0
    cast = yes + no
    threshold = options.threshold
    if threshold == "majority":
        carried = yes > no
        rule = "majority of votes cast (more yes than no)"
    elif threshold == "two-thirds":
        carried = yes > 0 and 3 * yes >= 2 * cast
        rule = "two-thirds of votes cast"
    else:
        if options.eligible is None or options.eligible < 1:
            raise CountError("the absolute threshold needs the number of eligible members (--eligible N)")
        carried = 2 * yes > options.eligible
        rule = f"absolute majority of the {options.eligible} eligible members (more than {options.eligible / 2:g})"
    notes = [f"threshold: {rule}", f"votes cast (yes + no): {cast}"]
    if options.quorum is not None:
        notes.append(f"quorum: {options.quorum} valid ballots, abstentions included; {valid} cast")
    if options.quorum is not None and valid < options.quorum:
        outcome = "no quorum"
        carried = False
    else:
        outcome = "carried" if carried else "not carried"
    elected = [roles["yes"]] if carried else []
    return _result(
        box,
        "yes-no",
        f"Yes/no/abstain: {rule}",
        1,
        votes=votes,
        elected=elected,
        invalid=invalid,
        valid=valid,
        ties=ties,
        outcome=outcome,
        notes=tuple(notes),
    )
