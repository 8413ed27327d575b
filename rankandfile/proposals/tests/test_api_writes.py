"""The proposal API writes what the pages write: propose, counter, revise, submit, amend, decide the rules."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.proposals import selectors


def api(member: Any) -> Any:
    _token, raw = org_services.api_token_create(member=member, name="test", scopes=SCOPES)
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def post(path: str, body: dict[str, Any] | None = None) -> Any:
        return client.post("/api/v1" + path, body or {}, content_type="application/json")

    return post


def test_it_takes_a_proposal_from_draft_to_an_accepted_amendment(org: Any) -> None:
    created = api(org.alice)(f"/units/{org.leeds.pk}/proposals", {"title": "Fund", "text": "A fund."})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    assert api(org.bob)(f"/proposals/{pk}/submit").status_code == 404  # a draft is its author's alone
    revised = api(org.alice)(f"/proposals/{pk}/revisions", {"title": "Fund", "text": "A fund of £100."})
    assert revised.status_code == 201 and revised.json()["revision"] == 2
    assert api(org.alice)(f"/proposals/{pk}/submit").json()["status"] == "submitted"
    amendment = api(org.bob)(f"/proposals/{pk}/amendments", {"text": "A fund of £500.", "rationale": "Rents rose."})
    assert amendment.status_code == 201 and amendment.json()["status"] == "proposed"
    accepted = api(org.alice)(f"/amendments/{amendment.json()['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    proposal = selectors.proposal_by_id(pk)
    assert proposal is not None and proposal.text == "A fund of £500." and proposal.revision == 3


def test_it_refuses_what_the_page_refuses_with_the_services_message(org: Any) -> None:
    pk = api(org.alice)(f"/units/{org.leeds.pk}/proposals", {"title": "Fund", "text": "A fund."}).json()["id"]
    api(org.alice)(f"/proposals/{pk}/submit")
    own = api(org.alice)(f"/proposals/{pk}/amendments", {"text": "Mine."})
    assert own.status_code == 422 and own.json()["detail"][0]["msg"]
    outsider = api(org.carol)(f"/units/{org.leeds.pk}/proposals", {"title": "X", "text": "Y"})
    assert outsider.status_code == 403 and "Leeds" in outsider.json()["detail"]
    blank = api(org.bob)(f"/units/{org.leeds.pk}/proposals", {"title": " ", "text": "Y"})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "title"]


def test_a_counter_proposal_answers_the_proposal(org: Any) -> None:
    pk = api(org.alice)(f"/units/{org.leeds.pk}/proposals", {"title": "Fund", "text": "A fund."}).json()["id"]
    api(org.alice)(f"/proposals/{pk}/submit")
    counter = api(org.bob)(f"/proposals/{pk}/counter-proposals", {"title": "No fund", "text": "A levy."})
    assert counter.status_code == 201 and counter.json()["answers_id"] == pk


def test_only_a_ballot_manager_sets_the_decision_rules(org: Any) -> None:
    body = {"counter_cosigners": 2, "choice_method": "schulze"}
    assert api(org.bob)(f"/units/{org.leeds.pk}/decision-rules", body).status_code == 403
    saved = api(org.dave)(f"/units/{org.leeds.pk}/decision-rules", body)
    assert saved.status_code == 200 and saved.json()["cosigners_required"] == 2
    wrong = api(org.dave)(f"/units/{org.leeds.pk}/decision-rules", {**body, "choice_method": "dice"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "choice_method"]
