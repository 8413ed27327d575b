"""Reading ballot files: BLT, choices CSV, ranks CSV and the Rank & File ballot-box JSON (docs/counting.md).

One module per format. Every reader either returns a BallotBox holding every ballot of the file, or raises
InputError naming the file, the line and the reason. Nothing is dropped: ballots that a rule will not count are
set aside later, by the method, and listed in the report with their line. What a file says besides its ballots
(a BLT file's options, source and comment lines) is kept in the box's `notes` and printed with the report.

Reading builds no method's working structures: a count builds what its rule needs (Scottish STV its prefix tree,
parcels.py) from the box it is given.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from rankandfile.counting.model import BallotBox, InputError
from rankandfile.counting.readers.ballot_box import BALLOT_BOX_FORMAT, parse_json
from rankandfile.counting.readers.blt import parse_blt
from rankandfile.counting.readers.choices_csv import parse_choices_csv
from rankandfile.counting.readers.ranks_csv import parse_ranks_csv

FORMATS = ("blt", "choices-csv", "ranks-csv", "json")

__all__ = [
    "BALLOT_BOX_FORMAT",
    "FORMATS",
    "guess_format",
    "parse_blt",
    "parse_choices_csv",
    "parse_json",
    "parse_ranks_csv",
    "read_bytes",
    "read_file",
]

_HEADER = re.compile(r"^\s*(\d+)\s+(\d+)(\s|$)")


def read_file(path: str, fmt: str | None = None, *, ignore_columns: Sequence[str] = ()) -> BallotBox:
    """Read a ballot file ('-' is standard input); the format is guessed when not given."""
    if path == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise InputError(path, None, f"cannot read the file ({error.strerror})") from error
        source = path
    return read_bytes(data, source, fmt, ignore_columns=ignore_columns)


def read_bytes(data: bytes, source: str, fmt: str | None = None, *, ignore_columns: Sequence[str] = ()) -> BallotBox:
    """Read ballots from the bytes of a file."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    fmt = fmt or guess_format(data, source)
    if fmt == "blt":
        return parse_blt(data, source)
    if fmt == "json":
        return parse_json(data, source)
    if fmt == "choices-csv":
        return parse_choices_csv(data, source, ignore_columns=ignore_columns)
    if fmt == "ranks-csv":
        return parse_ranks_csv(data, source, ignore_columns=ignore_columns)
    raise InputError(source, None, f"unknown input format {fmt!r} (choose one of {', '.join(FORMATS)})")


def guess_format(data: bytes, source: str) -> str:
    """JSON if it starts with '{'; BLT if its first line (after '#' comments) starts with two whole numbers;
    otherwise a CSV: ranks CSV if every cell of the first rows (bar a count column) is empty or a whole number,
    else choices."""
    head = data[:65536].decode("utf-8", errors="replace")
    stripped = head.lstrip()
    if stripped.startswith("{"):
        return "json"
    lines = [ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(source, 1, "the file is empty")
    if _HEADER.match(lines[0]) and "," not in lines[0]:
        return "blt"
    if source.lower().endswith(".blt"):
        return "blt"
    rows = list(csv.reader(io.StringIO("\n".join(lines[:50]))))
    header = [h.strip().lower() for h in rows[0]]
    numeric = True
    for row in rows[1:]:
        for i, cell in enumerate(row):
            if i < len(header) and header[i] == "count":
                continue
            if cell.strip() and not cell.strip().isdigit():
                numeric = False
    return "ranks-csv" if numeric and len(rows) > 1 else "choices-csv"
