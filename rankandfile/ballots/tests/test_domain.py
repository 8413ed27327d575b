"""The pure rules of ballots: marks, receipts, what a count decides, and which setups can be counted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankandfile.ballots.domain import kinds, marks, outcome, receipts
from rankandfile.ballots.domain.kinds import Mark
from rankandfile.ballots.domain.marks import MarkError, Problem

OPTIONS = ["Ann", "Ben", "Cat"]


def test_it_keeps_a_ranking_in_the_voter_s_order() -> None:
    assert marks.check(Mark.RANK, ["Cat", "Ann"], OPTIONS) == {"ranking": ["Cat", "Ann"]}


@pytest.mark.parametrize(
    ("mark", "names", "problem"),
    [
        (Mark.RANK, ["Ann", "Ann"], Problem.DUPLICATE),
        (Mark.RANK, ["Ann", "Zed"], Problem.UNKNOWN),
        (Mark.RANK, [], Problem.EMPTY),
        (Mark.ONE, ["Ann", "Ben"], Problem.TOO_MANY),
        (Mark.MANY, ["Ben", "Ben"], Problem.DUPLICATE),
    ],
)
def test_it_refuses_malformed_marks(mark: Mark, names: list[str], problem: Problem) -> None:
    with pytest.raises(MarkError) as refused:
        marks.check(mark, names, OPTIONS)
    assert refused.value.problem == problem


def test_it_stores_approvals_in_the_ballot_s_order() -> None:
    assert marks.check(Mark.MANY, ["Cat", "Ann"], OPTIONS) == {"choices": ["Ann", "Cat"]}


def test_it_reads_the_fallback_rank_numbers_and_closes_gaps() -> None:
    assert marks.ranking_from_numbers({"Ann": "3", "Ben": "", "Cat": "1"}, OPTIONS) == ["Cat", "Ann"]


@pytest.mark.parametrize(
    ("numbers", "problem"),
    [({"Ann": "1", "Cat": "1"}, Problem.SAME_RANK), ({"Ann": "x"}, Problem.BAD_RANK), ({"Ann": "0"}, Problem.BAD_RANK)],
)
def test_it_refuses_equal_or_nonsense_rank_numbers(numbers: dict[str, str], problem: Problem) -> None:
    with pytest.raises(MarkError) as refused:
        marks.ranking_from_numbers(numbers, OPTIONS)
    assert refused.value.problem == problem


@given(st.permutations(OPTIONS), st.integers(min_value=1, max_value=3))
def test_it_accepts_every_ranking_without_repeats(order: list[str], length: int) -> None:
    assert marks.check(Mark.RANK, order[:length], OPTIONS)["ranking"] == order[:length]


def test_it_makes_a_receipt_that_changes_with_the_ballot_the_content_and_the_nonce() -> None:
    nonce = receipts.new_nonce()
    content = {"ranking": ["Ann", "Ben"]}
    receipt = receipts.receipt_for("ballot-1", content, nonce)
    assert len(receipt) == 64 and receipts.matches("ballot-1", content, nonce, receipt)
    assert not receipts.matches("ballot-2", content, nonce, receipt)
    assert not receipts.matches("ballot-1", {"ranking": ["Ben", "Ann"]}, nonce, receipt)
    assert not receipts.matches("ballot-1", content, receipts.new_nonce(), receipt)


def test_it_reads_a_receipt_written_in_groups() -> None:
    code = "ab" * 32
    assert receipts.normalize(receipts.grouped(code).upper()) == code


def test_it_carries_a_question_only_when_the_count_says_yes() -> None:
    assert outcome.decide("question", ("Yes",), "carried", None, 10).verdict == outcome.Verdict.CARRIED
    assert outcome.decide("question", (), "not carried", None, 10).verdict == outcome.Verdict.NOT_CARRIED
    assert outcome.decide("question", (), "no quorum", 50, 10).verdict == outcome.Verdict.NO_QUORUM


def test_it_decides_nothing_below_the_quorum() -> None:
    assert outcome.decide("election", ("Ann",), None, 20, 19) == outcome.Decision(outcome.Verdict.NO_QUORUM, (), False)
    assert outcome.decide("election", ("Ann",), None, 20, 20).winners == ("Ann",)


def test_it_adopts_nothing_when_none_of_these_wins() -> None:
    decision = outcome.decide("choice", (kinds.NONE_OF_THESE,), None, None, 5)
    assert decision.none_of_these and decision.is_decided


def test_it_decides_nothing_without_ballots() -> None:
    assert outcome.decide("choice", (), None, None, 0).verdict == outcome.Verdict.NO_BALLOTS


def test_it_checks_that_a_setup_can_be_counted() -> None:
    assert kinds.setup_problems("election", "stv-meek", 2, 4) == {}
    assert kinds.setup_problems("choice", "stv-meek", 1, 3) == {"method": "method does not fit kind"}
    assert kinds.setup_problems("election", "irv", 2, 4) == {"seats": "one seat only"}
    assert kinds.setup_problems("election", "approval", 2, 2) == {"options": "no more candidates than seats"}
