"""Ranks CSV: one column per candidate, cells are rank numbers."""

from __future__ import annotations

from collections.abc import Sequence

from rankandfile.counting.model import BallotBox, BoxBuilder, InputError
from rankandfile.counting.readers.csv_rows import count_column, csv_rows, ignored, row_weight


def parse_ranks_csv(data: bytes, source: str, *, ignore_columns: Sequence[str] = ()) -> BallotBox:
    """One column per candidate: a header of names; cells are rank numbers (1 = first, equal numbers = equal
    preference, empty = unranked); optional 'count' column. A gap in the numbers is a skipped rank."""
    rows = csv_rows(data, source)
    if not rows:
        raise InputError(source, 1, "the file is empty")
    header_line, header = rows[0]
    count_col = count_column(header)
    skip_cols = ignored(header, ignore_columns, source)
    if count_col is not None:
        skip_cols.add(count_col)
    cand_cols = [i for i in range(len(header)) if i not in skip_cols]
    candidates = [header[i].strip() for i in cand_cols]
    if not candidates:
        raise InputError(source, header_line, "no candidate columns in the header")
    seen: set[str] = set()
    for name in candidates:
        if not name:
            raise InputError(source, header_line, "a candidate column has no name")
        if name in seen:
            raise InputError(source, header_line, f"candidate name {name!r} appears twice")
        seen.add(name)
    builder = BoxBuilder(candidates, source=source)
    for line, row in rows[1:]:
        if not row:
            continue
        if len(row) != len(header):
            raise InputError(source, line, f"expected {len(header)} cells as in the header, found {len(row)}")
        weight = row_weight(row[count_col], source, line) if count_col is not None else 1
        by_rank: dict[int, list[int]] = {}
        for k, i in enumerate(cand_cols):
            cell = row[i].strip()
            if not cell:
                continue
            if not cell.isdigit() or int(cell) < 1:
                raise InputError(
                    source, line, f"rank for {candidates[k]!r} must be a whole number from 1, not {cell!r}"
                )
            by_rank.setdefault(int(cell), []).append(k)
        marks: list[int] = []
        previous = 0
        for rank in sorted(by_rank):
            if rank > previous + 1:
                marks.append(builder.skip)
            marks.append(builder.rank_code(by_rank[rank]))
            previous = rank
        builder.add(marks, weight, line)
    return builder.build()
