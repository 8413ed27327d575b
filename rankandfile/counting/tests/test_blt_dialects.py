"""The BLT dialects in use (ERS, OpenSTV, Droop), each in a small file of its own in data/dialects/.

Most files hold the ballots of `plain.blt` written another way, and must read as the same ballots."""

from __future__ import annotations

import numpy as np
import pytest

from rankandfile.counting import BallotBox, InputError, Options, count, read_bytes, read_file
from rankandfile.counting.cli import main
from rankandfile.counting.readers import blt, parse_blt
from rankandfile.counting.tests.helpers import DATA

DIALECTS = DATA / "dialects"


def read(name: str) -> BallotBox:
    return read_file(str(DIALECTS / name))


def same_ballots(a: BallotBox, b: BallotBox) -> bool:
    return (
        a.candidates == b.candidates
        and a.groups == b.groups
        and a.codes.shape == b.codes.shape
        and bool((a.codes == b.codes).all())
        and bool((a.weights == b.weights).all())
    )


@pytest.mark.parametrize("name", ["comments.blt", "one_line.blt", "ids.blt", "droop_option.blt", "ers_source.blt"])
def test_it_reads_each_dialect_as_the_same_ballots(name: str) -> None:
    plain, box = read("plain.blt"), read(name)
    assert (box.title, box.seats) == ("Plain", 2)
    if name == "ids.blt":  # one more ballot: a blank one, with its id
        assert box.total_weight == plain.total_weight + 1
        box = BallotBox(box.candidates, box.codes[:-1], box.weights[:-1], box.lines[:-1], box.groups)
    assert same_ballots(plain, box)


def test_comments_leave_the_line_numbers_of_the_ballots_as_in_the_file() -> None:
    assert read("comments.blt").lines.tolist() == [3, 6, 7, 8, 9]
    assert read("one_line.blt").lines.tolist() == [1, 1, 1, 1, 1]


def test_ballot_ids_are_kept_and_name_a_ballot_set_aside() -> None:
    box = read("ids.blt")
    assert box.receipts == ("a1", "a2", "b7", "", "c9", "blank")
    result = count(box, "stv-scottish", None, Options(seed="s"))
    assert [(i.line, i.reason, i.receipt) for i in result.invalid] == [
        (7, "blank ballot", "blank"),
        (3, "first preference given to more than one candidate", "a2"),
    ]


def test_nicknames_name_candidates_on_ballots_and_in_tie_and_withdrawn() -> None:
    box, plain = read("nick.blt"), read("plain.blt")
    assert same_ballots(box, plain)
    assert box.withdrawn == frozenset({3})
    assert box.tie_order == (2, 0, 1, 3)


def test_withdrawn_candidates_over_several_lines_and_as_an_option_are_the_same() -> None:
    lines, option = read("withdrawn.blt"), read("withdrawn_option.blt")
    assert lines.withdrawn == option.withdrawn == frozenset({1, 3})
    assert same_ballots(lines, option)


def test_droop_options_are_read_and_reported_not_applied() -> None:
    result = count(read("droop_option.blt"), "stv-meek", None, Options(seed="s"))
    assert result.notes[0] == "the file's options [droop rule=meek precision=8] were read and not applied"
    assert result.rule.startswith("Meek STV (Hill, Wichmann & Woodall 1987; New Zealand")


def test_an_unsupported_option_is_refused_by_name() -> None:
    with pytest.raises(InputError) as error:
        read("unsupported_option.blt")
    assert str(error.value) == f"{DIALECTS / 'unsupported_option.blt'}:2: `[undeclared]` options are not supported"


def test_source_and_comment_lines_after_the_title_are_reported() -> None:
    result = count(read("ers_source.blt"), "stv-scottish", None, Options(seed="s"))
    assert result.notes == (
        "source (from the file): A hand-made election, in the manner of the ERS validation files",
        "comment (from the file): The source and comment lines follow the title",
        "text after the title (lines 15-16 of the file) was not read",
    )


def test_a_declared_tie_order_decides_instead_of_the_lot_and_says_so() -> None:
    lot = count(read("three_way_lot.blt"), "stv-scottish", None, Options(seed="s"))
    declared = count(read("three_way_declared.blt"), "stv-scottish", None, Options(seed="s"))
    assert lot.tie_breaks[0].reason.startswith("no earlier stage; lot (draw 1")
    first = declared.tie_breaks[0]
    assert (first.candidates, first.chosen) == (("X", "Y", "Z"), "Y")
    assert first.reason == "no earlier stage; the file's declared tie-break order ([tie])"
    assert "lot" not in " ".join(t.reason for t in declared.tie_breaks)


@pytest.mark.parametrize("method", ["stv-scottish", "stv-meek", "irv"])
def test_a_three_way_tie_is_narrowed_stage_by_stage(method: str) -> None:
    result = count(read("three_way_tie.blt"), method, None, Options(seed="s"))
    tie = result.tie_breaks[0]
    assert (tie.stage, tie.candidates, tie.chosen) == (4, ("X", "Y", "Z"), "X")
    assert tie.reason == "fewer votes at stage 1"
    totals = [{n: s.totals[n] for n in ("X", "Y", "Z")} for s in result.stages[:3]]
    assert len(set(totals[2].values())) == 1  # all three equal when stage 4 picks whom to exclude
    assert totals[1]["X"] == totals[1]["Y"] < totals[1]["Z"]  # stage 2 keeps X and Y
    assert totals[0]["X"] < totals[0]["Y"]  # stage 1 decides


