"""A survey's figures need five responses on every surface: page, API, box, download, receipt check, audit.

Issue 9, finding 3: `GET /api/v1/ballots/{id}/results` returned the winner and totals of a one-response survey.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rankandfile.audit.models import AuditEntry
from rankandfile.ballots import services
from rankandfile.ballots.tests.helpers import open_ballot, voters
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.services import api_token_create

LABELS = ("Often", "Sometimes", "Never")


def closed_survey(org: Any, responses: int) -> Any:
    members = voters(org.leeds, responses)
    survey = open_ballot(org, kind="survey", method="plurality", labels=LABELS)
    for member in members:
        services.ballot_cast(voter=member, ballot=survey, names=["Sometimes"])
    return services.ballot_close(actor=org.dave, ballot=survey)


def api(member: Any) -> Client:
    _token, raw = api_token_create(member=member, name="test", scopes=SCOPES)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def reveals(text: str) -> bool:
    """Whether a response names the answer given (the only figure a one-answer survey has)."""
    return "Sometimes" in text


def test_the_api_withholds_a_one_response_survey(org: Any) -> None:
    survey = closed_survey(org, 1)
    response = api(org.alice).get(f"/api/v1/ballots/{survey.pk}/results")
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "surveyed" and body["figures_withheld"] is True
    assert body["winners"] == [] and body["report"] is None
    assert not reveals(response.content.decode())


def test_closing_through_the_api_withholds_it_too(org: Any) -> None:
    members = voters(org.leeds, 1)
    survey = open_ballot(org, kind="survey", method="plurality", labels=LABELS)
    services.ballot_cast(voter=members[0], ballot=survey, names=["Sometimes"])
    response = api(org.dave).post(f"/api/v1/ballots/{survey.pk}/close")
    assert response.status_code == 200 and response.json()["winners"] == []
    assert not reveals(response.content.decode())


def test_no_page_shows_a_one_response_survey(org: Any) -> None:
    survey = closed_survey(org, 1)
    client = Client()
    client.force_login(org.alice)
    page = client.get(f"/ballots/{survey.pk}/results/")
    assert page.status_code == 200 and not reveals(page.content.decode().split("<main", 1)[-1].split("</h1>", 1)[-1])
    for name in ("box", "box.json", "receipt"):
        assert client.get(f"/ballots/{survey.pk}/{name}" + ("" if "." in name else "/")).status_code == 404
    assert api(org.alice).get(f"/api/v1/ballots/{survey.pk}/box").status_code == 404


def test_the_audit_chain_keeps_no_figure_of_a_one_response_survey(org: Any) -> None:
    survey = closed_survey(org, 1)
    entries = AuditEntry.objects.filter(object_type="ballots.ballot", object_id=str(survey.pk))
    payloads = json.dumps([e.payload for e in entries])
    assert entries.filter(action="ballot.publish").exists()
    assert not reveals(payloads.replace(json.dumps(list(LABELS))[1:-1], ""))  # the options are listed at opening


@pytest.mark.parametrize("responses", [5, 6])
def test_it_shows_the_figures_from_five_responses(org: Any, responses: int) -> None:
    survey = closed_survey(org, responses)
    body = api(org.alice).get(f"/api/v1/ballots/{survey.pk}/results").json()
    assert body["winners"] == ["Sometimes"] and body["report"] is not None and body["figures_withheld"] is False
