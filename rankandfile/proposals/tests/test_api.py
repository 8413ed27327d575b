"""The proposal API: read proposals and counter-proposals; co-sign with a token."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.proposals import services


def api(member: Any) -> Client:
    _token, raw = org_services.api_token_create(member=member, name="test", scopes=SCOPES)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_it_co_signs_and_reports_counter_proposals(org: Any) -> None:
    proposal = services.proposal_submit(
        actor=org.alice,
        proposal=services.proposal_create(actor=org.alice, unit=org.leeds, title="Fund", text="A fund."),
    )
    counter = services.proposal_create(actor=org.bob, unit=org.leeds, title="Other", text="Other.", answers=proposal)
    services.proposal_submit(actor=org.bob, proposal=counter)
    response = api(org.erin).post(f"/api/v1/proposals/{counter.pk}/sign")
    assert response.status_code == 201 and response.json()["signatures"] == 1
    detail = api(org.erin).get(f"/api/v1/proposals/{proposal.pk}").json()
    assert detail["counter_proposals"] == [
        {"id": counter.pk, "title": "Other", "status": "submitted", "signatures": 1, "must_be_on_ballot": False}
    ]
    assert detail["cosigners_required"] == 5
    refused = api(org.bob).post(f"/api/v1/proposals/{counter.pk}/sign")
    assert refused.status_code == 422 and "You wrote this proposal" in refused.json()["detail"][0]["msg"]
