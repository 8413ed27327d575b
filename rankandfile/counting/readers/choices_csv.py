"""Cast-vote-record CSV ("choices CSV"): one row per ballot, columns are ranks, cells are candidate names."""

from __future__ import annotations

from collections.abc import Sequence

from rankandfile.counting.model import BallotBox, BoxBuilder, InputError
from rankandfile.counting.readers.csv_rows import count_column, csv_rows, ignored, row_weight


def parse_choices_csv(data: bytes, source: str, *, ignore_columns: Sequence[str] = ()) -> BallotBox:
    """Cast-vote-record CSV: a header; one row per ballot; columns left to right are ranks 1, 2, ...; cells are
    candidate names; empty or 'undervote' = skipped rank; 'overvote' = a rank marked for several candidates;
    optional 'count' column (weight); --ignore-column for columns such as precinct."""
    rows = csv_rows(data, source)
    if not rows:
        raise InputError(source, 1, "the file is empty")
    header_line, header = rows[0]
    count_col = count_column(header)
    skip_cols = ignored(header, ignore_columns, source)
    if count_col is not None:
        skip_cols.add(count_col)
    rank_cols = [i for i in range(len(header)) if i not in skip_cols]
    if not rank_cols:
        raise InputError(source, header_line, "no preference columns in the header")
    names: dict[str, int] = {}
    parsed: list[tuple[int, list[str | None], int]] = []
    for line, row in rows[1:]:
        if not row:
            continue  # a truly empty line (no cells at all) is not a ballot
        if len(row) != len(header):
            raise InputError(source, line, f"expected {len(header)} cells as in the header, found {len(row)}")
        weight = row_weight(row[count_col], source, line) if count_col is not None else 1
        marks: list[str | None] = []
        for i in rank_cols:
            cell = row[i].strip()
            low = cell.lower()
            if not cell or low == "undervote":
                marks.append(None)
            elif low == "overvote":
                marks.append("\x00overvote")
            else:
                names.setdefault(cell, len(names))
                marks.append(cell)
        parsed.append((line, marks, weight))
    builder = BoxBuilder(list(names), source=source)
    for line, marks, weight in parsed:
        codes: list[int] = []
        for mark in marks:
            if mark is None:
                codes.append(builder.skip)
            elif mark == "\x00overvote":
                codes.append(builder.overvote)
            else:
                codes.append(names[mark])
        while codes and codes[-1] == builder.skip:
            codes.pop()
        builder.add(codes, weight, line)
    return builder.build()
