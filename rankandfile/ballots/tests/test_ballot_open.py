"""ballot_open: the roll freezes, and the rules of DESIGN §5 are enforced before anyone votes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.ballots import services
from rankandfile.ballots.models import Ballot, EligibleVoter
from rankandfile.ballots.tests.helpers import draft_ballot
from rankandfile.org.models import Membership
from rankandfile.proposals import services as proposal_services
from rankandfile.testing import make_member

LATER = dt.timedelta(days=3)


def open_now(org: Any, ballot: Ballot) -> Ballot:
    return services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() + LATER)


def proposal_with_counter(org: Any, signatures: int) -> tuple[Any, Any]:
    proposal = proposal_services.proposal_create(actor=org.alice, unit=org.leeds, title="Strike fund", text="A fund.")
    proposal_services.proposal_submit(actor=org.alice, proposal=proposal)
    counter = proposal_services.proposal_create(
        actor=org.bob, unit=org.leeds, title="Hardship fund", text="A hardship fund instead.", answers=proposal
    )
    proposal_services.proposal_submit(actor=org.bob, proposal=counter)
    for i in range(signatures):
        proposal_services.proposal_sign(actor=make_member(f"Signer {i}", org.leeds), proposal=counter)
    return proposal, counter


def test_it_freezes_the_roll_of_members_in_good_standing_of_the_unit(org: Any) -> None:
    ballot = open_now(org, draft_ballot(org))
    roll = set(EligibleVoter.objects.filter(ballot=ballot).values_list("member__full_name", flat=True))
    # Frank has lapsed; Carol and Dave belong to York.
    assert roll == {"Alice Member", "Bob Chair", "Erin Committee"}
    assert ballot.eligible_count == 3 and ballot.status == "open"
    make_member("Late Joiner", org.leeds)
    assert EligibleVoter.objects.filter(ballot=ballot).count() == 3


def test_it_leaves_off_members_who_joined_after_the_cut_off(org: Any) -> None:
    Membership.objects.filter(member=org.erin).update(joined_on=timezone.localdate())
    ballot = draft_ballot(org)
    Ballot.objects.filter(pk=ballot.pk).update(cutoff_on=timezone.localdate() - dt.timedelta(days=1))
    Membership.objects.filter(member__in=[org.alice, org.bob]).update(
        joined_on=timezone.localdate() - dt.timedelta(days=10)
    )
    ballot.refresh_from_db()
    ballot = open_now(org, ballot)
    assert set(EligibleVoter.objects.filter(ballot=ballot).values_list("member_id", flat=True)) == {
        org.alice.pk,
        org.bob.pk,
    }


def test_it_takes_the_members_of_the_units_inside(org: Any) -> None:
    ballot = open_now(org, draft_ballot(org, unit=org.north))
    assert ballot.eligible_count == 6  # alice, bob, erin (Leeds), carol, dave, otto (York)


def test_it_puts_a_member_of_two_units_inside_on_the_roll_once(org: Any) -> None:
    # The roll is copied inside the database (INSERT ... SELECT): the join through memberships must stay distinct.
    Membership.objects.create(member=org.alice, unit=org.york, joined_on=timezone.localdate() - LATER * 10)
    ballot = open_now(org, draft_ballot(org, unit=org.north))
    assert ballot.eligible_count == 6
    assert EligibleVoter.objects.filter(ballot=ballot, member=org.alice).count() == 1


def test_it_needs_manage_ballots(org: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.ballot_open(actor=org.bob, ballot=draft_ballot(org), closes_at=timezone.now() + LATER)


def test_it_refuses_a_remote_ballot_without_a_future_closing_time(org: Any) -> None:
    ballot = draft_ballot(org)
    with pytest.raises(ValidationError, match="needs a closing time"):
        services.ballot_open(actor=org.dave, ballot=ballot)
    with pytest.raises(ValidationError, match="in the future"):
        services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() - LATER)
    ballot.refresh_from_db()
    assert ballot.status == "draft" and not EligibleVoter.objects.exists()


def test_it_opens_an_in_meeting_ballot_without_a_closing_time(org: Any) -> None:
    ballot = services.ballot_open(actor=org.dave, ballot=draft_ballot(org, mode="in_meeting"))
    assert ballot.status == "open" and ballot.closes_at is None


def test_it_refuses_to_open_twice(org: Any) -> None:
    ballot = open_now(org, draft_ballot(org))
    with pytest.raises(ValidationError, match="already been opened"):
        open_now(org, ballot)


def test_it_refuses_a_ballot_on_a_proposal_without_its_qualifying_counter_proposal(org: Any) -> None:
    proposal, _counter = proposal_with_counter(org, signatures=5)
    ballot = draft_ballot(org, kind="question", method="yes-no", proposal=proposal)
    with pytest.raises(ValidationError) as refused:
        open_now(org, ballot)
    message = " ".join(refused.value.messages)
    assert "“Hardship fund” has 5 co-signers (the rule is 5), so it must be on the same ballot" in message
    ballot.refresh_from_db()
    proposal.refresh_from_db()
    assert ballot.status == "draft" and proposal.status == "submitted"


def test_it_opens_once_the_qualifying_counter_proposal_is_on_the_ballot(org: Any) -> None:
    proposal, counter = proposal_with_counter(org, signatures=5)
    ballot = draft_ballot(org, kind="choice", method="irv", proposal=proposal)
    with pytest.raises(ValidationError, match="must be on the same ballot"):
        open_now(org, ballot)
    services.ballot_set_alternatives(actor=org.dave, ballot=ballot, alternatives=[counter])
    ballot = open_now(org, ballot)
    assert [o.label for o in ballot.options.all()] == ["Strike fund", "Hardship fund", "None of these"]
    proposal.refresh_from_db()
    counter.refresh_from_db()
    assert proposal.status == counter.status == "on_ballot"


def test_it_does_not_require_a_counter_proposal_short_of_co_signers(org: Any) -> None:
    proposal, _counter = proposal_with_counter(org, signatures=4)
    ballot = open_now(org, draft_ballot(org, kind="question", method="yes-no", proposal=proposal))
    assert ballot.status == "open"


def test_it_decides_pending_amendments_before_the_main_question(org: Any) -> None:
    proposal, _counter = proposal_with_counter(org, signatures=0)
    amendment = proposal_services.amendment_propose(actor=org.erin, proposal=proposal, text="A bigger fund.")
    main = draft_ballot(org, kind="question", method="yes-no", proposal=proposal)
    with pytest.raises(ValidationError, match=f"Amendment {amendment.pk} by Erin Committee is still pending"):
        open_now(org, main)
    vote = draft_ballot(
        org, kind="question", method="yes-no", proposal=proposal, amendment=amendment, title="Amendment"
    )
    vote = open_now(org, vote)
    for member, choice in ((org.alice, "No"), (org.bob, "Yes"), (org.erin, "Yes")):
        services.ballot_cast(voter=member, ballot=vote, names=[choice])
    services.ballot_close(actor=org.dave, ballot=vote)
    amendment.refresh_from_db()
    proposal.refresh_from_db()
    assert amendment.status == "adopted" and proposal.text == "A bigger fund." and proposal.revision == 2
    assert open_now(org, main).status == "open"


def test_it_refuses_a_ballot_on_a_withdrawn_proposal(org: Any) -> None:
    proposal, _counter = proposal_with_counter(org, signatures=0)
    ballot = draft_ballot(org, kind="question", method="yes-no", proposal=proposal)
    proposal_services.proposal_withdraw(actor=org.alice, proposal=proposal)
    with pytest.raises(ValidationError, match="not open for a vote"):
        open_now(org, ballot)


def test_it_refuses_a_ballot_nobody_may_vote_in(org: Any) -> None:
    Membership.objects.filter(unit=org.leeds).update(status="lapsed")
    with pytest.raises(ValidationError, match="Nobody is eligible"):
        open_now(org, draft_ballot(org))


@pytest.mark.parametrize(
    ("setup", "field"),
    [
        ({"kind": "election", "method": "irv", "seats": 2, "labels": ("Ann", "Ben", "Cat")}, "seats"),
        ({"kind": "election", "method": "stv-scottish", "seats": 3, "labels": ("Ann", "Ben", "Cat")}, "options"),
        ({"kind": "question", "method": "irv"}, "method"),
        ({"kind": "survey", "method": "plurality", "labels": ("Only one",)}, "options"),
    ],
)
def test_it_refuses_a_setup_that_cannot_be_counted(org: Any, setup: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        draft_ballot(org, **setup)
    assert field in refused.value.message_dict
    assert not Ballot.objects.exists()
