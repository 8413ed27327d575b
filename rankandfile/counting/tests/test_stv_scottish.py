"""Scottish STV against the declared results of twelve real 2017 council wards, figure by figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rankandfile.counting import BallotBox, Options, Result, count, read_file
from rankandfile.counting.tests.helpers import DATA, WARDS, as_shown, expected_stages, result_json

_cache: dict[str, Result] = {}


def ward_result(ward: str) -> Result:
    if ward not in _cache:
        _cache[ward] = count(read_file(str(DATA / f"{ward}.blt")), "stv-scottish", options=Options(seed="test"))
    return _cache[ward]


def test_it_has_all_twelve_wards() -> None:
    assert len(WARDS) == 12


@pytest.mark.parametrize("ward", WARDS)
def test_it_finds_the_official_quota_valid_poll_and_number_of_stages(ward: str) -> None:
    result = ward_result(ward)
    official = result_json(ward)
    assert result.quota == official["official_quota"]
    assert result.valid_ballots == official["official_valid_poll"]
    assert result.invalid_ballots == 0
    assert len(result.stages) == official["official_stages"]
    assert result.seats == official["seats"]


@pytest.mark.parametrize("ward", WARDS)
def test_it_reproduces_every_official_total_and_transfer(ward: str) -> None:
    result = ward_result(ward)
    for row in expected_stages(ward):
        stage = result.stages[int(row["stage"]) - 1]
        name = row["candidate"]
        assert as_shown(stage.totals[name], row["official_total"]) == Decimal(row["official_total"]), row
        assert as_shown(stage.transfers[name], row["official_transfer"]) == Decimal(row["official_transfer"]), row


@pytest.mark.parametrize("ward", WARDS)
def test_it_moves_the_papers_of_the_official_candidate_at_each_stage(ward: str) -> None:
    result = ward_result(ward)
    official: dict[int, tuple[str, str]] = {}
    for row in expected_stages(ward):
        official[int(row["stage"])] = (row["stage_action"], row["stage_candidate"])
    for number, (action, candidate) in official.items():
        stage = result.stages[number - 1]
        assert stage.action == action
        assert stage.candidates == ((candidate,) if candidate else ())


@pytest.mark.parametrize("ward", WARDS)
def test_it_elects_the_official_members_at_the_official_stages(ward: str) -> None:
    result = ward_result(ward)
    official = result_json(ward)["elected"]
    assert sorted(result.elected) == sorted(e["name"] for e in official)
    for elected in official:
        stage = result.stages[elected["first_marked_elected_at_stage"] - 1]
        assert elected["name"] in stage.elected
    # Order of election: by stage; within a stage, the larger total first.
    stage_of = {name: s.number for s in result.stages for name in s.elected}
    assert [stage_of[n] for n in result.elected] == sorted(stage_of[n] for n in result.elected)


@pytest.mark.parametrize("ward", WARDS)
def test_it_accounts_for_every_vote_at_every_stage(ward: str) -> None:
    result = ward_result(ward)
    for stage in result.stages:
        assert sum(stage.totals.values()) + stage.non_transferable + stage.rounding_loss == result.valid_ballots


def test_it_reports_what_truncation_loses() -> None:
    result = ward_result("dundee_2017_ward2")
    last = result.stages[-1]
    assert Decimal(0) < last.rounding_loss < Decimal("0.1")
    assert str(last.rounding_loss).count(".") == 1 and len(str(last.rounding_loss).split(".")[1]) == 5


def test_it_moves_equal_surpluses_by_the_most_recent_stage_where_they_differed() -> None:
    result = ward_result("renfrewshire_2017_ward3")
    tie = next(t for t in result.tie_breaks if t.kind == "surplus")
    assert tie.stage == 7
    assert tie.chosen == "JIM SHARKEY (Lab)"
    assert tie.reason == "more votes at stage 5"
    assert result.stages[6].candidates == ("JIM SHARKEY (Lab)",)


def test_it_moves_the_largest_surplus_first_not_the_oldest() -> None:
    result = ward_result("aberdeenshire_2017_ward13")
    assert result.stages[2].action == "surplus"
    assert result.stages[2].candidates[0].startswith("Alistair MCKELVIE")


def box(rankings: list[list[str]], weights: list[int], candidates: str = "ABCD") -> BallotBox:
    return BallotBox.from_rankings(list(candidates), rankings, weights)


def test_it_spends_no_stage_on_a_candidate_with_exactly_the_quota() -> None:
    # 12 ballots, 2 seats: quota 5. A has exactly 5: elected at stage 1, no surplus stage.
    result = count(box([["A", "B"], ["B"], ["C"], ["D"]], [5, 4, 2, 1]), "stv-scottish", 2)
    assert result.quota == 5
    assert result.stages[1].action == "exclusion"
    assert result.stages[1].candidates == ("D",)
    assert result.elected[0] == "A"


def test_it_sets_aside_papers_without_a_unique_first_preference() -> None:
    ballots = BallotBox.from_rankings(["A", "B", "C"], [["A", "B"], [["A", "B"], "C"], [[], "A"], []], [6, 2, 1, 3])
    result = count(ballots, "stv-scottish", 1)
    assert result.valid_ballots == 6
    assert result.invalid_ballots == 6
    reasons = {i.reason: i.count for i in result.invalid}
    assert reasons == {
        "blank ballot": 3,
        "first preference given to more than one candidate": 2,
        "no first preference: the first rank is empty": 1,
    }


def test_it_makes_a_paper_non_transferable_at_a_skipped_rank() -> None:
    # B is excluded; its papers say B, (skip), A: the paper stops at the gap (the next figure does not follow).
    ballots = BallotBox.from_rankings(["A", "B", "C"], [["A"], ["C"], ["B", [], "A"]], [4, 3, 2])
    result = count(ballots, "stv-scottish", 1)
    exclusion = result.stages[1]
    assert exclusion.candidates == ("B",)
    assert exclusion.non_transferable == 2
    assert exclusion.transfers["A"] == 0


def test_it_draws_a_reproducible_lot_only_when_every_stage_was_equal() -> None:
    ballots = box([["A"], ["B"], ["C"], ["D"]], [3, 3, 5, 5])
    first = count(ballots, "stv-scottish", 2, Options(seed="abc"))
    again = count(ballots, "stv-scottish", 2, Options(seed="abc"))
    assert first.elected == again.elected
    lot = first.tie_breaks[0]
    assert lot.kind == "exclusion"
    assert lot.candidates == ("A", "B")
    assert "lot" in lot.reason and "abc" in lot.reason
    assert first.seed == "abc"
