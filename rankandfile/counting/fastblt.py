"""Vectorized reading of the ballot lines of a BLT file, for files of plain numbers (the common case).

The ballot section is read in chunks of about a megabyte cut at line ends, so memory stays a small multiple of the
file. Any irregularity makes it return None, and the line-by-line reader then reads the section and names the
offending line: both readers give the same ballots for every file this one accepts (tested).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import END_OFFSET, Codes, Int64Array

CHUNK = 1 << 20
_PLAIN = b"0123456789 \t\r\n"


def is_plain(section: bytes) -> bool:
    return not section.translate(None, _PLAIN)


def parse_plain_section(
    section: bytes, first_line: int, n_candidates: int
) -> tuple[Codes, Int64Array, Int64Array] | None:
    """Codes, weights and line numbers of the ballot lines in `section`, or None if anything is irregular."""
    end_code = n_candidates + END_OFFSET
    dtype = np.int16 if n_candidates + 8 < 32_000 else np.int32
    parts: list[tuple[npt.NDArray[np.int64], Int64Array, npt.NDArray[np.int64]]] = []
    start = 0
    line_base = first_line
    width = 1
    size = len(section)
    while start < size:
        stop = min(start + CHUNK, size)
        if stop < size:
            cut = section.rfind(b"\n", start, stop)
            stop = cut + 1 if cut >= start else section.find(b"\n", stop) + 1 or size
        chunk = section[start:stop]
        parsed = _parse_chunk(chunk, line_base, n_candidates)
        if parsed is None:
            return None
        parts.append(parsed)
        width = max(width, parsed[0].shape[1] if parsed[0].size else 0)
        line_base += chunk.count(b"\n")
        start = stop
    n = sum(p[1].shape[0] for p in parts)
    codes = np.full((n, width + 1), end_code, dtype=dtype)
    weights = np.empty(n, dtype=np.int64)
    lines = np.empty(n, dtype=np.int64)
    row = 0
    for prefs, w, ln in parts:
        k = w.shape[0]
        if prefs.size:
            codes[row : row + k, : prefs.shape[1]] = prefs
        weights[row : row + k] = w
        lines[row : row + k] = ln
        row += k
    return codes, weights, lines


def _parse_chunk(
    chunk: bytes, line_base: int, n_candidates: int
) -> tuple[npt.NDArray[np.int64], Int64Array, npt.NDArray[np.int64]] | None:
    if not chunk.endswith(b"\n"):
        chunk += b"\n"
    a = np.frombuffer(chunk, dtype=np.uint8)
    digit = (a >= 48) & (a <= 57)
    edges = np.diff(digit.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    del edges
    if starts.size == 0:
        empty = np.zeros((0, 0), dtype=np.int64)
        return empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = ends - starts
    longest = int(lengths.max())
    if longest > 15:
        return None
    values = np.zeros(starts.size, dtype=np.int64)
    for k in range(longest):
        has = np.flatnonzero(lengths > k)
        values[has] = values[has] * 10 + (a[starts[has] + k].astype(np.int64) - 48)
    newlines = np.flatnonzero(a == 10)
    line_of = np.searchsorted(newlines, starts)
    del digit
    # Tokens per line; lines without tokens are blank lines (allowed, skipped).
    counts = np.bincount(line_of, minlength=newlines.size)
    used = np.flatnonzero(counts)
    if used.size == 0:
        empty = np.zeros((0, 0), dtype=np.int64)
        return empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    per_line = counts[used]
    if int(per_line.min()) < 2:
        return None  # a line with only a weight (or the closing 0, which the caller has cut off)
    first_token = np.concatenate([[0], np.cumsum(per_line)[:-1]])
    last_token = first_token + per_line - 1
    weights = values[first_token]
    if int(weights.min()) < 1 or int(values[last_token].max()) != 0:
        return None
    is_pref = np.ones(values.size, dtype=bool)
    is_pref[first_token] = False
    is_pref[last_token] = False
    prefs = values[is_pref]
    if prefs.size and (int(prefs.min()) < 1 or int(prefs.max()) > n_candidates):
        return None
    row_of_token = np.repeat(np.arange(used.size), per_line)
    col_of_token = np.arange(values.size) - np.repeat(first_token, per_line) - 1
    width = int(per_line.max()) - 2
    matrix = np.full((used.size, width), n_candidates + END_OFFSET, dtype=np.int64)
    matrix[row_of_token[is_pref], col_of_token[is_pref]] = prefs - 1
    lines = used.astype(np.int64) + line_base
    return matrix, weights, lines
