"""The BLT ballot format (Hill, Wichmann & Woodall 1987; ERS, OpenSTV and Droop dialects).

`ncandidates nseats`; withdrawn candidates (`-n`) and options (`[...]`, blt_tokens.py); ballots `[(id)] weight
mark mark ... 0`, where a mark is a candidate (number from 1, or nickname after `[nick]`), `a=b` for equal
preferences, `-` for a skipped rank and `-=-` for an overvote whose marks are unknown; a `0` closing the ballots;
one name per candidate (quoted or not); the title; optionally the source and comment lines. Comments: `#` to the
end of the line, `/* ... */`.

A file is read one ballot per line, each line ending in its 0 — unless its header line goes on (a whole file on one
line, as the original format allows), when newlines are only white space. Two routes give the same box: plain
files of numbers (nearly every large file) have their ballot section read in place by numpy (fastblt.py);
anything else is read token by token, which names the line of any fault.
"""

from __future__ import annotations

import re

import numpy as np

from rankandfile.counting.model import BallotBox, BoxBuilder, InputError, Int64Array
from rankandfile.counting.readers.blt_tokens import Prelude, Token, Tokens, read_names
from rankandfile.counting.readers.fastblt import parse_plain_section
from rankandfile.counting.readers.text import decode_all

_HEADER = re.compile(rb"^(\d+)[ \t]+(\d+)$")
_FAST_FROM = 4096  # bytes of ballots from which the numpy reader is worth its set-up


def parse_blt(data: bytes, source: str, *, fast: bool | None = None) -> BallotBox:
    """Read a BLT file. `fast` forces (True) or forbids (False) the numpy route; by default it is tried on
    ballot sections over 4 kB."""
    if fast is not False:
        box = _plain(data, source, force=bool(fast))
        if box is not None:
            return box
    return _careful(decode_all(data, source), source)


def _header(tokens: Tokens, text: str, source: str) -> tuple[int, int, Token]:
    first = tokens.next()
    if first is None:
        raise InputError(source, 1, "the file is empty")
    second = tokens.peek()
    if (
        first.kind != "word"
        or not first.text.isdigit()
        or second is None
        or second.kind != "word"
        or second.line != first.line
        or not second.text.isdigit()
    ):
        line_text = text.splitlines()[first.line - 1].strip()
        raise InputError(source, first.line, f"expected the BLT header 'candidates seats', found {line_text[:40]!r}")
    tokens.next()
    n_candidates, seats = int(first.text), int(second.text)
    if n_candidates < 1 or seats < 1:
        raise InputError(source, first.line, "the header needs at least one candidate and one seat")
    return n_candidates, seats, second


def _careful(text: str, source: str) -> BallotBox:
    tokens = Tokens(text, source)
    n_candidates, seats, header_end = _header(tokens, text, source)
    ahead = tokens.peek()
    stream = ahead is not None and ahead.line == header_end.line  # the header line goes on: newlines are spaces
    prelude = Prelude(source, n_candidates)
    prelude.read(tokens)
    builder = BoxBuilder([str(i) for i in range(n_candidates)], source=source)
    ids: list[str] = []
    while True:
        token = tokens.next()
        if token is not None and token.kind == "id":
            ids.extend([""] * (len(builder.weights) - len(ids)))
            ids.append(token.text[1:-1].strip())
            token = tokens.next()
        if token is None or token.kind == "text":
            last = builder.lines[-1] if builder.lines else header_end.line
            raise InputError(source, last, "the ballots are not closed by a line '0'")
        if token.kind == "option":
            raise InputError(source, token.line, "options must come before the ballots")
        if token.kind == "id":
            raise InputError(source, token.line, "two ballot ids in a row")
        if token.text == "0" and len(ids) <= len(builder.weights):
            after = tokens.peek()
            if stream or after is None or after.line != token.line or after.kind == "text":
                zero = token
                break
        _ballot(tokens, token, prelude, builder, stream=stream)
    names, title, notes, _ = read_names(text[zero.end :], source, zero.line, n_candidates)
    builder.candidates = names  # the names follow the ballots; the marks were read by number
    receipts = tuple(ids + [""] * (len(builder.weights) - len(ids))) if ids else None
    return builder.build(
        title=title,
        seats=seats,
        withdrawn=frozenset(prelude.withdrawn),
        receipts=receipts,
        tie_order=prelude.tie_order,
        notes=(*prelude.notes, *notes),
    )


def _ballot(tokens: Tokens, weight: Token, prelude: Prelude, builder: BoxBuilder, *, stream: bool) -> None:
    source, line = prelude.source, weight.line
    if weight.kind != "word" or not weight.text.isdigit() or int(weight.text) < 1:
        raise InputError(source, line, f"ballot weight must be a positive whole number, not {weight.text!r}")
    marks: list[int] = []
    while True:
        mark = tokens.peek()
        if mark is None or mark.kind != "word" or (not stream and mark.line != line):
            raise InputError(source, line, "a ballot line must end with 0")
        tokens.next()
        if mark.text == "0":
            break
        marks.append(_mark(mark.text, line, prelude, builder))
    after = tokens.peek()
    if not stream and after is not None and after.line == line and after.kind == "word":
        raise InputError(source, line, "0 inside a ballot: only the last number of a ballot line may be 0")
    builder.add(marks, int(weight.text), line)


