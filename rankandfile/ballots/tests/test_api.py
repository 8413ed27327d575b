"""The ballot API: cast with a token, read results and the box after close, errors in the documented shape."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rankandfile.ballots import services
from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES


def api(member: Any) -> Client:
    _token, raw = org_services.api_token_create(member=member, name="test", scopes=SCOPES)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_it_casts_and_returns_the_receipt_and_check_code(org: Any, ranked: Any) -> None:
    response = api(org.alice).post(
        f"/api/v1/ballots/{ranked.pk}/cast", {"marks": ["Cat", "Ben"]}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["content"] == {"ranking": ["Cat", "Ben"]} and len(body["receipt"]) == 64 and len(body["nonce"]) == 32


def test_it_refuses_a_malformed_ranking_field_by_field(org: Any, ranked: Any) -> None:
    response = api(org.alice).post(
        f"/api/v1/ballots/{ranked.pk}/cast", {"marks": ["Cat", "Cat"]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "marks"], "msg": "“Cat” is marked twice: each option may appear once."}]
    }


def test_it_shows_the_count_but_not_the_result_before_close(org: Any, ranked: Any) -> None:
    services.ballot_cast(voter=org.bob, ballot=ranked, names=["Ann"])
    client = api(org.erin)
    assert client.get(f"/api/v1/ballots/{ranked.pk}").json()["cast"] == 1
    result = client.get(f"/api/v1/ballots/{ranked.pk}/results").json()
    assert result["verdict"] is None and result["report"] is None and result["winners"] == []
    assert client.get(f"/api/v1/ballots/{ranked.pk}/box").status_code == 404
    services.ballot_close(actor=org.dave, ballot=ranked)
    result = client.get(f"/api/v1/ballots/{ranked.pk}/results").json()
    assert result["winners"] == ["Ann"] and result["report"]["stages"]
    box = client.get(f"/api/v1/ballots/{ranked.pk}/box").json()
    assert box["format"] == "rankandfile-ballot-box" and box["ballots"][0]["ranking"] == ["Ann"]


def test_a_manager_opens_and_closes_a_ballot_through_the_api(org: Any) -> None:
    from rankandfile.ballots.models import Ballot
    from rankandfile.ballots.tests.helpers import draft_ballot

    ballot = draft_ballot(org, mode="remote")
    client = api(org.dave)
    refused = client.post(f"/api/v1/ballots/{ballot.pk}/open", {}, content_type="application/json")
    assert refused.status_code == 422
    assert "clos" in str(refused.json()["detail"]).lower()  # a remote ballot needs its closing time
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.DRAFT

    opened = client.post(
        f"/api/v1/ballots/{ballot.pk}/open", {"closes_at": "2099-01-01T12:00:00"}, content_type="application/json"
    )
    assert opened.status_code == 200
    assert opened.json()["status"] == "open" and opened.json()["eligible"] == 3  # alice, bob, erin froze on the roll

    services.ballot_cast(voter=org.alice, ballot=Ballot.objects.get(pk=ballot.pk), names=["Ben", "Ann"])
    closed = client.post(f"/api/v1/ballots/{ballot.pk}/close", content_type="application/json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["winners"] == ["Ben"]
    assert client.post(f"/api/v1/ballots/{ballot.pk}/close").status_code == 422  # only an open ballot closes


def test_a_member_without_manage_ballots_cannot_open_or_close(org: Any, ranked: Any) -> None:
    assert api(org.alice).post(f"/api/v1/ballots/{ranked.pk}/close").status_code == 403
