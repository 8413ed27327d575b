"""The count in plain language (counting/explain.py): a sentence per stage, two decimals, outcomes in words."""

from __future__ import annotations

from rankandfile.counting import BallotBox, Options, count, explain, report

CANDIDATES = ["Ann", "Ben", "Cat", "Dee"]
RANKINGS = [["Ann", "Ben"]] * 4 + [["Ben", "Cat"]] * 3 + [["Cat", "Ben"]] * 3 + [["Dee", "Cat"]] * 1


def explained(method: str, seats: int) -> explain.Explained:
    box = BallotBox.from_rankings(CANDIDATES, RANKINGS)
    return explain.explain(report.as_dict(count(box, method, seats, Options(seed="s"))))


def test_it_cuts_figures_to_two_decimals_never_rounding_up() -> None:
    assert explain.two_decimals("3.66666") == "3.66"
    assert explain.two_decimals("4") == "4.00"
    assert explain.two_decimals(None) == ""


def test_it_tells_each_irv_stage_in_a_sentence() -> None:
    result = explained("irv", 1)
    sentences = [s.sentence for s in result.stages]
    assert sentences[0] == "Each ballot counted for its first choice."
    assert sentences[1].startswith("Dee (1.00) had the fewest votes and was excluded.")
    assert "Their ballots passed to the next choice still in the count." in sentences[1]
    assert any("was elected with" in s and "more than half" in s for s in sentences)


def test_it_says_when_a_quota_is_reached_and_writes_outcomes_out() -> None:
    result = explained("stv-scottish", 2)
    assert "The quota to be elected is 4.00 votes." in result.stages[0].sentence
    assert "Ann was elected: 4.00 votes reached the quota of 4.00." in result.stages[0].sentence
    rows = {row.name: row for row in result.rows}
    assert rows["Ann"].outcome == "elected" and rows["Ann"].cells[0].status == "elected"
    assert rows["Dee"].outcome == "excluded"
    assert all(len(row.cells) == len(result.stages) for row in result.rows)
    assert result.residual[0][0] == "Non-transferable"


def test_it_explains_the_last_seats_going_to_those_left() -> None:
    box = BallotBox.from_rankings(CANDIDATES, [["Ann"]] * 5 + [["Ben"]] * 3 + [["Cat"]] * 2 + [["Dee"]])
    result = explain.explain(report.as_dict(count(box, "stv-scottish", 2, Options(seed="s"))))
    assert any("with no more candidates left than seats to fill" in s.sentence for s in result.stages)


def test_it_tells_a_surplus_transfer() -> None:
    result = explained("stv-meek", 2)
    assert any(s.title == "Surplus of Ann" and "Ann's surplus of" in s.sentence for s in result.stages)


def test_a_yes_no_count_reads_as_a_count() -> None:
    box = BallotBox.from_rankings(["Yes", "No", "Abstain"], [["Yes"]] * 3 + [["No"]] * 2)
    result = explain.explain(report.as_dict(count(box, "yes-no", 1, Options(seed="s"))))
    assert result.stages[0].title == "The count"
