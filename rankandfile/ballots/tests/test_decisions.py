"""What closing a ballot does to the proposals it decides: adopted, rejected, or back to debate."""

from __future__ import annotations

from typing import Any

from rankandfile.ballots import services
from rankandfile.ballots.tests.helpers import open_ballot, voters
from rankandfile.proposals import services as proposal_services


def proposal(org: Any, title: str = "Strike fund", answers: Any = None, author: Any = None) -> Any:
    made = proposal_services.proposal_create(
        actor=author or org.alice, unit=org.leeds, title=title, text=f"{title}.", answers=answers
    )
    return proposal_services.proposal_submit(actor=author or org.alice, proposal=made)


def vote(ballot: Any, members: list[Any], choices: list[list[str]]) -> Any:
    for member, names in zip(members, choices, strict=True):
        services.ballot_cast(voter=member, ballot=ballot, names=names)


def test_it_adopts_a_proposal_when_the_question_carries(org: Any) -> None:
    subject = proposal(org)
    ballot = open_ballot(org, kind="question", method="yes-no", proposal=subject)
    vote(ballot, [org.alice, org.bob, org.erin], [["Yes"], ["Yes"], ["No"]])
    services.ballot_close(actor=org.dave, ballot=ballot)
    subject.refresh_from_db()
    assert subject.status == "adopted" and subject.decided_at is not None


def test_it_rejects_a_proposal_short_of_two_thirds(org: Any) -> None:
    subject = proposal(org)
    more = voters(org.leeds, 2)
    ballot = open_ballot(org, kind="question", method="yes-no", threshold="two-thirds", proposal=subject)
    vote(ballot, [org.alice, org.bob, org.erin, *more], [["Yes"], ["Yes"], ["No"], ["No"], ["Abstain"]])
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    subject.refresh_from_db()
    assert ballot.decision["verdict"] == "not_carried" and subject.status == "rejected"


def test_it_needs_an_absolute_majority_of_the_eligible_when_asked(org: Any) -> None:
    subject = proposal(org)
    more = voters(org.leeds, 3)  # six eligible: an absolute majority is four
    ballot = open_ballot(org, kind="question", method="yes-no", threshold="absolute", proposal=subject)
    vote(ballot, [org.alice, org.bob, org.erin], [["Yes"], ["Yes"], ["Yes"]])
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    assert ballot.eligible_count == 3 + len(more) and ballot.decision["verdict"] == "not_carried"


def test_it_sends_a_proposal_back_to_debate_without_quorum(org: Any) -> None:
    subject = proposal(org)
    ballot = open_ballot(org, kind="question", method="yes-no", quorum=3, proposal=subject)
    vote(ballot, [org.alice, org.bob], [["Yes"], ["Yes"]])
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    subject.refresh_from_db()
    assert ballot.decision == {"verdict": "no_quorum", "winners": [], "quorum_met": False, "valid": 2, "invalid": 0}
    assert subject.status == "submitted"


def test_it_adopts_the_counter_proposal_that_wins_the_choice(org: Any) -> None:
    main = proposal(org)
    counter = proposal(org, "Hardship fund", answers=main, author=org.bob)
    more = voters(org.leeds, 2)
    ballot = open_ballot(org, kind="choice", method="schulze", proposal=main, alternatives=[counter])
    vote(
        ballot,
        [org.alice, org.bob, org.erin, *more],
        [
            ["Strike fund"],
            ["Hardship fund", "None of these"],
            ["Hardship fund"],
            ["None of these", "Hardship fund"],
            ["Hardship fund", "Strike fund"],
        ],
    )
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    main.refresh_from_db()
    counter.refresh_from_db()
    assert ballot.decision["winners"] == ["Hardship fund"]
    assert (main.status, counter.status) == ("rejected", "adopted")


def test_it_adopts_nothing_when_none_of_these_wins(org: Any) -> None:
    main = proposal(org)
    ballot = open_ballot(org, kind="choice", method="irv", proposal=main)
    vote(ballot, [org.alice, org.bob, org.erin], [["None of these"], ["None of these"], ["Strike fund"]])
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    main.refresh_from_db()
    assert ballot.decision["winners"] == ["None of these"] and main.status == "rejected"
