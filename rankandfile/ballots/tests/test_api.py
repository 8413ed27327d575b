"""The ballot API: cast with a token, read results and the box after close, errors in the documented shape."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rankandfile.ballots import services
from rankandfile.org import services as org_services


def api(member: Any) -> Client:
    _token, raw = org_services.create_api_token(member=member, name="test")
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
