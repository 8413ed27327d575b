"""Turning the marks read from a file into what the methods walk through, without losing any of them.

- A candidate ranked again lower on the same ballot counts once: the later mark becomes `duplicate`, which every
  method passes over. Inside an equal-rank group, candidates already ranked higher are dropped from the group.
- A ballot with no mark at all (only empty ranks) is blank; every method sets it aside as invalid, with that reason.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import BallotBox, Codes, InvalidBallot

BoolArray = npt.NDArray[np.bool_]


def clean_codes(box: BallotBox, *, groups_only: bool = False) -> tuple[Codes, tuple[tuple[int, ...], ...]]:
    """The box's marks with repeated candidates marked `duplicate` (and groups reduced), and the group table.

    With `groups_only`, only ballots holding an equal-rank group are cleaned: methods that pass over every
    candidate no longer continuing (IRV, Scottish STV) meet a repeated single mark only once it is out of the
    count, so the mark changes nothing there and the scan of every ballot is saved.
    """
    codes = box.codes
    c = box.n_candidates
    if codes.shape[0] == 0 or codes.shape[1] < 2:
        return codes, box.groups
    if groups_only:
        if not box.groups:
            return codes, box.groups
        needs_work = (codes >= box.group0).any(axis=1)
    else:
        ordered: npt.NDArray[np.integer[Any]] = np.sort(codes, axis=1)
        needs_work = ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] < c)).any(axis=1)
        del ordered
        if box.groups:
            needs_work |= (codes >= box.group0).any(axis=1)
    rows = np.flatnonzero(needs_work)
    if rows.size == 0:
        return codes, box.groups
    groups = list(box.groups)
    group_index = {g: box.group0 + i for i, g in enumerate(groups)}
    out = codes.copy()
    duplicate = box.duplicate
    group0 = box.group0
    for r in rows.tolist():
        seen: set[int] = set()
        for j, code in enumerate(out[r].tolist()):
            if code < c:
                if code in seen:
                    out[r, j] = duplicate
                seen.add(code)
            elif code >= group0:
                members = tuple(m for m in groups[code - group0] if m not in seen)
                seen.update(members)
                if not members:
                    out[r, j] = duplicate
                elif len(members) == 1:
                    out[r, j] = members[0]
                else:
                    new = group_index.get(members)
                    if new is None:
                        new = group0 + len(groups)
                        groups.append(members)
                        group_index[members] = new
                    out[r, j] = new
    if group0 + len(groups) >= np.iinfo(out.dtype).max:
        out = out.astype(np.int32)
    return out, tuple(groups)


def blank_rows(box: BallotBox, codes: Codes) -> BoolArray:
    """Rows with no mark at all: every rank empty. Only rows starting with an empty rank or the end are looked at."""
    first = codes[:, 0] if codes.shape[1] else np.full(codes.shape[0], box.end)
    result: BoolArray = np.zeros(codes.shape[0], dtype=bool)
    maybe = np.flatnonzero((first == box.end) | (first == box.skip))
    if maybe.size:
        sub = codes[maybe]
        result[maybe] = ~((sub != box.end) & (sub != box.skip)).any(axis=1)
    return result


def invalid_list(box: BallotBox, rows: npt.NDArray[np.intp], reason: str) -> list[InvalidBallot]:
    receipts = box.receipts
    return [
        InvalidBallot(
            line=int(box.lines[r]),
            count=int(box.weights[r]),
            reason=reason,
            receipt=receipts[r] if receipts is not None else None,
        )
        for r in rows.tolist()
    ]
