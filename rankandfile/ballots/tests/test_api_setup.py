"""Setting up ballots and running elections through the API, with the pages' rules and refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from rankandfile.notifications.models import Notification
from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.proposals import services as proposal_services


def api(member: Any) -> Any:
    _token, raw = org_services.api_token_create(member=member, name="test", scopes=SCOPES)
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def post(path: str, body: dict[str, Any] | None = None) -> Any:
        return client.post("/api/v1" + path, body or {}, content_type="application/json")

    return post


def submitted(org: Any, author: Any, title: str, answers: Any = None) -> Any:
    proposal = proposal_services.proposal_create(
        actor=author, unit=org.leeds, title=title, text=f"{title}.", answers=answers
    )
    return proposal_services.proposal_submit(actor=author, proposal=proposal)


def test_it_sets_up_and_opens_a_question(org: Any) -> None:
    created = api(org.dave)(f"/units/{org.leeds.pk}/ballots", {"title": "Affiliate?", "quorum": 2})
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["method"], body["options"]) == ("draft", "yes-no", ["Yes", "No", "Abstain"])
    opened = api(org.dave)(f"/ballots/{body['id']}/open", {"closes_at": "2099-01-01T12:00:00Z"})
    assert opened.status_code == 200 and opened.json()["status"] == "open"


def test_a_qualifying_counter_proposal_must_join_the_choice_before_it_opens(org: Any) -> None:
    proposal_services.rules_set(
        actor=org.dave, unit=org.leeds, counter_cosigners=1, counter_cosigner_percent=None, choice_method="irv"
    )
    proposal = submitted(org, org.alice, "Fund")
    counter = submitted(org, org.bob, "Levy", answers=proposal)
    proposal_services.proposal_sign(actor=org.erin, proposal=counter)
    body = {"kind": "choice", "title": "Fund or levy", "proposal_id": proposal.pk, "alternative_ids": []}
    ballot = api(org.dave)(f"/units/{org.leeds.pk}/ballots", body).json()
    assert ballot["options"] == ["Fund", "None of these"] and ballot["method"] == "irv"
    refused = api(org.dave)(f"/ballots/{ballot['id']}/open", {"closes_at": "2099-01-01T12:00:00Z"})
    assert refused.status_code == 422 and "Levy" in refused.json()["detail"][0]["msg"]
    changed = api(org.dave)(f"/ballots/{ballot['id']}/alternatives", {"alternative_ids": [counter.pk]})
    assert changed.json()["options"] == ["Fund", "Levy", "None of these"]
    opened = api(org.dave)(f"/ballots/{ballot['id']}/open", {"closes_at": "2099-01-01T12:00:00Z"})
    assert opened.status_code == 200


def test_a_ballot_never_decides_another_units_proposal(org: Any) -> None:
    proposal = submitted(org, org.alice, "Fund")
    response = api(org.dave)(f"/units/{org.york.pk}/ballots", {"title": "Fund?", "proposal_id": proposal.pk})
    assert response.status_code == 404


def test_an_election_runs_from_nominations_to_acclamation(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    treasurer = org_services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer", seats=2)
    created = api(org.dave)(f"/roles/{treasurer.pk}/elections")
    assert created.status_code == 201
    election = created.json()
    # The defaults agree: both seats are vacant, so both are elected, by a method that fills two.
    assert (election["seats"], election["method"]) == (2, "stv-scottish")
    with django_capture_on_commit_callbacks(execute=True):
        nominated = api(org.bob)(f"/elections/{election['id']}/nominations", {"nominee_id": org.alice.pk})
    assert nominated.status_code == 201 and not nominated.json()["is_standing"]
    notice = Notification.objects.get(member=org.alice, kind="ballot.nomination")
    assert "Treasurer" in notice.title
    accepted = api(org.alice)(f"/nominations/{nominated.json()['id']}/accept", {"statement": "I keep books."})
    assert accepted.status_code == 200 and accepted.json()["is_standing"]
    standing = api(org.erin)(f"/elections/{election['id']}/nominations", {"nominee_id": org.erin.pk, "statement": "Me"})
    assert standing.json()["is_standing"]
    early = api(org.dave)(f"/elections/{election['id']}/close-nominations")
    assert early.status_code == 422 and "whole period" in early.json()["detail"][0]["msg"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        closed = api(org.dave)(f"/elections/{election['id']}/close-nominations")
    assert closed.status_code == 200 and closed.json()["status"] == "acclaimed"
    assert set(treasurer.terms.values_list("holder_id", flat=True)) == {org.alice.pk, org.erin.pk}


def test_only_the_nominee_declines(org: Any) -> None:
    election = api(org.dave)(f"/roles/{org.chair_role.pk}/elections", {"seats": 1}).json()
    nomination = api(org.bob)(f"/elections/{election['id']}/nominations", {"nominee_id": org.alice.pk}).json()
    assert api(org.bob)(f"/nominations/{nomination['id']}/withdraw").status_code == 404
    declined = api(org.alice)(f"/nominations/{nomination['id']}/withdraw")
    assert declined.status_code == 200 and declined.json()["withdrawn_at"] is not None


def test_an_election_method_that_does_not_fit_the_seats_is_refused(org: Any) -> None:
    treasurer = org_services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer", seats=2)
    response = api(org.dave)(f"/roles/{treasurer.pk}/elections", {"seats": 2, "method": "irv"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "method"]