def test_names_keep_their_spaces_and_are_compared_by_normalized_spaces(capsys: pytest.CaptureFixture[str]) -> None:
    box = read("spaced_names.blt")
    assert box.candidates == ("Ada   Lovelace", "None Of  The Above", "Cy Young")
    path = str(DIALECTS / "spaced_names.blt")
    assert main([path, "--method", "debian", "--default-option", "None Of The Above", "--output", "json"]) == 0
    assert '"None Of  The Above"' in capsys.readouterr().out
    with pytest.raises(InputError, match="candidate name 'A B' appears twice"):
        read_bytes(b'2 1\n1 1 0\n0\n"A  B"\n"A B"\n', "x.blt")


def test_a_meek_ballot_for_withdrawn_candidates_only_has_the_scottish_reason() -> None:
    box = read_bytes(b"3 1\n-2\n4 1 0\n2 2 0\n3 3 1 0\n0\nA\nB\nC\n", "x.blt")
    reasons = {
        m: [(i.line, i.reason) for i in count(box, m, None, Options(seed="s")).invalid]
        for m in ("stv-meek", "stv-scottish")
    }
    assert reasons["stv-meek"] == reasons["stv-scottish"] == [(4, "no preference for a standing candidate")]


BAD = [
    ("3 1\n[tie 1 2]\n1 1 0\n0\nA\nB\nC\n", "x.blt:2: [tie] must list every candidate once"),
    ("3 1\n[nick a b]\n1 1 0\n0\nA\nB\nC\n", "x.blt:2: [nick] gives 2 nicknames for 3 candidates"),
    ("3 1\n[nick a b c]\n1 a d 0\n0\nA\nB\nC\n", "x.blt:3: unknown candidate nickname 'd'"),
    ("3 1\n[withdrawn 4]\n1 1 0\n0\nA\nB\nC\n", "x.blt:2: withdrawn candidate 4 is not one of the 3 candidates"),
    ("3 1\n1 1 0\n[tie 1 2 3]\n0\nA\nB\nC\n", "x.blt:3: options must come before the ballots"),
    ("3 1\n1 1 0 /* never closed\n0\nA\nB\nC\n", "x.blt:2: unclosed /* comment"),
    ("3 1\n[tie 1 2 3\n1 1 0\n0\nA\nB\nC\n", "x.blt:2: unclosed [ option"),
    ('3 1\n1 1 0\n0\n"A\n', "x.blt:4: unclosed quote in a name"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_it_names_the_line_and_the_fault_of_a_bad_dialect_file(text: str, message: str) -> None:
    with pytest.raises(InputError) as error:
        read_bytes(text.encode(), "x.blt")
    assert str(error.value) == message


@pytest.mark.parametrize("dialect", [False, True])
def test_a_large_file_with_options_reads_the_same_on_both_routes(dialect: bool) -> None:
    rng = np.random.default_rng(3)
    lines = ["6 2", "[withdrawn 3]", "[tie 6 5 4 3 2 1]", "[droop rule=meek]"]
    for number in range(2000):
        prefs = rng.permutation(6)[: rng.integers(1, 7)] + 1
        line = f"{rng.integers(1, 9)} {' '.join(map(str, prefs))} 0"
        if dialect and number % 3:
            line = f"(b{number}) {line}"
        if dialect and number % 5 == 0:
            line += f"  # ballot {number} (#{number})"
        if dialect and number % 400 == 7:
            line += " /* a comment\n  over two lines */"
        lines.append(line)
    lines += ["0"] + [f'"C{i}"' for i in range(6)] + ['"big"', '"source"']
    data = ("\n".join(lines) + "\n").encode()
    fast, careful = parse_blt(data, "big.blt", fast=True), parse_blt(data, "big.blt", fast=False)
    assert same_ballots(fast, careful)
    assert (fast.lines == careful.lines).all()
    assert fast.receipts == careful.receipts
    assert (fast.withdrawn, fast.tie_order, fast.notes) == (careful.withdrawn, careful.tie_order, careful.notes)
    assert fast.tie_order == (5, 4, 3, 2, 1, 0) and fast.withdrawn == frozenset({2})
    if dialect:
        assert fast.receipts is not None and fast.receipts[:3] == ("", "b1", "b2")


def test_the_numpy_route_reads_a_large_file_with_ids_and_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["3 1"] + [f"(id{i}) 1 1 2 0  # ballot {i}" for i in range(3000)] + ["0 # end of ballots", "A", "B", "C"]
    data = "\n".join(lines).encode()
    monkeypatch.setattr(blt, "_careful", lambda text, source: pytest.fail("read token by token"))
    box = parse_blt(data, "big.blt")
    assert box.total_weight == 3000 and box.receipts is not None and box.receipts[-1] == "id2999"
