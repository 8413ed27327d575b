"""The recall API does what the recall pages do, with their rules: list and read petitions (who signed hidden until
the petition closes), start one, sign, withdraw a signature, the officer's response. Every refusal: 404 for what the
member may not see, 403 for the access rule, 422 with the service's message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.models import RoleTerm
from rankandfile.recall import services
from rankandfile.recall.models import Petition
from rankandfile.testing import make_member, other_unit_officer

STATEMENT = "Bob ignored **three** branch decisions."


def api(member: Any) -> Any:
    _token, raw = org_services.api_token_create(member=member, name="test", scopes=SCOPES)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def get(member: Any, path: str) -> Any:
    return api(member).get("/api/v1" + path)


def post(member: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return api(member).post("/api/v1" + path, body or {}, content_type="application/json")


def refused(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.content
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else " ".join(d["msg"] for d in detail)
    assert words in text, text


@pytest.fixture
def bob_term(org: Any) -> RoleTerm:
    return RoleTerm.objects.get(holder=org.bob, role_type=org.chair_role)


@pytest.fixture
def leeds_members(org: Any) -> list[Any]:
    """Seven more members of Leeds: ten in good standing with alice, bob and erin, so 5 signatures are needed."""
    return [make_member(f"Leeds Member {i}", org.leeds) for i in range(7)]


@pytest.fixture
def petition(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> Petition:
    return services.petition_start(actor=org.alice, term=bob_term, statement=STATEMENT)


def set_status(petition: Petition, status: str) -> None:
    Petition.objects.filter(pk=petition.pk).update(status=status, closed_at=timezone.now(), decided_at=timezone.now())


# --- reading --------------------------------------------------------------------------------------------------
def test_it_lists_the_units_petitions_and_reads_one_without_its_signers_while_open(
    org: Any, petition: Petition
) -> None:
    services.petition_sign(actor=org.erin, petition=petition)
    listed = get(org.bob, f"/units/{org.leeds.pk}/recall-petitions")
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == petition.pk and row["signatures"] == 2 and row["signatures_required"] == 5
    assert row["officer_id"] == org.bob.pk and row["role"] == org.chair_role.name and row["status"] == "open"
    for viewer in (org.bob, org.dave, org.erin):  # the officer named, an officer over Leeds, a signer
        body = get(viewer, f"/recall-petitions/{petition.pk}").json()
        assert body["signers"] is None and body["started_by_id"] is None and body["signatures"] == 2
        assert org.erin.full_name not in str(body) and org.alice.full_name not in str(body)
    mine = get(org.erin, f"/recall-petitions/{petition.pk}").json()
    assert mine["you_signed"] and mine["you_are_on_roll"]


def test_who_signed_is_public_once_the_petition_closes(org: Any, petition: Petition) -> None:
    set_status(petition, "lapsed")
    body = get(org.bob, f"/recall-petitions/{petition.pk}").json()
    assert [s["member_id"] for s in body["signers"]] == [org.alice.pk] and body["started_by_id"] == org.alice.pk


def test_another_units_members_and_officers_see_nothing(org: Any, petition: Petition) -> None:
    yuri = other_unit_officer(org)
    refused(get(yuri, f"/recall-petitions/{petition.pk}"), 404, "No such petition")
    refused(get(yuri, f"/units/{org.leeds.pk}/recall-petitions"), 404, "No recalls")
    refused(post(yuri, f"/recall-petitions/{petition.pk}/sign"), 404, "No such petition")


# --- starting ---------------------------------------------------------------------------------------------------
def test_a_member_starts_a_petition_with_her_signature(org: Any, bob_term: RoleTerm, leeds_members: Any) -> None:
    started = post(org.erin, f"/terms/{bob_term.pk}/recall-petitions", {"statement": f"  {STATEMENT} "})
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["statement"] == STATEMENT and body["signatures"] == 1 and body["you_signed"]
    assert body["started_by_id"] is None  # the starter is the first signature: hidden while the petition is open
    assert Petition.objects.get(pk=body["id"]).started_by == org.erin


def test_it_refuses_a_start_as_the_page_does(org: Any, bob_term: RoleTerm, petition: Petition) -> None:
    path = f"/terms/{bob_term.pk}/recall-petitions"
    refused(post(org.bob, path, {"statement": STATEMENT}), 403, "against yourself")
    refused(post(org.carol, path, {"statement": STATEMENT}), 403, "Only members of Leeds")
    refused(post(org.erin, path, {"statement": STATEMENT}), 422, "already under way")
    refused(post(org.erin, f"/terms/{bob_term.pk + 1000}/recall-petitions", {"statement": STATEMENT}), 404, "term")
    set_status(petition, "lapsed")
    blank = post(org.erin, path, {"statement": "  "})
    refused(blank, 422, "statement of reasons")
    assert blank.json()["detail"][0]["loc"] == ["body", "statement"]
    refused(post(org.erin, path, {"statement": "x" * (services.STATEMENT_MAX + 1)}), 422, "under 20000")
    refused(post(org.erin, path, {}), 422, "Field required")


def test_it_refuses_a_new_petition_soon_after_a_failed_recall(org: Any, bob_term: RoleTerm, petition: Petition) -> None:
    set_status(petition, "failed")
    refused(post(org.erin, f"/terms/{bob_term.pk}/recall-petitions", {"statement": STATEMENT}), 422, "may start on")


def test_it_refuses_a_petition_against_a_term_that_ended(org: Any, bob_term: RoleTerm) -> None:
    bob_term.ends_on = timezone.localdate()
    bob_term.save(update_fields=["ends_on"])
    refused(post(org.alice, f"/terms/{bob_term.pk}/recall-petitions", {"statement": STATEMENT}), 422, "not current")


# --- signing and withdrawing ----------------------------------------------------------------------------------
def test_signing_to_the_threshold_opens_the_ballot_and_shows_who_signed(
    org: Any, petition: Petition, leeds_members: list[Any]
) -> None:
    signed = post(org.erin, f"/recall-petitions/{petition.pk}/sign")
    assert signed.status_code == 201 and signed.json()["signatures"] == 2 and signed.json()["you_signed"]
    for member in leeds_members[:3]:
        assert post(member, f"/recall-petitions/{petition.pk}/sign").status_code == 201
    body = get(org.bob, f"/recall-petitions/{petition.pk}").json()
    assert body["status"] == "ballot" and body["ballot_id"] is not None
    assert {s["member_id"] for s in body["signers"]} == {org.alice.pk, org.erin.pk, *(m.pk for m in leeds_members[:3])}
    refused(post(leeds_members[3], f"/recall-petitions/{petition.pk}/sign"), 422, "no longer collecting")


def test_it_refuses_a_signature_as_the_page_does(org: Any, petition: Petition) -> None:
    path = f"/recall-petitions/{petition.pk}/sign"
    refused(post(org.bob, path), 422, "you cannot sign it")
    refused(post(org.alice, path), 422, "already signed")
    refused(post(org.carol, path), 403, "Only members of Leeds")
    newcomer = make_member("New Member", org.leeds)
    refused(post(newcomer, path), 422, "when the petition started")
    refused(post(org.erin, f"/recall-petitions/{petition.pk + 1000}/sign"), 404, "No such petition")


def test_it_refuses_a_signature_after_the_lapse_or_the_terms_end(
    org: Any, bob_term: RoleTerm, petition: Petition
) -> None:
    path = f"/recall-petitions/{petition.pk}/sign"
    with time_machine.travel(petition.lapses_at + dt.timedelta(minutes=1)):
        refused(post(org.erin, path), 422, "has lapsed")
    bob_term.ends_on = timezone.localdate()
    bob_term.save(update_fields=["ends_on"])
    refused(post(org.erin, path), 422, "The term has ended")


def test_a_signer_withdraws_and_nobody_else_can(org: Any, petition: Petition) -> None:
    path = f"/recall-petitions/{petition.pk}/unsign"
    refused(post(org.erin, path), 422, "You have not signed")
    withdrawn = post(org.alice, path)
    assert withdrawn.status_code == 200 and withdrawn.json()["signatures"] == 0 and not withdrawn.json()["you_signed"]
    post(org.alice, f"/recall-petitions/{petition.pk}/sign")
    set_status(petition, "lapsed")
    refused(post(org.alice, path), 422, "no longer collecting")


# --- the officer's response -------------------------------------------------------------------------------------
def test_the_officer_publishes_and_revises_a_response(org: Any, petition: Petition) -> None:
    path = f"/recall-petitions/{petition.pk}/response"
    first = post(org.bob, path, {"response": " I followed the line. "})
    assert first.status_code == 200 and first.json()["response"] == "I followed the line."
    assert first.json()["responded_at"] is not None
    assert post(org.bob, path, {"response": "Revised."}).json()["response"] == "Revised."
    assert get(org.alice, f"/recall-petitions/{petition.pk}").json()["response"] == "Revised."


def test_it_refuses_a_response_as_the_page_does(org: Any, petition: Petition) -> None:
    path = f"/recall-petitions/{petition.pk}/response"
    refused(post(org.alice, path, {"response": "Not mine."}), 403, "Only the officer named")
    refused(post(org.dave, path, {"response": "Not mine."}), 403, "Only the officer named")
    blank = post(org.bob, path, {"response": " "})
    refused(blank, 422, "Write your response")
    assert blank.json()["detail"][0]["loc"] == ["body", "response"]
    refused(post(org.bob, path, {"response": "x" * (services.STATEMENT_MAX + 1)}), 422, "under 20000")
    set_status(petition, "carried")
    refused(post(org.bob, path, {"response": "Too late."}), 422, "can no longer change")
