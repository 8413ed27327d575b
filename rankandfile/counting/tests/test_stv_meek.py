"""Meek STV: keep factors iterated at the rule's 9 decimal places."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rankandfile.counting import BallotBox, Options, count, read_file
from rankandfile.counting.tests.helpers import DATA, WARDS


def test_it_shares_a_surplus_by_keep_factor_to_nine_decimals() -> None:
    box = BallotBox.from_rankings(["A", "B", "C"], [["A", "B"], ["C"], ["B"]], [50, 30, 20])
    result = count(box, "stv-meek", 2)
    first, second = result.stages[0], result.stages[1]
    assert first.quota == Decimal("33.333333334")
    assert first.elected == ("A",)
    assert second.action == "surplus"
    # A keeps ceil(q / 50) of each of its 50 ballots; the rest of each goes on to B.
    assert second.keep_factors is not None
    assert second.keep_factors["A"] == Decimal("0.666666667")
    assert second.totals == {"A": Decimal("33.333333350"), "B": Decimal("36.666666650"), "C": Decimal("30.000000000")}
    assert second.elected == ("B",)
    assert result.elected == ("A", "B")
    assert second.rounding_loss == 0


def test_it_excludes_the_lowest_and_lets_its_votes_flow_on() -> None:
    box = BallotBox.from_rankings(["A", "B", "C", "D"], [["A"], ["B"], ["C"], ["D", "C"]], [40, 30, 20, 15])
    result = count(box, "stv-meek", 2)
    exclusion = next(s for s in result.stages if s.action == "exclusion")
    assert exclusion.candidates == ("D",)
    assert exclusion.transfers["C"] == 15
    assert result.elected == ("A", "C")


def test_it_treats_preferences_after_an_equal_rank_as_disregarded() -> None:
    box = BallotBox.from_rankings(["A", "B", "C"], [["C", ["A", "B"]], ["A"], ["B"], [["A", "B"]]], [2, 5, 4, 3])
    result = count(box, "stv-meek", 1)
    assert result.invalid_ballots == 3
    assert result.stages[1].candidates == ("C",)
    assert result.stages[1].non_transferable == 2


@pytest.mark.parametrize("ward", WARDS)
def test_it_counts_every_real_ward_with_every_vote_accounted_for(ward: str) -> None:
    result = count(read_file(str(DATA / f"{ward}.blt")), "stv-meek", options=Options(seed="t"))
    assert len(result.elected) == result.seats
    for stage in result.stages:
        assert sum(stage.totals.values()) + stage.non_transferable + stage.rounding_loss == result.valid_ballots
        assert stage.quota is not None and stage.keep_factors is not None
