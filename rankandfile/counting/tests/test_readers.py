"""Each input format against golden reports, and each kind of bad input against its one-line message.

Golden files live in data/golden/; after a deliberate change, rewrite them with
`RANKANDFILE_UPDATE_GOLDEN=1 pytest rankandfile/counting` and review the diff line by line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from rankandfile.counting import InputError, Options, count, read_bytes, read_file
from rankandfile.counting.readers import guess_format, parse_blt
from rankandfile.counting.report import render
from rankandfile.counting.tests.helpers import DATA

GOLDEN = DATA / "golden"
UPDATE = os.environ.get("RANKANDFILE_UPDATE_GOLDEN") == "1"

CASES = [
    ("small.blt", "stv-scottish", None, {}, "json"),
    ("small.blt", "stv-scottish", None, {}, "text"),
    ("small.blt", "stv-scottish", None, {}, "html"),
    ("small.blt", "stv-scottish", None, {}, "csv"),
    ("small.blt", "irv", 1, {}, "json"),
    ("small.blt", "stv-meek", None, {}, "json"),
    ("small.blt", "schulze", 2, {}, "json"),
    ("small.choices.csv", "irv", 1, {}, "json"),
    ("small.choices.csv", "irv", 1, {"overvote": "skip", "batch_elimination": True}, "json"),
    ("small.choices.csv", "plurality", 1, {}, "json"),
    ("small.choices.csv", "approval", 2, {}, "json"),
    ("small.ranks.csv", "schulze", 1, {}, "json"),
    ("small.ranks.csv", "debian", 1, {"default_option": "Dee, Jr."}, "text"),
    ("small.ranks.csv", "stv-meek", 2, {}, "json"),
    ("small.ballot-box.json", "stv-scottish", None, {}, "json"),
    ("small.ballot-box.json", "stv-scottish", None, {}, "text"),
    ("motion.choices.csv", "yes-no", None, {"threshold": "two-thirds", "quorum": 20}, "text"),
]


def _golden_name(source: str, method: str, options: dict[str, object], fmt: str) -> str:
    suffix = "".join(f".{k}-{v}" for k, v in sorted(options.items())).replace(" ", "_").replace(",", "")
    return f"{source}.{method}{suffix}.{ {'text': 'txt'}.get(fmt, fmt) }"


@pytest.mark.parametrize(("source", "method", "seats", "options", "fmt"), CASES)
def test_it_reports_each_input_format_as_the_golden_file_says(
    source: str, method: str, seats: int | None, options: dict[str, object], fmt: str
) -> None:
    box = read_file(str(GOLDEN / source), ignore_columns=["Precinct"] if source == "small.choices.csv" else [])
    result = count(box, method, seats, Options(seed="golden", **options))  # type: ignore[arg-type]
    rendered = render(result, fmt).replace(str(GOLDEN) + "/", "")
    golden = GOLDEN / "expected" / _golden_name(source, method, options, fmt)
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered)
    assert rendered == golden.read_text()


def test_it_writes_every_vote_value_as_an_exact_decimal_string() -> None:
    report = json.loads((GOLDEN / "expected" / "small.blt.stv-scottish.json").read_text())
    for stage in report["stages"]:
        for value in [*stage["totals"].values(), *stage["transfers"].values()]:
            assert isinstance(value, str)
            assert len(value.split(".")[1]) == 5
        assert isinstance(stage["non_transferable"], str)
    assert set(report) >= {"method", "seats", "valid_ballots", "invalid_ballots", "quota", "elected", "stages"}
    assert set(report) >= {"tie_breaks", "seed"}


def test_it_reads_blt_marks_withdrawn_candidates_and_escaped_quotes() -> None:
    box = read_file(str(GOLDEN / "small.blt"))
    assert box.candidates == ("Ada Lovelace", "Ben Franklin", "Cy Young", 'Dee "The Dee" Dee')
    assert box.withdrawn == frozenset({3})
    assert box.seats == 2
    assert box.title == "Hand-made test"
    assert box.lines.tolist() == [4, 5, 6, 7, 8, 9, 10]
    assert box.codes[1, 0] == box.group0  # 2=3
    assert box.codes[2, 1] == box.skip


def test_it_lists_every_ballot_it_does_not_count_with_its_line() -> None:
    box = read_file(str(GOLDEN / "small.choices.csv"), ignore_columns=["precinct"])
    result = count(box, "irv", 1, Options(seed="s"))
    assert [(i.line, i.count, i.reason) for i in result.invalid] == [(6, 2, "blank ballot")]
    assert result.valid_ballots + result.invalid_ballots == int(box.weights.sum()) == 17


def test_it_keeps_receipts_of_ballot_box_ballots_set_aside() -> None:
    result = count(read_file(str(GOLDEN / "small.ballot-box.json")), "stv-scottish")
    receipts = {i.receipt: i.reason for i in result.invalid}
    assert receipts == {"77b0e2": "first preference given to more than one candidate", "c1d2e3": "blank ballot"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("small.blt", "blt"),
        ("small.choices.csv", "choices-csv"),
        ("small.ranks.csv", "ranks-csv"),
        ("small.ballot-box.json", "json"),
        ("motion.choices.csv", "choices-csv"),
    ],
)
def test_it_guesses_the_format_from_the_content(name: str, expected: str) -> None:
    assert guess_format((GOLDEN / name).read_bytes(), name) == expected


BAD = [
    ("blt", "3 1\n1 1 2\n0\nA\nB\nC\n", "x.blt:2: a ballot line must end with 0"),
    ("blt", "3 1\n1 1 5 0\n0\nA\nB\nC\n", "x.blt:2: unknown candidate 5: there are 3 candidates"),
    ("blt", "3 1\n1 1 2 0\n0\nA\nB\n", "x.blt:5: the header announces 3 candidates but 2 names follow the ballots"),
    ("blt", "3 1\n0 1 2 0\n0\nA\nB\nC\n", "x.blt:2: ballot weight must be a positive whole number, not '0'"),
    (
        "blt",
        "3 1\n1 1 0 2 0\n0\nA\nB\nC\n",
        "x.blt:2: 0 inside a ballot: only the last number of a ballot line may be 0",
    ),
    ("blt", "3 1\n1 1 x 0\n0\nA\nB\nC\n", "x.blt:2: cannot read 'x' as a candidate number"),
    ("blt", "three 1\n", "x.blt:1: expected the BLT header 'candidates seats', found 'three 1'"),
    ("blt", "2 1\n1 1 0\n", "x.blt:2: the ballots are not closed by a line '0'"),
    ("blt", "", "x.blt:1: the file is empty"),
    ("blt", '2 1\n1 1 0\n0\n"A"\n"A"\n', "x.blt:5: candidate name 'A' appears twice"),
    ("blt", "2 1\n-3\n1 1 0\n0\nA\nB\n", "x.blt:2: withdrawn candidate 3 is not one of the 2 candidates"),
    ("choices-csv", "r1,r2,count\nA,B,2\nB,A,two\n", "x.csv:3: count must be a positive whole number, not 'two'"),
    ("choices-csv", "r1,r2\nA,B\nB\n", "x.csv:3: expected 2 cells as in the header, found 1"),
    ("ranks-csv", "A,B\n1,2\n1,first\n", "x.csv:3: rank for 'B' must be a whole number from 1, not 'first'"),
    ("ranks-csv", "A,A\n1,2\n", "x.csv:1: candidate name 'A' appears twice"),
    (
        "json",
        '{"format": "rankandfile-ballot-box",\n "version": 1,\n',
        "x.json:3: malformed JSON (Expecting property name enclosed in double quotes)",
    ),
    (
        "json",
        '{"format": "rankandfile-ballot-box", "version": 1, "candidates": ["A"],\n "ballots": [\n'
        '  {"ranking": ["A"]},\n  {"ranking": ["Z"]}\n ]}\n',
        "x.json:4: ballot 2: unknown candidate 'Z'",
    ),
    (
        "json",
        '{"format": "rankandfile-ballot-box", "version": 1, "candidates": ["A"],\n "ballots": [\n'
        '  {"ranking": ["A"], "count": 0}\n ]}\n',
        "x.json:3: ballot 1: 'count' must be a positive whole number",
    ),
    ("json", '{"format": "helios", "version": 1}', "x.json:1: 'format' must be 'rankandfile-ballot-box'"),
]


@pytest.mark.parametrize(("fmt", "text", "message"), BAD)
def test_it_names_the_file_line_and_reason_of_bad_input(fmt: str, text: str, message: str) -> None:
    source = {"blt": "x.blt", "json": "x.json"}.get(fmt, "x.csv")
    with pytest.raises(InputError) as error:
        read_bytes(text.encode(), source, fmt)
    assert str(error.value) == message


def test_it_reads_a_large_plain_blt_the_same_way_on_the_fast_and_the_careful_path() -> None:
    rng = np.random.default_rng(7)
    lines = ["9 3"]
    for _ in range(3000):
        prefs = rng.permutation(9)[: rng.integers(1, 10)] + 1
        lines.append(f"{rng.integers(1, 30)} {' '.join(map(str, prefs))} 0")
    lines += ["", "0"] + [f'"C{i}"' for i in range(9)] + ['"big"']
    data = ("\n".join(lines) + "\n").encode()
    fast, careful = parse_blt(data, "big.blt", fast=True), parse_blt(data, "big.blt", fast=False)
    assert fast.codes.shape == careful.codes.shape
    assert (fast.codes == careful.codes).all()
    assert (fast.weights == careful.weights).all()
    assert (fast.lines == careful.lines).all()
    assert fast.candidates == careful.candidates


def test_it_names_the_bad_line_of_a_large_blt_file() -> None:
    lines = ["3 1"] + ["1 1 2 3 0"] * 5000 + ["1 1 4 0"] + ["1 2 0"] * 100 + ["0", "A", "B", "C"]
    with pytest.raises(InputError) as error:
        read_bytes("\n".join(lines).encode(), "big.blt")
    assert str(error.value) == "big.blt:5002: unknown candidate 4: there are 3 candidates"


def test_it_ends_the_ballots_at_the_first_zero_line_even_in_a_large_file() -> None:
    lines = ["2 1"] + ["1 1 2 0"] * 5000 + ["0", "A", "B", "title", "0"]
    box = read_bytes("\n".join(lines).encode(), "big.blt")
    assert (box.candidates, box.title, box.total_weight) == (("A", "B"), "title", 5000)
    assert box.notes == ("text after the title (line 5006 of the file) was not read",)


def test_it_reads_a_file_that_names_no_path_on_disk(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        read_file(str(tmp_path / "missing.blt"))
