"""Every case URL and API route against the nine personas of issue 11: the complainant by receipt, a committee
member, a recused committee member, a former committee member, a branch chair, a national officer, site staff, an
outsider (an account with no membership) and an anonymous visitor. (tests/test_permission_matrix.py covers the
same routes for the project's usual personas; the cases app has no WebSocket route.) Refused attempts on the case
are then on its record, for the committee to see."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from rankandfile.audit.models import AuditEntry
from rankandfile.cases import services
from rankandfile.cases.models import Attachment
from rankandfile.cases.tests.helpers import (
    category,
    file_case,
    second_committee_member,
    set_passphrase,
    unlocked_client,
)
from rankandfile.cases.uploads import seal_stream
from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.testing import SmallOrg, give_role, log_in, make_member

PERSONAS = ("complainant", "committee", "recused", "former", "chair", "officer", "staff", "outsider", "anonymous")
OK, REDIRECT, LOGIN, FORBIDDEN, NOT_FOUND, UNAUTHORIZED = "200", "redirect", "login", "403", "404", "401"


def rule(default: str, **overrides: str) -> dict[str, str]:
    assert set(overrides) <= set(PERSONAS)
    return {p: overrides.get(p, default) for p in PERSONAS}


@dataclass
class World:
    org: SmallOrg
    people: dict[str, Any]
    reference: str
    receipt: str
    complainant_file: int
    committee_file: int


@pytest.fixture
def world(org: SmallOrg) -> World:
    rex = second_committee_member(org)  # named in the complaint: recused
    fay = make_member("Fay Former", org.leeds)
    give_role(fay, org.committee_role)
    for member in (org.erin, rex, fay):
        set_passphrase(member)
    filed = file_case(org, named=[rex])
    org_services.term_end(actor=org.dave, term=fay.role_terms.get(), reason="Stood down.")
    services.case_keys_rotate_departed()
    case = filed.case
    upload = seal_stream(io.BytesIO(b"%PDF-1.4 complainant's file"), name="mine.pdf", content_type="application/pdf")
    from rankandfile.cases.services.intake import attach

    erin_private = services.committee_key_unlock(member=org.erin, passphrase=f"case passphrase of {org.erin.email}")
    keys = services.case_key_of(member=org.erin, case=case, private_key=erin_private)
    assert keys is not None
    attach(case=case, keys=keys, uploads=[upload], entry=None, from_complainant=True)
    outsider = make_member("Olly Outsider", None)
    people = {
        "committee": org.erin,
        "recused": rex,
        "former": fay,
        "chair": org.bob,
        "officer": org.dave,
        "staff": org.otto,
        "outsider": outsider,
    }
    mine = Attachment.objects.get(case=case, from_complainant=True)
    return World(org, people, case.reference, filed.receipt, mine.pk, mine.pk)


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[World], str]
    expected: dict[str, str]
    method: str = "get"
    data: dict[str, Any] | None = None
    api: bool = False


def case_route(name: str, expected: dict[str, str], method: str = "post", data: dict[str, Any] | None = None) -> Route:
    return Route(name, lambda w: reverse(f"cases:{name}", args=[w.reference]), expected, method, data or {"text": "x"})


COMMITTEE_PAGES = rule(FORBIDDEN, complainant=LOGIN, anonymous=LOGIN, committee=OK, recused=OK)
THE_CASE = rule(NOT_FOUND, complainant=LOGIN, anonymous=LOGIN, committee=OK)
CASE_ACTION = rule(NOT_FOUND, complainant=LOGIN, anonymous=LOGIN, committee=REDIRECT)
TOP_COMMITTEE = rule(FORBIDDEN, complainant=LOGIN, anonymous=LOGIN, committee=OK, recused=OK)
BY_RECEIPT = rule(NOT_FOUND, complainant=REDIRECT)

ROUTES = [
    Route("report", lambda w: reverse("cases:report"), rule(OK)),
    Route("public_report", lambda w: reverse("cases:public_report", args=[w.org.leeds.pk]), rule(OK)),
    Route(
        "figures",
        lambda w: reverse("cases:figures", args=[w.org.leeds.pk]),
        rule(OK, complainant=LOGIN, anonymous=LOGIN, outsider=FORBIDDEN),
    ),
    Route("receipt", lambda w: reverse("cases:receipt"), rule(OK)),
    Route("mine", lambda w: reverse("cases:mine"), rule(REDIRECT, complainant=OK)),
    Route("mine_message", lambda w: reverse("cases:mine_message"), BY_RECEIPT, "post", {"text": "more"}),
    Route("mine_appeal", lambda w: reverse("cases:mine_appeal"), BY_RECEIPT, "post", {"text": "appeal"}),
    Route(
        "mine_file",
        lambda w: reverse("cases:mine_file", args=[w.complainant_file]),
        rule(NOT_FOUND, complainant=OK),
    ),
    Route("mine_leave", lambda w: reverse("cases:mine_leave"), rule(REDIRECT), "post"),
    Route("list", lambda w: reverse("cases:list"), COMMITTEE_PAGES),
    Route("key", lambda w: reverse("cases:key"), COMMITTEE_PAGES),
    Route("key_lock", lambda w: reverse("cases:key_lock"), rule(REDIRECT), "post"),
    Route("record", lambda w: reverse("cases:record"), COMMITTEE_PAGES),
    Route("case", lambda w: reverse("cases:case", args=[w.reference]), THE_CASE),
    case_route("entry_add", CASE_ACTION, data={"kind": "note", "text": "x"}),
    case_route("move", CASE_ACTION, data={"to": "acknowledged"}),
    case_route("decide", CASE_ACTION),
    case_route("recuse", CASE_ACTION, data={"reason": "x"}),
    case_route("appeal", CASE_ACTION),
    # Only the appeal body decides an appeal: the committee that decided the case is refused.
    case_route("appeal_decide", rule(NOT_FOUND, complainant=LOGIN, anonymous=LOGIN, committee=FORBIDDEN)),
    Route("file", lambda w: reverse("cases:file", args=[w.reference, w.committee_file]), THE_CASE),
    # The organization's case settings: its top unit's committee only (rex sits on it too; fay left it).
    Route("settings", lambda w: reverse("cases:settings"), TOP_COMMITTEE),
    Route("category", lambda w: reverse("cases:category", args=[category().pk]), TOP_COMMITTEE),
    Route(
        "api:case_figures",
        lambda w: f"/api/v1/units/{w.org.leeds.pk}/case-figures",
        rule(OK, complainant=UNAUTHORIZED, anonymous=UNAUTHORIZED, outsider=FORBIDDEN),
        api=True,
    ),
]


def classify(response: Any) -> str:
    if response.status_code in {301, 302, 303}:
        return LOGIN if response["Location"].startswith(reverse("login") + "?next=") else REDIRECT
    return str(response.status_code)


def request_as(world: World, persona: str, route: Route) -> str:
    member = world.people.get(persona)
    headers: dict[str, str] = {}
    if persona == "complainant":
        client = Client()
        client.post(reverse("cases:receipt"), {"receipt": world.receipt})
    elif persona == "committee" and not route.api:
        client = unlocked_client(member)
    else:
        client = Client()
        if member is not None and route.api:
            _token, raw = org_services.api_token_create(member=member, name="t", scopes=SCOPES)
            headers["Authorization"] = f"Bearer {raw}"
        elif member is not None:
            log_in(client, member)
    url = route.url(world)
    if route.method == "get":
        return classify(client.get(url, headers=headers))
    return classify(client.post(url, route.data or {}, headers=headers))


def test_every_case_route_is_listed() -> None:
    from tests.test_permission_matrix import project_patterns

    names = {p.name for p in project_patterns() if p.name.startswith("cases:")} | {"api:case_figures"}
    listed = {f"cases:{r.name}" if not r.name.startswith("api:") else r.name for r in ROUTES}
    assert names == listed


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_each_persona_gets_what_the_rule_says(world: World, route: Route) -> None:
    got: dict[str, str] = {}
    for persona in PERSONAS:
        with transaction.atomic():
            got[persona] = request_as(world, persona, route)
            transaction.set_rollback(True)
    wrong = {p: f"expected {route.expected[p]}, got {got[p]}" for p in PERSONAS if got[p] != route.expected[p]}
    assert not wrong, f"{route.name}: {wrong}"


def test_refused_attempts_are_recorded_and_shown_to_the_committee(world: World) -> None:
    for persona in ("recused", "former", "chair", "officer", "staff", "outsider"):
        request_as(world, persona, ROUTES[13])  # the case page
    refused = AuditEntry.objects.filter(object_id=world.reference, action="case.refused")
    assert set(refused.values_list("actor_id", flat=True)) == {
        world.people[p].pk for p in ("recused", "former", "chair", "officer", "staff", "outsider")
    }
    page = unlocked_client(world.people["committee"]).get(reverse("cases:case", args=[world.reference]))
    text = page.content.decode()
    assert text.count("refused attempt") == 6
    assert "Bob Chair" in text and "Otto Operator" in text
