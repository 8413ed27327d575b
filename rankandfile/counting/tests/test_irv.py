"""IRV against the official rounds of real mayoral elections, and its options on small ballots."""

from __future__ import annotations

import pytest

from rankandfile.counting import BallotBox, CountError, Options, Result, count, read_file
from rankandfile.counting.tests.helpers import DATA, result_json


def irv(name: str, *, batch: bool = True, overvote: str = "exhaust") -> Result:
    options = Options(batch_elimination=batch, overvote=overvote, seed="test")  # type: ignore[arg-type]
    return count(read_file(str(DATA / name)), "irv", 1, options)


def rounds(result: Result) -> list[dict[str, int]]:
    return [{name: int(v) for name, v in stage.totals.items() if v} for stage in result.stages]


def test_it_reproduces_every_official_round_of_burlington_2009_from_the_marked_ballots() -> None:
    official = result_json("burlington_2009_mayor")
    result = irv("burlington_2009_mayor.source.blt")
    assert result.elected == ("Bob Kiss",)
    assert result.valid_ballots == official["official_valid_ballots"]
    assert result.invalid_ballots == official["official_invalid_ballots"]
    assert len(result.stages) == len(official["official_rounds"])
    for stage, expected in zip(result.stages, official["official_rounds"], strict=True):
        assert {n: int(v) for n, v in stage.totals.items() if n in expected["tally"]} == expected["tally"]
        assert int(stage.non_transferable) == expected["exhausted"]
    assert set(result.stages[1].candidates) == set(official["official_rounds"][0]["defeated"])
    assert result.stages[-1].elected == ("Bob Kiss",)


@pytest.mark.parametrize("contest", ["burlington_2009_mayor", "burlington_2006_mayor"])
def test_it_reproduces_the_rounds_recounted_from_the_choices_file(contest: str) -> None:
    expected = result_json(contest)["computed_rounds_choices_csv"]
    result = irv(f"{contest}.choices.csv")
    assert rounds(result) == [{n: v for n, v in r["tally"].items() if v} for r in expected]
    blank = result_json(contest)["blank_ballots_in_file"]
    for stage, r in zip(result.stages, expected, strict=True):
        assert int(stage.non_transferable) + blank == r["exhausted_incl_blank"]
    assert result.invalid_ballots == blank


def test_it_reproduces_the_official_burlington_2006_figures_from_the_marked_ballots() -> None:
    official = result_json("burlington_2006_mayor")["official_figures"]
    result = irv("burlington_2006_mayor.source.blt")
    first, final = rounds(result)[0], rounds(result)[-1]
    assert {n: first[n] for n in official["round_1"]} == official["round_1"]
    assert final == official["round_2"]
    assert result.elected == ("Bob Kiss",)


@pytest.mark.parametrize("batch", [True, False])
def test_it_reproduces_san_francisco_2011_first_and_final_rounds(batch: bool) -> None:
    data = result_json("san_francisco_2011_mayor")
    official = data["official_figures"]
    result = irv("san_francisco_2011_mayor.choices.csv", batch=batch)
    first, final = rounds(result)[0], rounds(result)[-1]
    assert {n: first[n] for n in official["first_round"]} == official["first_round"]
    assert final == official["final_round"]
    assert result.valid_ballots + result.invalid_ballots == data["official_total_ballots_cast"]
    assert result.invalid_ballots == data["blank_ballots_in_file"]
    assert result.elected == ("ED LEE",)
    if batch:
        computed = data["computed_rounds_choices_csv"]
        assert len(result.stages) == len(computed)
        assert rounds(result) == [{n: v for n, v in r["tally"].items() if v} for r in computed]


def box(rankings: list[list[str | list[str]]], weights: list[int]) -> BallotBox:
    return BallotBox.from_rankings(["A", "B", "C", "D"], rankings, weights)


def test_it_stops_at_a_majority_of_the_continuing_ballots() -> None:
    # 10 ballots; after D goes, A has 5 of the 9 continuing: a majority although not of all 10.
    result = count(box([["A"], ["B"], ["C"], ["D"]], [5, 2, 2, 1]), "irv", 1, Options(seed="t"))
    assert result.elected == ("A",)
    assert len(result.stages) == 2


def test_it_passes_over_skipped_ranks_and_counts_a_repeated_candidate_once() -> None:
    ballots = box([["D", [], "B"], ["D", "D", "C"], ["A"], ["B"], ["C"]], [1, 1, 4, 3, 3])
    result = count(ballots, "irv", 1, Options(seed="t"))
    exclusion = result.stages[1]
    assert exclusion.candidates == ("D",)
    assert exclusion.transfers == {"A": 0, "B": 1, "C": 1, "D": -2}
    assert exclusion.non_transferable == 0


def test_it_exhausts_or_skips_an_overvote_as_asked() -> None:
    # D's ballots then mark B and C together (both continuing), then A.
    ballots = box([["D", ["B", "C"], "A"], ["A"], ["B"], ["C"]], [3, 4, 3, 3])
    exhausted = count(ballots, "irv", 1, Options(seed="t"))
    skipped = count(ballots, "irv", 1, Options(seed="t", overvote="skip"))
    assert exhausted.stages[1].non_transferable == 3
    assert skipped.stages[1].transfers["A"] == 3
    assert skipped.elected == ("A",)


def test_it_counts_an_equal_rank_for_the_only_candidate_of_it_still_continuing() -> None:
    # ChoicePlus rule, as in Burlington: D=C where D is out counts for C.
    ballots = box([[["D", "C"]], ["A"], ["B"], ["C"], ["D"]], [2, 4, 3, 2, 1])
    result = count(ballots, "irv", 1, Options(seed="t"))
    assert result.stages[0].non_transferable == 2  # D and C both continuing: an overvote
    # C's two ballots then mark D and B together; D is out first, so when C goes they count for B.
    ballots = box([["C", ["D", "B"]], ["A"], ["B"], ["D"]], [2, 6, 4, 1])
    result = count(ballots, "irv", 1, Options(seed="t"))
    assert result.stages[2].candidates == ("C",)
    assert result.stages[2].transfers["B"] == 2


def test_it_eliminates_everyone_who_cannot_win_together_in_batch_mode() -> None:
    ballots = box([["A"], ["B"], ["C", "A"], ["D", "B"]], [10, 8, 3, 2])
    one = count(ballots, "irv", 1, Options(seed="t"))
    batch = count(ballots, "irv", 1, Options(seed="t", batch_elimination=True))
    assert one.stages[1].candidates == ("D",)
    assert batch.stages[1].candidates == ("D", "C")
    assert one.elected == batch.elected == ("A",)


def test_it_breaks_a_tie_for_last_by_the_earlier_round_then_by_lot() -> None:
    ballots = box([["A"], ["B"], ["C"], ["D", "C"]], [6, 5, 4, 1])
    result = count(ballots, "irv", 1, Options(seed="t"))
    # After D goes, C has 5 and ties B; at round 1 C had fewer (4 < 5): C is eliminated.
    tie = result.tie_breaks[0]
    assert tie.candidates == ("B", "C")
    assert tie.chosen == "C"
    assert tie.reason == "fewer votes at stage 1"


def test_it_refuses_more_than_one_seat() -> None:
    with pytest.raises(CountError, match="one seat"):
        count(box([["A"]], [1]), "irv", 2)
