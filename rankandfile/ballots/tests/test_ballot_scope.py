"""A ballot decides only proposals and amendments of its own unit (issue 9, finding 1).

The roll of a ballot is the members of its unit; a proposal of Leeds is for the members of Leeds to decide, so
neither York (a sibling), nor North or National (above), nor a branch below a national proposal may decide it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from rankandfile.ballots import services
from rankandfile.ballots.models import Ballot
from rankandfile.ballots.tests.helpers import draft_ballot, open_ballot
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import RoleType
from rankandfile.proposals import services as proposal_services
from rankandfile.proposals.models import Proposal
from rankandfile.testing import give_role, log_in, make_member


def submitted(org: Any, unit: Any, author: Any, title: str = "Strike fund") -> Proposal:
    made = proposal_services.proposal_create(actor=author, unit=unit, title=title, text=f"{title}.")
    return proposal_services.proposal_submit(actor=author, proposal=made)


@pytest.fixture
def york_officer(org: Any) -> Any:
    """A York member holding `manage_ballots` in York only."""
    role = RoleType.objects.create(unit=org.york, name="York officer", seats=1, capabilities=[MANAGE_BALLOTS])
    officer = make_member("Yara York", org.york)
    give_role(officer, role)
    return officer


def question(actor: Any, unit: Any, **extra: Any) -> Ballot:
    return services.ballot_create(
        actor=actor,
        unit=unit,
        title="Do we?",
        kind="question",
        method="yes-no",
        cutoff_on=timezone.localdate(),
        options=services.options_for(kind="question", proposal=None, alternatives=(), labels=()),
        **extra,
    )


@pytest.mark.parametrize("ballot_unit", ["york", "north", "national"])
def test_it_refuses_a_ballot_of_another_unit_on_a_leeds_proposal(org: Any, ballot_unit: str) -> None:
    subject = submitted(org, org.leeds, org.alice)
    with pytest.raises(ValidationError) as refused:
        question(org.dave, getattr(org, ballot_unit), proposal=subject)
    assert "proposal" in refused.value.message_dict
    assert not Ballot.objects.exists()


def test_it_refuses_a_branch_ballot_on_a_national_proposal(org: Any) -> None:
    subject = submitted(org, org.national, org.alice)
    with pytest.raises(ValidationError):
        question(org.dave, org.leeds, proposal=subject)


def test_it_refuses_a_ballot_of_another_unit_on_an_amendment(org: Any) -> None:
    subject = submitted(org, org.leeds, org.alice)
    amendment = proposal_services.amendment_propose(actor=org.bob, proposal=subject, text="Strike fund of £500.")
    with pytest.raises(ValidationError):
        question(org.dave, org.york, proposal=subject, amendment=amendment)
    with pytest.raises(ValidationError):  # an amendment must come with the proposal it amends
        question(org.dave, org.leeds, proposal=submitted(org, org.leeds, org.bob, "Other"), amendment=amendment)


def test_it_refuses_alternatives_of_another_unit_on_a_choice(org: Any) -> None:
    subject = submitted(org, org.leeds, org.alice)
    foreign = submitted(org, org.york, make_member("Yan York", org.york), "York fund")
    options = [services.OptionSpec(p.title, proposal=p) for p in (subject, foreign)]
    with pytest.raises(ValidationError):
        services.ballot_create(
            actor=org.dave,
            unit=org.leeds,
            title="Which fund?",
            kind="choice",
            method="irv",
            cutoff_on=timezone.localdate(),
            options=[*options, services.OptionSpec("None of these")],
            proposal=subject,
        )


def test_it_still_decides_a_proposal_of_its_own_unit(org: Any) -> None:
    subject = submitted(org, org.leeds, org.alice)
    ballot = question(org.dave, org.leeds, proposal=subject)
    assert ballot.proposal == subject


def test_it_refuses_to_open_a_cross_unit_ballot_made_before_the_rule(org: Any) -> None:
    subject = submitted(org, org.leeds, org.alice)
    ballot = draft_ballot(org, kind="question", method="yes-no", unit=org.york)
    Ballot.objects.filter(pk=ballot.pk).update(proposal=subject)  # as an older version allowed
    with pytest.raises(ValidationError):
        services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(days=1))
    subject.refresh_from_db()
    assert subject.status == "submitted"


def test_it_does_not_apply_a_cross_unit_decision_at_close(org: Any) -> None:
    subject = submitted(org, org.leeds, org.alice)
    ballot = open_ballot(org, kind="question", method="yes-no", unit=org.york)
    Ballot.objects.filter(pk=ballot.pk).update(proposal=subject)  # opened by an older version, which
    Proposal.objects.filter(pk=subject.pk).update(status="on_ballot")  # put the proposal on the ballot
    ballot.refresh_from_db()
    services.ballot_cast(voter=org.dave, ballot=ballot, names=["Yes"])
    closed = services.ballot_close(actor=org.dave, ballot=ballot)
    subject.refresh_from_db()
    assert closed.decision["verdict"] == "carried"
    assert subject.status == "submitted"


def test_the_page_refuses_a_proposal_of_another_unit(org: Any, york_officer: Any) -> None:
    subject = submitted(org, org.leeds, org.alice)
    client = Client()
    log_in(client, york_officer)
    url = f"/units/{org.york.pk}/ballots/new/?kind=question&proposal={subject.pk}"
    assert client.get(url).status_code == 404
    form = {"title": "Take it", "method": "yes-no", "threshold": "majority", "mode": "remote"}
    response = client.post(url, {**form, "cutoff_on": timezone.localdate().isoformat()})
    assert response.status_code == 404
    amendment = proposal_services.amendment_propose(actor=org.bob, proposal=subject, text="Strike fund of £500.")
    assert client.get(f"/units/{org.york.pk}/ballots/new/?amendment={amendment.pk}").status_code == 404
    assert not Ballot.objects.exists()
