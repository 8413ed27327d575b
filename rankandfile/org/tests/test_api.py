"""The HTTP API under /api/v1/: schema, tokens, the same visibility as the pages, appointments."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from rankandfile.audit.models import AuditEntry
from rankandfile.org import services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.models import ApiToken, Member, RoleTerm
from rankandfile.testing import SmallOrg

REASON = "Second organizer seat vacant since the spring conference."
ERROR_CODES = {"400", "401", "403", "404", "422"}


class Api:
    def __init__(self, member: Member | None = None, raw: str | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if member is not None and raw is None:
            _token, raw = services.api_token_create(member=member, name="tests", scopes=SCOPES)
        if raw is not None:
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path: str) -> Any:
        return self.client.get("/api/v1" + path, headers=self.headers)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post("/api/v1" + path, body, content_type="application/json", headers=self.headers)


# --- the schema -------------------------------------------------------------------------------------------------
@pytest.fixture
def schema(db: Any) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_it_publishes_a_valid_openapi_3_schema(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    validate(schema)  # raises on any violation of the OpenAPI specification
    assert schema["info"]["title"] == "Rank & File API"
    assert {"/api/v1/units", "/api/v1/roles/{role_type_id}/appointments"} <= set(schema["paths"])


def test_it_declares_every_error_response_of_every_operation(schema: dict[str, Any]) -> None:
    operations = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 9
    for method, path, operation in operations:
        missing = ERROR_CODES - set(operation["responses"])
        assert not missing, f"{method.upper()} {path} does not declare {sorted(missing)}"
        assert operation.get("security"), f"{method.upper()} {path} does not say it needs a token"


def test_it_describes_the_bearer_token_scheme(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())


# --- tokens ------------------------------------------------------------------------------------------------------
def test_it_refuses_requests_without_a_valid_token(org: SmallOrg) -> None:
    for api in (Api(), Api(raw="rf_not-a-real-token")):
        response = api.get("/units")
        assert response.status_code == 401
        assert "token" in response.json()["detail"]


def test_it_refuses_a_revoked_token(org: SmallOrg) -> None:
    token, raw = services.api_token_create(member=org.alice, name="laptop")
    assert Api(raw=raw).get("/units").status_code == 200
    services.api_token_revoke(member=org.alice, token=token)
    assert Api(raw=raw).get("/units").status_code == 401


def test_it_stores_only_the_hash_of_a_token(org: SmallOrg) -> None:
    token, raw = services.api_token_create(member=org.alice, name="laptop")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw) // 3
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(raw not in str(value) for value in row.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM org_apitoken")
        assert raw not in repr(cursor.fetchall())


def test_it_notes_when_a_token_was_last_used_to_the_minute(org: SmallOrg) -> None:
    token, raw = services.api_token_create(member=org.alice, name="laptop")
    assert token.last_used_at is None
    Api(raw=raw).get("/units")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    with CaptureQueriesContext(connection) as queries:
        Api(raw=raw).get("/units")  # within the minute: the row is not written again
    token.refresh_from_db()
    assert token.last_used_at == first_use
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "org_apitoken" in q["sql"]]
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - dt.timedelta(minutes=2))
    Api(raw=raw).get("/units")
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first_use


def test_it_refuses_a_former_member_s_token(org: SmallOrg) -> None:
    assert Api(org.frank).get("/units").status_code == 403


# --- reading -------------------------------------------------------------------------------------------------
def test_it_lists_units(org: SmallOrg) -> None:
    response = Api(org.alice).get("/units")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [u["path"] for u in body["items"]] == [
        "national",
        "national/north",
        "national/north/leeds",
        "national/north/york",
    ]
    leeds = body["items"][2]
    assert (leeds["name"], leeds["parent_id"], leeds["dissolved_on"]) == ("Leeds", org.north.pk, None)
    assert Api(org.alice).get("/units?limit=1&offset=1").json()["items"][0]["name"] == "North"


def test_it_shows_the_directory_without_contact_details_to_members(org: SmallOrg) -> None:
    response = Api(org.alice).get(f"/units/{org.leeds.pk}/members")
    assert response.status_code == 200
    entries = {e["full_name"]: e for e in response.json()}
    assert set(entries) == {"Alice Member", "Bob Chair", "Erin Committee"}
    assert entries["Bob Chair"]["roles"] == ["Branch chair, Leeds"]
    assert all(e["email"] is None and e["phone"] is None for e in entries.values())
    assert org.bob.email not in response.content.decode()
    member = Api(org.alice).get(f"/members/{org.bob.pk}")
    assert member.json()["email"] is None and org.bob.email not in member.content.decode()


def test_it_shows_contact_details_to_manage_members_holders(org: SmallOrg) -> None:
    entries = {e["full_name"]: e for e in Api(org.carol).get(f"/units/{org.leeds.pk}/members").json()}
    assert entries["Bob Chair"]["email"] == org.bob.email
    assert Api(org.bob).get(f"/members/{org.alice.pk}").json()["email"] == org.alice.email
    assert Api(org.bob).get(f"/members/{org.otto.pk}").json()["email"] is None  # otto is in York


def test_it_shows_roles_vacancies_and_role_history(org: SmallOrg) -> None:
    roles = Api(org.alice).get(f"/units/{org.national.pk}/roles").json()
    committee = next(r for r in roles if r["name"] == "Accountability committee")
    assert (committee["seats"], committee["vacancies"]) == (5, 4)
    terms = Api(org.alice).get(f"/units/{org.leeds.pk}/terms").json()
    assert [(t["holder"], t["role"], t["how_filled"]) for t in terms] == [("Bob Chair", "Branch chair", "elected")]
    history = Api(org.alice).get(f"/members/{org.bob.pk}/terms").json()
    assert [t["role"] for t in history] == ["Branch chair"]
    units = Api(org.alice).get(f"/members/{org.bob.pk}/memberships").json()
    assert units == [{"unit_id": org.leeds.pk, "unit": "Leeds", "status": "active"}]


def test_it_answers_404_for_missing_objects(org: SmallOrg) -> None:
    api = Api(org.alice)
    for path in ("/units/987654", "/units/987654/members", "/members/987654", "/members/987654/terms"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"]


# --- appointing ----------------------------------------------------------------------------------------------
def appoint(api: Api, org: SmallOrg, **body: Any) -> Any:
    return api.post(f"/roles/{org.organizer_role.pk}/appointments", {"holder_id": org.alice.pk, **body})


def test_it_appoints_through_the_api(org: SmallOrg) -> None:
    response = appoint(Api(org.carol), org, reason=REASON)
    assert response.status_code == 201
    body = response.json()
    assert (body["holder_id"], body["how_filled"], body["reason"]) == (org.alice.pk, "appointed", REASON)
    assert body["appointed_by_id"] == org.carol.pk
    term = RoleTerm.objects.get(pk=body["id"])
    assert term.appointed_by == org.carol
    assert AuditEntry.objects.filter(action="role.appointed", object_id=str(term.pk)).exists()


def test_it_refuses_an_appointment_without_a_reason_field_by_field(org: SmallOrg) -> None:
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = appoint(Api(org.carol), org, **body)
        assert response.status_code == 422, body
        detail = response.json()["detail"]
        assert isinstance(detail, list) and detail
        assert any(item["loc"][-1] == "reason" for item in detail), detail
    assert not RoleTerm.objects.filter(holder=org.alice).exists()


def test_it_refuses_an_appointment_to_a_full_role_with_the_reason(org: SmallOrg) -> None:
    response = Api(org.carol).post(
        f"/roles/{org.chair_role.pk}/appointments", {"holder_id": org.alice.pk, "reason": REASON}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"][-1] == "holder" and "is filled for part of that period" in detail[0]["msg"]


def test_it_refuses_a_holder_from_outside_the_unit(org: SmallOrg) -> None:
    response = Api(org.carol).post(
        f"/roles/{org.chair_role.pk}/appointments", {"holder_id": org.otto.pk, "reason": REASON}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "holder_id"


def test_it_refuses_appointments_by_members_without_manage_roles(org: SmallOrg) -> None:
    for member in (org.alice, org.bob, org.erin, org.otto):
        response = appoint(Api(member), org, reason=REASON)
        assert response.status_code == 403, member
        assert response.json()["detail"]
    assert appoint(Api(), org, reason=REASON).status_code == 401
    assert not RoleTerm.objects.filter(holder=org.alice).exists()


# --- malformed bodies ----------------------------------------------------------------------------------------
MALFORMED = [
    ("{", 400),
    ("\xff\xfe", 400),
    ("[" * 100_000, 400),
    ('{"holder_id": HOLDER, "reason": "a\\ud800b"}', 400),  # an unpaired surrogate: no UTF-8 for it
    ('{"holder_id": HOLDER, "reason": "a\\u0000b"}', 400),  # NUL: PostgreSQL text refuses it
    ('{"holder_id": HOLDER, "reason": "x", "\\u0000": 1}', 400),
    ("[1, 2]", 422),
    ("null", 422),
    ('{"holder_id": "abc", "reason": "x"}', 422),
    ('{"holder_id": 1e999, "reason": "x"}', 422),
]


@pytest.mark.parametrize(("body", "status"), MALFORMED)
def test_it_answers_a_malformed_body_with_a_documented_error_never_a_500(org: SmallOrg, body: str, status: int) -> None:
    api = Api(org.dave)
    api.client.raise_request_exception = False
    response = api.client.post(
        f"/api/v1/roles/{org.organizer_role.pk}/appointments",
        body.replace("HOLDER", str(org.alice.pk)).encode("utf-8", "surrogateescape"),
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == status, response.content[:300]
    assert "detail" in response.json()
    assert not RoleTerm.objects.filter(holder=org.alice, role_type=org.organizer_role).exists()
