"""The meeting API: call a meeting, run its agenda, take part, with the screens' rules and refusals."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES


def api(member: Any) -> Any:
    _token, raw = org_services.api_token_create(member=member, name="test", scopes=SCOPES)
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def call(path: str, body: dict[str, Any] | None = None, *, get: bool = False) -> Any:
        if get:
            return client.get("/api/v1" + path)
        return client.post("/api/v1" + path, body or {}, content_type="application/json")

    return call


MEETING = {
    "title": "Branch meeting",
    "starts_at": "2099-01-01T19:00:00Z",
    "mode": "online",
    "online_link": "https://meet.example.org/leeds",
    "agenda": ["Rent strike", "Any other business"],
}


def test_a_chair_calls_and_runs_a_meeting_and_members_take_part(org: Any) -> None:
    created = api(org.bob)(f"/units/{org.leeds.pk}/meetings", {**MEETING, "chair_id": org.bob.pk})
    assert created.status_code == 201
    meeting = created.json()
    assert [i["title"] for i in meeting["items"]] == ["Rent strike", "Any other business"]
    pk = meeting["id"]
    assert (
        api(org.bob)(f"/meetings/{pk}/open", {"override_reason": "Called early by agreement"}).json()["status"]
        == "open"
    )
    item = api(org.bob)(f"/meetings/{pk}/items", {"title": "Budget"})
    assert item.status_code == 201 and item.json()["position"] == 3
    moved = api(org.bob)(f"/meetings/{pk}/items/{item.json()['id']}/move", {"direction": "up"})
    assert moved.json()["position"] == 2
    assert api(org.alice)(f"/meetings/{pk}/check-in").status_code == 200
    assert api(org.alice)(f"/meetings/{pk}/hand", {"stance": "for"}).status_code == 201
    assert api(org.bob)(f"/meetings/{pk}/speech/next").json()["detail"] == "Alice Member has the floor."
    assert api(org.bob)(f"/meetings/{pk}/speech/end").status_code == 200
    motion = api(org.bob)(f"/meetings/{pk}/motions", {"text": "That the branch backs the strike."})
    assert motion.status_code == 201
    counted = api(org.bob)(f"/meetings/{pk}/motions/{motion.json()['id']}/count", {"votes_for": 1, "votes_against": 0})
    assert counted.json()["result"] == "carried"
    assert [m["result"] for m in api(org.erin)(f"/meetings/{pk}/motions", get=True).json()] == ["carried"]
    assert api(org.bob)(f"/meetings/{pk}/close").json()["status"] == "closed"


def test_members_cannot_run_a_meeting_and_outsiders_cannot_see_it(org: Any) -> None:
    pk = api(org.bob)(f"/units/{org.leeds.pk}/meetings", MEETING).json()["id"]
    refused = api(org.alice)(f"/meetings/{pk}/open")
    assert refused.status_code == 403 and "chair" in refused.json()["detail"]
    assert api(org.alice)(f"/units/{org.leeds.pk}/meetings", MEETING).status_code == 403
    otto_sees = api(org.otto)(f"/meetings/{pk}", get=True)
    assert otto_sees.status_code == 403


def test_it_refuses_with_the_services_message(org: Any) -> None:
    in_person = {**MEETING, "mode": "in_person", "online_link": ""}
    refused = api(org.bob)(f"/units/{org.leeds.pk}/meetings", in_person)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "place"]
    pk = api(org.bob)(f"/units/{org.leeds.pk}/meetings", {**in_person, "place": "Hall"}).json()["id"]
    api(org.bob)(f"/meetings/{pk}/open", {"override_reason": "The hall is ours from now"})
    no_code = api(org.alice)(f"/meetings/{pk}/check-in")
    assert no_code.status_code == 422 and no_code.json()["detail"][0]["loc"] == ["body", "code"]
    nobody = api(org.bob)(f"/meetings/{pk}/speech/end")
    assert nobody.status_code == 422 and nobody.json()["detail"][0]["msg"] == "Nobody is speaking."


def test_the_guards_refuse_with_their_message_and_pass_with_a_reason(org: Any) -> None:
    """Issue 12: opening more than an hour early, more votes than members checked in, a vote while inquorate."""
    pk = api(org.bob)(f"/units/{org.leeds.pk}/meetings", {**MEETING, "quorum": 2}).json()["id"]
    early = api(org.bob)(f"/meetings/{pk}/open")
    assert early.status_code == 422
    assert early.json()["detail"][0]["loc"] == ["body", "override_reason"]
    assert "more than an hour from now" in early.json()["detail"][0]["msg"]
    opened = api(org.bob)(f"/meetings/{pk}/open", {"override_reason": "The members are all here"})
    assert opened.json()["status"] == "open" and opened.json()["opened_at"]
    assert api(org.alice)(f"/meetings/{pk}/check-in").status_code == 200
    motion = api(org.bob)(f"/meetings/{pk}/motions", {"text": "That the branch backs the strike."}).json()
    count = f"/meetings/{pk}/motions/{motion['id']}/count"
    inquorate = api(org.bob)(count, {"votes_for": 1, "votes_against": 0})
    assert inquorate.status_code == 422
    assert "not quorate: 1 checked in, quorum 2" in inquorate.json()["detail"][0]["msg"]
    assert api(org.erin)(f"/meetings/{pk}/check-in").status_code == 200
    over = api(org.bob)(count, {"votes_for": 2, "votes_against": 1})
    assert over.status_code == 422 and "3 votes counted, but only 2 members" in over.json()["detail"][0]["msg"]
    passed = api(org.bob)(count, {"votes_for": 2, "votes_against": 1, "override_reason": "Two members voted by phone"})
    assert passed.status_code == 200 and passed.json()["result"] == "carried"
