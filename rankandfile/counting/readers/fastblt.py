"""Vectorized reading of the ballot lines of a BLT file, for files of plain numbers (the common case).

The ballot section is read in place (no copy of the file) in chunks of about a megabyte cut at line ends, and
written straight into the final mark matrix, so memory stays a small multiple of the ballots themselves. Any
irregularity (a character other than digits and spaces, a weight below 1, a line not ending in 0, a candidate
number out of range, more marks than candidates) makes it return None, and the line-by-line reader then reads the
section and names the offending line: both readers give the same ballots for every file this one accepts (tested).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import END_OFFSET, Codes, Int64Array

CHUNK = 1 << 20


def parse_plain_section(
    data: bytes | bytearray,
    start: int,
    stop: int,
    first_line: int,
    n_candidates: int,
    *,
    ids: tuple[list[int], list[str]] | None = None,
) -> tuple[Codes, Int64Array, Int64Array] | None:
    """Codes, weights and line numbers of the ballot lines in data[start:stop], or None if anything is irregular.

    With `ids`, each chunk first has its `#` comments and its ballot ids (a '(' first on its line, closed on the
    line) made spaces, and the ids with their lines are appended to `ids`."""
    end_code = n_candidates + END_OFFSET
    dtype = np.int16 if n_candidates + 8 < 32_000 else np.int32
    capacity = data.count(b"\n", start, stop) + 1
    width = n_candidates + 1  # at most one mark per candidate, plus the end column
    codes = np.full((capacity, width), end_code, dtype=dtype)
    weights = np.empty(capacity, dtype=np.int64)
    lines = np.empty(capacity, dtype=np.int64)
    view = memoryview(data)
    row = 0
    used_width = 0
    line_base = first_line
    position = start
    while position < stop:
        cut = min(position + CHUNK, stop)
        if cut < stop:
            newline = data.rfind(b"\n", position, cut)
            if newline < position:
                newline = data.find(b"\n", cut, stop)
            cut = stop if newline < 0 else newline + 1
        chunk = np.frombuffer(view[position:cut], dtype=np.uint8)
        if ids is not None:
            cleaned = _clean_chunk(chunk, line_base, ids)
            if cleaned is None:
                return None
            chunk = cleaned
        parsed = _parse_chunk(chunk, n_candidates)
        if parsed is None:
            return None
        matrix, chunk_weights, chunk_lines, newlines = parsed
        k = chunk_weights.shape[0]
        if k:
            codes[row : row + k, : matrix.shape[1]] = matrix
            weights[row : row + k] = chunk_weights
            lines[row : row + k] = chunk_lines + line_base
            used_width = max(used_width, matrix.shape[1])
            row += k
        line_base += newlines
        position = cut
    codes = codes[:row]
    if used_width + 1 < width:
        codes = np.ascontiguousarray(codes[:, : used_width + 1])
    return codes, weights[:row].copy(), lines[:row].copy()


def _blank(a: npt.NDArray[np.uint8], begin: npt.NDArray[np.intp], end: npt.NDArray[np.intp]) -> None:
    """Make spaces of a[begin[i]:end[i]] for every i (the spans do not overlap)."""
    mark = np.zeros(a.size + 1, dtype=np.int8)
    np.add.at(mark, begin, 1)
    np.add.at(mark, end, -1)
    a[np.cumsum(mark[:-1], dtype=np.int8) > 0] = 32


def _clean_chunk(
    a: npt.NDArray[np.uint8], line_base: int, ids: tuple[list[int], list[str]]
) -> npt.NDArray[np.uint8] | None:
    """A copy of the chunk with its `#` comments and ballot ids made spaces; the ids and their lines appended to
    `ids`. None if a '(' is not an id first on its line, or an id holds '#' or is not UTF-8."""
    a = a.copy()
    newline = np.flatnonzero(a == 10)
    line_end = np.append(newline, a.size)
    hashes = np.flatnonzero(a == 35)
    if hashes.size:  # a comment runs from the first '#' of its line: drop the others
        hash_line = np.searchsorted(newline, hashes)
        hashes = hashes[np.concatenate([[True], hash_line[1:] != hash_line[:-1]])]
    opens = np.flatnonzero(a == 40)
    if opens.size and hashes.size:  # a '(' in a comment is no id
        before = np.searchsorted(hashes, opens) - 1
        commented = (before >= 0) & (
            np.searchsorted(newline, hashes[np.maximum(before, 0)]) == np.searchsorted(newline, opens)
        )
        opens = opens[~commented]
    if opens.size:
        line_of = np.searchsorted(newline, opens)
        starts = np.where(line_of > 0, newline[np.maximum(line_of - 1, 0)] + 1, 0)
        closes_all = np.flatnonzero(a == 41)
        at = np.searchsorted(closes_all, opens)
        if bool((at >= closes_all.size).any()) or bool((at[1:] == at[:-1]).any()):
            return None
        closes = closes_all[at]
        if bool((closes >= line_end[line_of]).any()):
            return None
        raw = a.tobytes()
        for begin, first in zip(starts.tolist(), opens.tolist(), strict=True):
            if begin != first and raw[begin:first].strip(b" \t\r"):
                return None
        if hashes.size:
            inside = np.searchsorted(opens, hashes, side="right") - 1
            if bool(((inside >= 0) & (hashes < closes[np.maximum(inside, 0)])).any()):
                return None
        try:
            ids[1].extend(
                raw[o + 1 : c].decode("utf-8").strip() for o, c in zip(opens.tolist(), closes.tolist(), strict=True)
            )
        except UnicodeDecodeError:
            return None
        ids[0].extend((line_of + line_base).tolist())
        _blank(a, opens, closes + 1)
    if hashes.size:
        _blank(a, hashes, line_end[np.searchsorted(newline, hashes)])
    return a


def _parse_chunk(a: npt.NDArray[np.uint8], n_candidates: int) -> tuple[Codes, Int64Array, Int64Array, int] | None:
    """Marks, weights and 0-based line numbers of the ballot lines in one chunk, and its number of lines."""
    if a.size == 0:
        return np.zeros((0, 0), dtype=np.int16), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    if a[-1] != 10:
        a = np.concatenate([a, np.array([10], dtype=np.uint8)])
    digit = (a - np.uint8(48)) < 10  # wraps around below '0'
    newline = a == 10
    plain = int(np.count_nonzero(digit)) + int(np.count_nonzero(newline)) + int(np.count_nonzero(a == 32))
    if plain != a.size and not bool((digit | newline | (a == 32) | (a == 9) | (a == 13)).all()):
        return None
    step = np.diff(digit.view(np.int8))
    starts = np.flatnonzero(step == 1) + 1
    ends = np.flatnonzero(step == -1) + 1
    del step
    if digit[0]:
        starts = np.concatenate([[0], starts])
    line_ends = np.flatnonzero(newline)
    n_lines = line_ends.size
    if starts.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros((0, 0), dtype=np.int16), empty, empty, n_lines
    lengths = ends - starts
    longest = int(lengths.max())
    if longest > 15:
        return None
    values = a[starts].astype(np.int64) - 48
    for k in range(1, longest):
        has = np.flatnonzero(lengths > k)
        values[has] = values[has] * 10 + (a[starts[has] + k].astype(np.int64) - 48)
    # Token index of the first token of each line: tokens of line L are bounds[L] ... bounds[L+1]-1.
    bounds = np.zeros(n_lines + 1, dtype=np.int64)
    bounds[1:] = np.searchsorted(starts, line_ends)
    counts = np.diff(bounds)
    used = np.flatnonzero(counts)
    per_line = counts[used]
    if int(per_line.min()) < 2 or int(per_line.max()) > n_candidates + 2:
        return None
    first_token = bounds[used]
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
    # Tokens are in reading order and so are the cells of a row-major matrix: a mask of each line's first
    # (count - 2) cells receives the preferences in one sequential assignment.
    width = int(per_line.max()) - 2
    dtype = np.int16 if n_candidates + 8 < 32_000 else np.int32
    matrix = np.full((used.size, max(width, 0)), n_candidates + END_OFFSET, dtype=dtype)
    if width > 0:
        matrix[np.arange(width)[None, :] < (per_line - 2)[:, None]] = prefs - 1
    return matrix, weights, used.astype(np.int64), n_lines