def _mark(mark: str, line: int, prelude: Prelude, builder: BoxBuilder) -> int:
    if mark == "-":
        return builder.skip
    parts = mark.split("=")
    if "-" in parts:
        return builder.overvote
    members: list[int] = []
    for part in parts:
        if part.isdigit() and int(part) == 0:
            raise InputError(prelude.source, line, "0 inside a ballot: only the last number of a ballot line may be 0")
        if not part.isdigit() and not prelude.nicknames:
            raise InputError(prelude.source, line, f"cannot read {mark!r} as a candidate number")
        members.append(prelude.candidate(part, line))
    return builder.rank_code(members)


# --- plain files: the ballot section read in place -----------------------------------------------------------


def _plain(data: bytes, source: str, *, force: bool) -> BallotBox | None:
    """The box of a file whose ballots are plain numbers, or None for the careful reader to read (or reject)."""
    size = len(data)
    pos = line_no = 0
    header_seen = False
    while pos < size:  # the header, then any lines of withdrawn numbers or options
        end = data.find(b"\n", pos)
        end = size if end < 0 else end
        stripped = data[pos:end].strip()
        if stripped and not stripped.startswith(b"#"):
            if not header_seen:
                if not _HEADER.match(stripped):
                    return None
                header_seen = True
            elif not stripped.startswith((b"[", b"-")):
                break
        pos = end + 1
        line_no += 1
    if not header_seen or pos >= size:
        return None
    section_start, first_ballot_line = pos, line_no + 1
    try:
        prelude_text = data[:section_start].decode("utf-8")
    except UnicodeDecodeError:
        return None
    tokens = Tokens(prelude_text, source)
    try:
        n_candidates, seats, _ = _header(tokens, prelude_text, source)
        prelude = Prelude(source, n_candidates)
        prelude.read(tokens)
        if tokens.peek() is not None or prelude.nicknames:
            return None
    except InputError:
        return None  # the careful reader names the fault
    # The ballots end at the first line '0'. Try the last such line (it sits just before the names): the numpy
    # reader accepts the section only if no line in it is a lone '0' (every line needs a weight and a closing
    # 0), so when it succeeds that last line is also the first.
    last_zero = _last_zero_line(data, section_start)
    body: bytes | bytearray = data
    ids: tuple[list[int], list[str]] | None = None
    section_end = last_zero[0] if last_zero is not None else len(data)
    if any(data.find(mark, section_start, section_end) >= 0 for mark in (b"#", b"(", b"/*")):
        # Comments and ballot ids: the numpy reader blanks them out line by line and keeps the ids aside.
        body = _blank_block_comments(data, section_start)
        ids = ([], [])
        last_zero = _first_zero_line(body, section_start)
    if last_zero is None or (not force and last_zero[0] - section_start <= _FAST_FROM):
        return None
    parsed = parse_plain_section(body, section_start, last_zero[0], first_ballot_line, n_candidates, ids=ids)
    if parsed is None:
        return None
    zero_start, zero_end = last_zero
    zero_line = first_ballot_line + data.count(b"\n", section_start, zero_start)
    if ids is not None and zero_line in ids[0]:
        return None  # '(id) 0': a ballot of weight 0, for the careful reader to refuse
    rest = decode_all(data[zero_end:], source, zero_line)
    names, title, notes, _ = read_names(rest, source, zero_line, n_candidates)
    codes, weights, lines = parsed
    return BallotBox(
        receipts=_receipts(ids, lines) if ids is not None and ids[0] else None,
        candidates=names,
        codes=codes,
        weights=weights,
        lines=lines,
        withdrawn=frozenset(prelude.withdrawn),
        title=title,
        source=source,
        seats=seats,
        tie_order=prelude.tie_order,
        notes=(*prelude.notes, *notes),
    )


_BLOCK = re.compile(rb"/\*.*?\*/", re.DOTALL)
_ZERO = re.compile(rb"^[ \t\r]*0[ \t\r]*(?:#[^\n]*)?$", re.MULTILINE)


def _blank_block_comments(data: bytes, start: int) -> bytes | bytearray:
    """The file with its `/* */` comments after `start` made spaces (newlines kept, so lines and offsets stay)."""
    if data.find(b"/*", start) < 0:
        return data
    body = bytearray(data)
    for match in _BLOCK.finditer(data, start):
        begin, end = match.span()
        body[begin:end] = bytes(10 if c == 10 else 32 for c in match.group())
    return body


def _receipts(ids: tuple[list[int], list[str]], lines: Int64Array) -> tuple[str, ...]:
    """Each ballot's id ('' if it has none), from the ids found on the lines of the ballots."""
    id_lines = np.asarray(ids[0], dtype=np.int64)
    at = np.minimum(np.searchsorted(id_lines, lines), id_lines.size - 1)
    hit = id_lines[at] == lines
    texts = ids[1]
    return tuple(texts[i] if h else "" for i, h in zip(at.tolist(), hit.tolist(), strict=True))


def _first_zero_line(data: bytes | bytearray, start: int) -> tuple[int, int] | None:
    """Start and end of the first line at or after `start` that is just '0' (and perhaps a comment)."""
    match = _ZERO.search(data, start)
    return None if match is None else match.span()


def _last_zero_line(data: bytes, start: int) -> tuple[int, int] | None:
    """Start and end of the last line at or after `start` that is just '0'."""
    end = len(data)
    while end > start:
        begin = data.rfind(b"\n", start, end) + 1
        if begin == 0:
            begin = start
        if data[begin:end].strip() == b"0":
            return begin, end
        if begin <= start:
            return None
        end = begin - 1
    return None
