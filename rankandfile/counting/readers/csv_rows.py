"""What the two CSV formats share: rows with their line numbers, the count column, ignored columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from rankandfile.counting.model import InputError
from rankandfile.counting.readers.text import decode_all


def csv_rows(data: bytes, source: str) -> list[tuple[int, list[str]]]:
    text = decode_all(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise InputError(source, reader.line_num, f"malformed CSV ({error})") from None
    return rows


def count_column(header: list[str]) -> int | None:
    found = [i for i, h in enumerate(header) if h.strip().lower() == "count"]
    return found[0] if found else None


def row_weight(cell: str, source: str, line: int) -> int:
    text = cell.strip()
    if not text.isdigit() or int(text) < 1:
        raise InputError(source, line, f"count must be a positive whole number, not {cell!r}")
    return int(text)


def ignored(header: list[str], ignore_columns: Iterable[str], source: str) -> set[int]:
    wanted = {name.strip().lower() for name in ignore_columns}
    found = {i for i, h in enumerate(header) if h.strip().lower() in wanted}
    missing = wanted - {header[i].strip().lower() for i in found}
    if missing:
        raise InputError(source, 1, f"no column named {sorted(missing)[0]!r} to ignore")
    return found
