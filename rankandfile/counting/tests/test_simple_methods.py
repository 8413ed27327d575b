"""Yes/no with thresholds and quorum, plurality, approval."""

from __future__ import annotations

import pytest

from rankandfile.counting import BallotBox, CountError, Options, count

YES_NO = ["Yes", "No", "Abstain"]


def motion(yes: int, no: int, abstain: int, blank: int = 0) -> BallotBox:
    rows = [(r, w) for r, w in ((["Yes"], yes), (["No"], no), (["Abstain"], abstain), ([], blank)) if w]
    return BallotBox.from_rankings(YES_NO, [r for r, _ in rows], [w for _, w in rows])


@pytest.mark.parametrize(
    ("yes", "no", "threshold", "carried"),
    [
        (11, 10, "majority", True),
        (10, 10, "majority", False),
        (20, 10, "two-thirds", True),
        (19, 10, "two-thirds", False),
    ],
)
def test_it_applies_the_threshold_to_votes_cast(yes: int, no: int, threshold: str, carried: bool) -> None:
    result = count(motion(yes, no, 50), "yes-no", options=Options(threshold=threshold))  # type: ignore[arg-type]
    assert result.outcome == ("carried" if carried else "not carried")
    assert result.elected == (("Yes",) if carried else ())


def test_it_measures_an_absolute_majority_against_the_eligible_members() -> None:
    assert count(motion(51, 0, 0), "yes-no", options=Options(threshold="absolute", eligible=100)).outcome == "carried"
    assert count(motion(50, 0, 0), "yes-no", options=Options(threshold="absolute", eligible=100)).outcome == (
        "not carried"
    )
    with pytest.raises(CountError, match="eligible"):
        count(motion(1, 0, 0), "yes-no", options=Options(threshold="absolute"))


def test_it_counts_abstentions_for_the_quorum_and_sets_blank_ballots_aside() -> None:
    result = count(motion(3, 1, 6, blank=2), "yes-no", options=Options(quorum=10))
    assert result.valid_ballots == 10
    assert result.invalid_ballots == 2
    assert result.outcome == "carried"
    assert count(motion(3, 1, 5), "yes-no", options=Options(quorum=10)).outcome == "no quorum"


def test_it_refuses_choices_other_than_yes_no_abstain() -> None:
    box = BallotBox.from_rankings(["Yes", "Maybe"], [["Yes"]])
    with pytest.raises(CountError, match="yes, no"):
        count(box, "yes-no")


def test_it_elects_the_most_first_preferences_and_voids_double_marks() -> None:
    box = BallotBox.from_rankings(["A", "B", "C"], [["A"], ["B", "A"], [["A", "C"]], ["C"]], [5, 4, 2, 1])
    result = count(box, "plurality")
    assert result.elected == ("A",)
    assert result.stages[0].totals == {"A": 5, "B": 4, "C": 1}
    assert [(i.reason, i.count) for i in result.invalid] == [("more than one choice marked", 2)]


def test_it_elects_the_most_approved_for_several_seats() -> None:
    box = BallotBox.from_rankings(["A", "B", "C", "D"], [[["A", "B"]], [["B", "C"]], ["D"], []], [3, 2, 4, 1])
    result = count(box, "approval", 2)
    assert result.stages[0].totals == {"A": 3, "B": 5, "C": 2, "D": 4}
    assert result.elected == ("B", "D")
    assert result.invalid_ballots == 1


def test_it_draws_the_last_seat_by_a_reproducible_lot_on_equal_votes() -> None:
    box = BallotBox.from_rankings(["A", "B", "C"], [["A"], ["B"], ["C"]], [5, 3, 3])
    first = count(box, "plurality", 2, Options(seed="x"))
    assert first.elected[0] == "A"
    assert first.elected == count(box, "plurality", 2, Options(seed="x")).elected
    assert first.tie_breaks[0].candidates == ("B", "C")
    assert "lot" in first.tie_breaks[0].reason


@pytest.mark.parametrize("method", ["plurality", "approval", "irv", "stv-scottish", "stv-meek", "schulze"])
def test_it_elects_nobody_when_no_ballot_is_valid(method: str) -> None:
    box = BallotBox.from_rankings(["A", "B"], [[], []])
    result = count(box, method, 1, Options(seed="x"))
    assert result.elected == ()
    assert result.invalid_ballots == 2
    assert any("nobody" in note for note in result.notes)
