"""Schulze and the Debian rule against real Debian votes and textbook profiles."""

from __future__ import annotations

import pytest

from rankandfile.counting import BallotBox, CountError, Options, count, read_file
from rankandfile.counting.tests.helpers import DATA, result_json

DEBIAN = [
    ("debian_gr_2019_002", "Further Discussion"),
    ("debian_dpl_2010", "None Of The Above"),
    ("debian_dpl_2012", "None Of The Above"),
]


@pytest.mark.parametrize(("vote", "default"), DEBIAN)
def test_it_elects_the_official_debian_winner(vote: str, default: str) -> None:
    official = result_json(vote)
    result = count(read_file(str(DATA / f"{vote}.ranks.csv")), "debian", options=Options(default_option=default))
    assert result.elected == (official["official_winner"],)
    assert result.valid_ballots + result.invalid_ballots == official["ballots"]


def test_it_reproduces_the_official_order_and_the_dropped_option_of_the_2019_resolution() -> None:
    official = result_json("debian_gr_2019_002")
    box = read_file(str(DATA / "debian_gr_2019_002.ranks.csv"))
    result = count(box, "debian", options=Options(default_option="Further Discussion"))
    assert result.ranking is not None
    assert [tier[0] for tier in result.ranking] == official["official_order"]
    assert all(len(tier) == 1 for tier in result.ranking)
    assert list(result.dropped) == official["computed"]["dropped_by_default_option"]
    assert result.pairwise == official["computed"]["pairwise"]
    above = result.stages[0].totals
    for option, votes in official["computed"]["votes_above_default"].items():
        assert above[option] == votes


def test_it_drops_options_short_of_the_quorum_or_the_majority_ratio() -> None:
    box = read_file(str(DATA / "debian_gr_2019_002.ranks.csv"))
    with_quorum = count(box, "debian", options=Options(default_option="Further Discussion", quorum=230))
    # Only F (307), B (299), D (281) and H (271) have at least 230 ballots above Further Discussion.
    assert set(with_quorum.dropped) == {
        "A: Support for multiple init systems is Important",
        "E: Support for multiple init systems is Required",
        "G: Support portability and multiple implementations",
    }
    three_to_one = count(box, "debian", options=Options(default_option="Further Discussion", majority_ratio=(3, 1)))
    # No option reaches 3:1 (F is best: 307 above, 110 below): all dropped, Further Discussion wins.
    assert len(three_to_one.dropped) == 7
    assert three_to_one.elected == ("Further Discussion",)
    two_to_one = count(box, "debian", options=Options(default_option="Further Discussion", majority_ratio=(2, 1)))
    # A (225:166), E (173:214) and G (216:168) fall short of 2:1.
    assert len(two_to_one.dropped) == 3
    assert two_to_one.elected == ("B: Systemd but we support exploring alternatives",)


def test_it_needs_a_default_option() -> None:
    box = read_file(str(DATA / "debian_dpl_2010.ranks.csv"))
    with pytest.raises(CountError, match="default option"):
        count(box, "debian")


def test_it_leaves_a_tie_between_debian_winners_to_the_casting_vote() -> None:
    box = BallotBox.from_rankings(["A", "B", "NOTA"], [["A", "B", "NOTA"], ["B", "A", "NOTA"]])
    result = count(box, "debian", options=Options(default_option="NOTA", seed="s"))
    assert result.elected == ()
    assert result.outcome == "tie: casting vote required"
    assert result.tie_breaks[0].chosen is None
    assert "casting vote" in result.tie_breaks[0].reason


@pytest.mark.parametrize(("vote", "_default"), DEBIAN)
def test_it_elects_the_same_winner_by_plain_schulze(vote: str, _default: str) -> None:
    result = count(read_file(str(DATA / f"{vote}.ranks.csv")), "schulze")
    assert result.elected == (result_json(vote)["official_winner"],)


def test_it_ranks_the_classic_schulze_example() -> None:
    # Schulze (2011), the 45-voter example: the ranking is E > A > C > B > D.
    profile = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    box = BallotBox.from_rankings(list("ABCDE"), [list(r) for _, r in profile], [w for w, _ in profile])
    result = count(box, "schulze", 2)
    assert result.ranking == (("E",), ("A",), ("C",), ("B",), ("D",))
    assert result.elected == ("E", "A")
    assert result.pairwise is not None
    assert result.pairwise["A"]["B"] == 20


def test_it_breaks_a_schulze_tie_with_ballots_drawn_by_lot_reproducibly() -> None:
    box = BallotBox.from_rankings(["A", "B", "C"], [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]])
    first = count(box, "schulze", 1, Options(seed="one"))
    again = count(box, "schulze", 1, Options(seed="one"))
    assert first.elected == again.elected
    assert first.ranking == (("A", "B", "C"),)
    assert first.tie_breaks[-1].kind == "ranking"
    assert "seed one" in first.tie_breaks[-1].reason


def test_it_treats_unranked_options_as_tied_below_ranked_ones() -> None:
    box = BallotBox.from_rankings(["A", "B", "C"], [["A"], ["A"], [["B", "C"]]])
    result = count(box, "schulze")
    assert result.pairwise == {"A": {"B": 2, "C": 2}, "B": {"A": 1, "C": 0}, "C": {"A": 1, "B": 0}}
    assert result.elected == ("A",)
