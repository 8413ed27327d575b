"""The ballot-box JSON a Rank & File ballot publishes when it closes (schema in docs/counting.md)."""

from __future__ import annotations

import json
import re

from rankandfile.counting.model import BallotBox, BoxBuilder, InputError, find_name
from rankandfile.counting.readers.text import decode_all

BALLOT_BOX_FORMAT = "rankandfile-ballot-box"


def parse_json(data: bytes, source: str) -> BallotBox:
    """The ballot-box export of a Rank & File ballot (schema in docs/counting.md)."""
    text = decode_all(data, source)
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
    withdrawn: set[int] = set()
    for name in withdrawn_names if isinstance(withdrawn_names, list) else [None]:
        index = find_name(candidates, name) if isinstance(name, str) else None
        if index is None:
            raise InputError(source, 1, "'withdrawn' must list names from 'candidates'")
        withdrawn.add(index)
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
        withdrawn=frozenset(withdrawn),
        receipts=tuple(receipts) if has_receipts else None,
        method=method,
        options=options,
    )


def _json_name(builder: BoxBuilder, name: str, source: str, line: int, number: int) -> int:
    index = builder.index.get(name)
    if index is None:
        index = find_name(builder.candidates, name)
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
