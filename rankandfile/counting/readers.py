"""Reading ballot files: BLT, choices CSV, ranks CSV and the Rank & File ballot-box JSON (docs/counting.md).

Every reader either returns a BallotBox holding every ballot of the file, or raises InputError naming the file,
the line and the reason. Nothing is dropped: ballots that a rule will not count are set aside later, by the method,
and listed in the report with their line.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from rankandfile.counting.fastblt import parse_plain_section
from rankandfile.counting.model import BallotBox, BoxBuilder, InputError
from rankandfile.counting.parcels import attach_tree

FORMATS = ("blt", "choices-csv", "ranks-csv", "json")
BALLOT_BOX_FORMAT = "rankandfile-ballot-box"

_ZERO_LINE = re.compile(rb"^[ \t]*0[ \t]*\r?$", re.MULTILINE)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_HEADER = re.compile(r"^\s*(\d+)\s+(\d+)\s*$")


def read_file(
    path: str, fmt: str | None = None, *, ignore_columns: Sequence[str] = (), prefix_tree: bool = True
) -> BallotBox:
    """Read a ballot file ('-' is standard input); the format is guessed when not given. See read_bytes for
    `prefix_tree`."""
    if path == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise InputError(path, None, f"cannot read the file ({error.strerror})") from error
        source = path
    return read_bytes(data, source, fmt, ignore_columns=ignore_columns, prefix_tree=prefix_tree)


def read_bytes(
    data: bytes,
    source: str,
    fmt: str | None = None,
    *,
    ignore_columns: Sequence[str] = (),
    prefix_tree: bool = True,
) -> BallotBox:
    """Read ballots from the bytes of a file.

    With `prefix_tree` the box comes with the prefix tree of its ballots (parcels.py), on which Scottish STV
    moves papers: building it is part of reading, not of each count (a box without one gets it when counted by
    that method). The other methods do not use it; a reader that knows the method can leave it out."""
    box = _read(data, source, fmt, ignore_columns=ignore_columns)
    return attach_tree(box) if prefix_tree else box


def _read(data: bytes, source: str, fmt: str | None, *, ignore_columns: Sequence[str]) -> BallotBox:
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
    """JSON if it starts with '{'; BLT if its first line (after '#' comments) is two whole numbers; otherwise a
    CSV: ranks CSV if every cell of the first rows (bar a count column) is empty or a whole number, else choices."""
    head = data[:65536].decode("utf-8", errors="replace")
    stripped = head.lstrip()
    if stripped.startswith("{"):
        return "json"
    lines = [ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(source, 1, "the file is empty")
    if _HEADER.match(lines[0]):
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


def _decode(raw: bytes, source: str, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(source, line, "not valid UTF-8 text") from None


# --- BLT ---------------------------------------------------------------------------------------------------


def parse_blt(data: bytes, source: str, *, fast: bool | None = None) -> BallotBox:
    """The ERS/OpenSTV ballot format.

    `ncandidates nseats`; an optional line of withdrawn candidates (negative numbers); ballot lines `weight
    pref pref ... 0` where a preference is a candidate number, `a=b` for equal preferences, `-` for a skipped rank
    and `-=-` for an overvote whose marks are unknown; a line `0`; one name per candidate (quoted or not); the
    title. Lines starting with '#' before the ballots or after them are comments.
    """
    pos = 0
    line_no = 0
    size = len(data)

    def next_line() -> tuple[int, bytes, int] | None:
        """(line number, content, offset of the line start) of the next line that is not blank or a comment."""
        nonlocal pos, line_no
        while pos < size:
            end = data.find(b"\n", pos)
            if end < 0:
                end = size
            start = pos
            raw = data[pos:end]
            pos = end + 1
            line_no += 1
            text = raw.strip()
            if text and not text.startswith(b"#"):
                return line_no, text, start
        return None

    header = next_line()
    if header is None:
        raise InputError(source, 1, "the file is empty")
    header_text = _decode(header[1], source, header[0])
    match = _HEADER.match(header_text)
    if not match:
        raise InputError(source, header[0], f"expected the BLT header 'candidates seats', found {header_text[:40]!r}")
    n_candidates, seats = int(match.group(1)), int(match.group(2))
    if n_candidates < 1 or seats < 1:
        raise InputError(source, header[0], "the header needs at least one candidate and one seat")

    withdrawn: set[int] = set()
    maybe = next_line()
    if maybe is None:
        raise InputError(source, line_no, "no ballots: the file ends after the header")
    tokens = maybe[1].split()
    if tokens and all(t.startswith(b"-") and t[1:].isdigit() for t in tokens):
        for t in tokens:
            number = int(t[1:])
            if not 1 <= number <= n_candidates:
                raise InputError(
                    source, maybe[0], f"withdrawn candidate {number} is not one of the {n_candidates} candidates"
                )
            withdrawn.add(number - 1)
        section_start = pos
        first_ballot_line = maybe[0] + 1
    else:
        section_start = maybe[2]
        first_ballot_line = maybe[0]
    # The ballots end at the first line '0'. For speed, try the last such line first (it sits just before the
    # names): the fast reader accepts the section only if no line in it is a lone '0' (every line needs a
    # weight and a closing 0), so when it succeeds that last line is also the first.
    last_zero = _last_zero_line(data, section_start)
    if last_zero is None:
        last_line = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        raise InputError(source, last_line, "the ballots are not closed by a line '0'")
    use_fast = fast if fast is not None else last_zero[0] - section_start > 4096
    parsed = None
    if use_fast:
        parsed = parse_plain_section(data, section_start, last_zero[0], first_ballot_line, n_candidates)
    zero = last_zero if parsed is not None else _zero_line(data, section_start)
    assert zero is not None
    zero_start, zero_end = zero
    zero_line = first_ballot_line + data.count(b"\n", section_start, zero_start)

    candidates, title = _blt_names(data[zero_end:], source, zero_line, n_candidates)

    builder = BoxBuilder(candidates, source=source)
    if parsed is not None:
        codes, weights, lines = parsed
        return BallotBox(
            candidates=candidates,
            codes=codes,
            weights=weights,
            lines=lines,
            withdrawn=frozenset(withdrawn),
            title=title,
            source=source,
            seats=seats,
        )
    _blt_ballots(data[section_start:zero_start], source, first_ballot_line, n_candidates, builder)
    return builder.build(title=title, seats=seats, withdrawn=frozenset(withdrawn))


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


def _zero_line(data: bytes, start: int) -> tuple[int, int] | None:
    """Start and end (before its newline) of the first line at or after `start` that is just '0'."""

    def line_end(i: int) -> int:
        end = data.find(b"\n", i)
        return len(data) if end < 0 else end

    if data[start : line_end(start)].strip() == b"0":
        return start, line_end(start)
    hit: tuple[int, int] | None = None
    position = start
    while (found := data.find(b"\n0", position)) >= 0:
        end = line_end(found + 1)
        if data[found + 1 : end].strip() == b"0":
            hit = (found + 1, end)
            break
        position = found + 1
    limit = hit[0] if hit is not None else len(data)
    if any(data.find(b"\n" + blank, start, limit) >= 0 for blank in (b" ", b"\t", b"\r")):
        match = _ZERO_LINE.search(data, start, limit)
        if match is not None:
            return match.start(), line_end(match.start())
    return hit


def _blt_ballots(section: bytes, source: str, first_line: int, n_candidates: int, builder: BoxBuilder) -> None:
    for offset, raw in enumerate(section.split(b"\n")):
        line = first_line + offset
        tokens = raw.split()
        if not tokens or tokens[0].startswith(b"#"):
            continue
        text = [_decode(t, source, line) for t in tokens]
        weight_text = text[0]
        if not weight_text.isdigit() or int(weight_text) < 1:
            raise InputError(source, line, f"ballot weight must be a positive whole number, not {weight_text!r}")
        if len(text) < 2 or text[-1] != "0":
            raise InputError(source, line, "a ballot line must end with 0")
        marks: list[int] = []
        for token in text[1:-1]:
            marks.append(_blt_mark(token, source, line, n_candidates, builder))
        builder.add(marks, int(weight_text), line)


def _blt_mark(mark: str, source: str, line: int, n_candidates: int, builder: BoxBuilder) -> int:
    if mark == "-":
        return builder.skip
    parts = mark.split("=")
    if "-" in parts:
        return builder.overvote
    members: list[int] = []
    for part in parts:
        if not part.isdigit():
            raise InputError(source, line, f"cannot read {mark!r} as a candidate number")
        number = int(part)
        if number == 0:
            raise InputError(source, line, "0 inside a ballot: only the last number of a ballot line may be 0")
        if number > n_candidates:
            raise InputError(source, line, f"unknown candidate {number}: there are {n_candidates} candidates")
        members.append(number - 1)
    return builder.rank_code(members)


def _blt_names(rest: bytes, source: str, zero_line: int, n_candidates: int) -> tuple[tuple[str, ...], str]:
    names: list[str] = []
    title: str | None = None
    lines = rest.split(b"\n")
    last_line = zero_line
    # rest starts right after the '0' line's content: its first element is the '0' line's end.
    for offset, raw in enumerate(lines[1:], start=1):
        line = zero_line + offset
        text = _decode(raw, source, line).strip()
        if not text or text.startswith("#"):
            continue
        last_line = line
        found = _QUOTED.findall(text) if text.startswith('"') else [text]
        if text.startswith('"') and not found:
            raise InputError(source, line, "unclosed quote in a name")
        for quoted in found:
            item = quoted.replace('\\"', '"').strip()
            if len(names) < n_candidates:
                if item in names:
                    raise InputError(source, line, f"candidate name {item!r} appears twice")
                names.append(item)
            elif title is None:
                title = item
            else:
                raise InputError(source, line, "unexpected text after the title")
    if len(names) < n_candidates:
        raise InputError(
            source,
            last_line,
            f"the header announces {n_candidates} candidates but {len(names)} names follow the ballots",
        )
    return tuple(names), title or ""


# --- CSV ---------------------------------------------------------------------------------------------------


def _csv_rows(data: bytes, source: str) -> list[tuple[int, list[str]]]:
    text = _decode_all(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise InputError(source, reader.line_num, f"malformed CSV ({error})") from None
    return rows


def _decode_all(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(source, line, "not valid UTF-8 text") from None


def _count_column(header: list[str]) -> int | None:
    found = [i for i, h in enumerate(header) if h.strip().lower() == "count"]
    return found[0] if found else None


def _weight(cell: str, source: str, line: int) -> int:
    text = cell.strip()
    if not text.isdigit() or int(text) < 1:
        raise InputError(source, line, f"count must be a positive whole number, not {cell!r}")
    return int(text)


def _ignored(header: list[str], ignore_columns: Iterable[str], source: str) -> set[int]:
    wanted = {name.strip().lower() for name in ignore_columns}
    found = {i for i, h in enumerate(header) if h.strip().lower() in wanted}
    missing = wanted - {header[i].strip().lower() for i in found}
    if missing:
        raise InputError(source, 1, f"no column named {sorted(missing)[0]!r} to ignore")
    return found


def parse_choices_csv(data: bytes, source: str, *, ignore_columns: Sequence[str] = ()) -> BallotBox:
    """Cast-vote-record CSV: a header; one row per ballot; columns left to right are ranks 1, 2, ...; cells are
    candidate names; empty or 'undervote' = skipped rank; 'overvote' = a rank marked for several candidates;
    optional 'count' column (weight); --ignore-column for columns such as precinct."""
    rows = _csv_rows(data, source)
    if not rows:
        raise InputError(source, 1, "the file is empty")
    header_line, header = rows[0]
    count_col = _count_column(header)
    skip_cols = _ignored(header, ignore_columns, source)
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
        weight = _weight(row[count_col], source, line) if count_col is not None else 1
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


def parse_ranks_csv(data: bytes, source: str, *, ignore_columns: Sequence[str] = ()) -> BallotBox:
    """One column per candidate: a header of names; cells are rank numbers (1 = first, equal numbers = equal
    preference, empty = unranked); optional 'count' column. A gap in the numbers is a skipped rank."""
    rows = _csv_rows(data, source)
    if not rows:
        raise InputError(source, 1, "the file is empty")
    header_line, header = rows[0]
    count_col = _count_column(header)
    skip_cols = _ignored(header, ignore_columns, source)
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
        weight = _weight(row[count_col], source, line) if count_col is not None else 1
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


# --- JSON ballot box ---------------------------------------------------------------------------------------


def parse_json(data: bytes, source: str) -> BallotBox:
    """The ballot-box export of a Rank & File ballot (schema in docs/counting.md)."""
    text = _decode_all(data, source)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(source, error.lineno, f"malformed JSON ({error.msg})") from None
    if not isinstance(doc, dict):
        raise InputError(source, 1, "expected a JSON object")
    if doc.get("format") != BALLOT_BOX_FORMAT:
        raise InputError(source, 1, f"'format' must be {BALLOT_BOX_FORMAT!r}")
    if doc.get("version") != 1:
        raise InputError(source, 1, f"unsupported ballot-box version {doc.get('version')!r} (this reads 1)")
    candidates = doc.get("candidates")
    if not isinstance(candidates, list) or not all(isinstance(c, str) and c for c in candidates):
        raise InputError(source, 1, "'candidates' must be a list of names")
    if len(set(candidates)) != len(candidates):
        raise InputError(source, 1, "a candidate name appears twice in 'candidates'")
    seats = doc.get("seats")
    if seats is not None and (not isinstance(seats, int) or isinstance(seats, bool) or seats < 1):
        raise InputError(source, 1, "'seats' must be a positive whole number")
    method = doc.get("method")
    if method is not None and not isinstance(method, str):
        raise InputError(source, 1, "'method' must be a string")
    options = doc.get("options", {})
    if not isinstance(options, dict):
        raise InputError(source, 1, "'options' must be an object")
    withdrawn_names = doc.get("withdrawn", [])
    if not isinstance(withdrawn_names, list) or any(n not in candidates for n in withdrawn_names):
        raise InputError(source, 1, "'withdrawn' must list names from 'candidates'")
    ballots = doc.get("ballots")
    if not isinstance(ballots, list):
        raise InputError(source, 1, "'ballots' must be a list")
    builder = BoxBuilder(candidates, source=source)
    receipts: list[str] = []
    has_receipts = False
    ballot_lines = _ballot_lines(text)
    if len(ballot_lines) != len(ballots):
        ballot_lines = [1] * len(ballots)
    for number, ballot in enumerate(ballots, start=1):
        where = f"ballot {number}"
        line = ballot_lines[number - 1]
        if not isinstance(ballot, dict):
            raise InputError(source, line, f"{where} is not an object")
        receipt = ballot.get("receipt", "")
        if not isinstance(receipt, str):
            raise InputError(source, line, f"{where}: 'receipt' must be a string")
        has_receipts = has_receipts or bool(receipt)
        receipts.append(receipt)
        count = ballot.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InputError(source, line, f"{where}: 'count' must be a positive whole number")
        if "ranking" in ballot and "choices" in ballot:
            raise InputError(source, line, f"{where} has both 'ranking' and 'choices'")
        marks: list[int] = []
        if "ranking" in ballot:
            ranking = ballot["ranking"]
            if not isinstance(ranking, list):
                raise InputError(source, line, f"{where}: 'ranking' must be a list of ranks")
            for rank in ranking:
                members = [rank] if isinstance(rank, str) else rank
                if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                    raise InputError(source, line, f"{where}: each rank must be a name or a list of names")
                marks.append(builder.rank_code([_json_name(builder, m, source, line, number) for m in members]))
            while marks and marks[-1] == builder.skip:
                marks.pop()
        elif "choices" in ballot:
            choices = ballot["choices"]
            if not isinstance(choices, list) or not all(isinstance(m, str) for m in choices):
                raise InputError(source, line, f"{where}: 'choices' must be a list of names")
            if choices:
                marks.append(builder.rank_code([_json_name(builder, m, source, line, number) for m in choices]))
        else:
            raise InputError(source, line, f"{where} has neither 'ranking' nor 'choices'")
        builder.add(marks, count, line)
    title = doc.get("title", "")
    return builder.build(
        title=title if isinstance(title, str) else "",
        seats=seats,
        withdrawn=frozenset(candidates.index(n) for n in withdrawn_names),
        receipts=tuple(receipts) if has_receipts else None,
        method=method,
        options=options,
    )


def _json_name(builder: BoxBuilder, name: str, source: str, line: int, number: int) -> int:
    index = builder.index.get(name)
    if index is None:
        raise InputError(source, line, f"ballot {number}: unknown candidate {name!r}")
    return index


_SPACE = re.compile(r"\s*")


def _ballot_lines(text: str) -> list[int]:
    """The line on which each element of the top-level "ballots" list starts (for messages and the report).

    Walks the already-validated document with the standard decoder's raw_decode, one value at a time.
    """
    decoder = json.JSONDecoder()

    def skip(i: int) -> int:
        match = _SPACE.match(text, i)
        return match.end() if match else i

    starts: list[int] = []
    i = skip(0)
    if text[i : i + 1] != "{":
        return []
    i = skip(i + 1)
    while i < len(text) and text[i] != "}":
        key, i = decoder.raw_decode(text, i)
        i = skip(skip(i) + 1)  # the colon
        if key == "ballots" and text[i : i + 1] == "[":
            i = skip(i + 1)
            while text[i : i + 1] not in ("]", ""):
                starts.append(i)
                _, i = decoder.raw_decode(text, i)
                i = skip(i)
                if text[i : i + 1] == ",":
                    i = skip(i + 1)
            break
        _, i = decoder.raw_decode(text, i)
        i = skip(i)
        if text[i : i + 1] == ",":
            i = skip(i + 1)
    lines: list[int] = []
    line = 1
    previous = 0
    for start in starts:
        line += text.count("\n", previous, start)
        previous = start
        lines.append(line)
    return lines
