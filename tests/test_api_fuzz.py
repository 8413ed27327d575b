"""Schemathesis over the whole OpenAPI schema (issue 16): for every operation, generated requests (valid and
malformed paths, queries and bodies) with a member's token and an officer's token. No answer is a server error, and
every answer conforms to the schema: a documented status code, content type, headers and body.

Each generated request is sent four times: as generated and with its path's ids replaced by objects that exist (so
that the bodies reach the services, not only the 404s), each with both tokens. The requests go in process through
Django's WSGI handler, inside the test's transaction. Example counts are bounded (`FUZZ_EXAMPLES`, 8 by default) to
keep `make test` short; raise it to search longer: `FUZZ_EXAMPLES=500 pytest tests/test_api_fuzz.py`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import checks

from rankandfile.api_pagination import MAX_LIMIT, MAX_OFFSET
from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.tests.helpers import draft_ballot, open_ballot
from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.models import RoleTerm
from rankandfile.proposals import services as proposal_services
from rankandfile.recall import services as recall_services
from rankandfile.testing import SmallOrg, build_small_org, rows_shared_by_tests

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))

# What "conforms" means here; the checks that need a live server's state across calls (use after free, resource
# availability) or assume every valid request succeeds (positive data acceptance: a member is refused a manager's
# route by design) are left out.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@contextlib.contextmanager
def connection_kept_across_requests() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's connection (its transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def objects_that_exist(org: SmallOrg) -> dict[str, Any]:
    """Objects that exist, of every kind a path names: a draft, an open and a closed ballot, a proposal, a recall
    petition (alice's, against bob)."""
    proposal = proposal_services.proposal_create(
        actor=org.alice, unit=org.leeds, title="Rent strike", text="We support the tenants' union."
    )
    proposal_services.proposal_submit(actor=org.alice, proposal=proposal)
    closed = open_ballot(org, title="Closed")
    ballot_services.ballot_cast(voter=org.bob, ballot=closed, names=["Ben", "Ann"])
    ballot_services.ballot_close(actor=org.dave, ballot=closed)
    draft = draft_ballot(org, title="Draft", method="approval")
    still_open = open_ballot(org, title="Open", mode="remote")
    bob_term = RoleTerm.objects.get(holder=org.bob, role_type=org.chair_role)
    petition = recall_services.petition_start(actor=org.alice, term=bob_term, statement="Bob ignored the branch.")
    return {
        "unit_id": org.leeds.pk,
        "member_id": org.alice.pk,
        "role_type_id": org.chair_role.pk,
        "proposal_id": proposal.pk,
        "petition_id": petition.pk,
        "ballot_ids": [draft.pk, still_open.pk, closed.pk],
    }


def tokens_of(org: SmallOrg) -> dict[str, str]:
    """Alice, an ordinary member of Leeds, and Dave, the national secretary (every officer's capability)."""
    return {
        who: org_services.api_token_create(member=member, name="fuzz", scopes=SCOPES)[1]
        for who, member in (("member", org.alice), ("officer", org.dave))
    }


@pytest.fixture(scope="module")
def _world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[SmallOrg, dict[str, Any], dict[str, str]]]:
    """One organization, its objects and tokens for the module's tests (92 operations), built once per test
    process in a transaction rolled back at the end; each test's writes are rolled back with its savepoint."""
    with rows_shared_by_tests(django_db_blocker, tmp_path_factory.getbasetemp()):
        org = build_small_org()
        yield org, objects_that_exist(org), tokens_of(org)


@pytest.fixture
def org(_world: tuple[SmallOrg, dict[str, Any], dict[str, str]], db: Any) -> SmallOrg:
    return _world[0]


@pytest.fixture
def real_ids(_world: tuple[SmallOrg, dict[str, Any], dict[str, str]], db: Any) -> dict[str, Any]:
    return _world[1]


@pytest.fixture
def tokens(_world: tuple[SmallOrg, dict[str, Any], dict[str, str]], db: Any) -> dict[str, str]:
    return _world[2]


@pytest.fixture(autouse=True)
def _one_connection(db: Any) -> Iterator[None]:
    with connection_kept_across_requests():
        yield


# Loaded when the module is collected (the schema's own page needs no database); schemathesis's `from_fixture`
# does not work with pytest 9 (it reads a node's private `_nodeid`).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI is a failure on your machine
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_without_a_server_error_and_as_documented(
    case: Any, tokens: dict[str, str], real_ids: dict[str, Any]
) -> None:
    generated = dict(case.path_parameters or {})
    ballots: list[int] = real_ids["ballot_ids"]
    chosen = real_ids | {"ballot_id": ballots[len(repr(case.body)) % len(ballots)]}  # a draft, open or closed one
    existing = {name: chosen.get(name, value) for name, value in generated.items()}
    for path_parameters in (generated, existing) if generated else (generated,):
        case.path_parameters = path_parameters
        for token in tokens.values():
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)


def test_the_fuzzer_reaches_every_operation_of_the_schema() -> None:
    """A route added to the API is fuzzed without anyone listing it here."""
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 22
    assert {"/api/v1/units", "/api/v1/ballots/{ballot_id}/cast", "/api/v1/audit/heads"} <= {
        op.path for op in operations
    }


# --- what fuzzing found, kept as plain tests ----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/audit/heads"])
@pytest.mark.parametrize(
    "query",
    [f"offset={2**64}", f"limit={2**64}", f"offset={2**63 - 1}", f"limit={MAX_LIMIT + 1}", f"offset={MAX_OFFSET + 1}"],
)
def test_pagination_past_its_bounds_is_refused_before_the_database(
    path: str, query: str, tokens: dict[str, str]
) -> None:
    """An offset past 2**63 reached SQLite (which cannot bind it) and PostgreSQL (bigint) as a 500."""
    response = Client().get(f"{path}?{query}", headers={"Authorization": f"Bearer {tokens['member']}"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_pagination_within_its_bounds_answers(tokens: dict[str, str]) -> None:
    query = f"limit={MAX_LIMIT}&offset={MAX_OFFSET}"
    response = Client().get(f"/api/v1/units?{query}", headers={"Authorization": f"Bearer {tokens['member']}"})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 4}


def test_a_directory_search_longer_than_the_page_allows_is_refused(org: SmallOrg, tokens: dict[str, str]) -> None:
    """100,000 characters made SQLite's LIKE fail ("pattern too complex") as a 500."""
    headers = {"Authorization": f"Bearer {tokens['officer']}"}
    response = Client().get(f"/api/v1/units/{org.leeds.pk}/members?q={'x' * 100_000}", headers=headers)
    assert response.status_code == 422
    response = Client().get(f"/api/v1/units/{org.leeds.pk}/members?q={'Alice' * 20}", headers=headers)
    assert response.status_code == 200
