"""API tokens: scopes enforced on every route, an expiry, and the end of every token at a password change."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.org import services
from rankandfile.org.domain.api_tokens import MANAGE, READ, SCOPES, VOTE
from rankandfile.org.models import ApiToken, Member
from rankandfile.testing import PASSWORD, SmallOrg, log_in

MISSING_ID = 987654
# Every operation that is not a GET, by the name of its function, and the scope it needs. A new one fails
# `test_it_names_the_scope_of_every_operation` until it is added here.
WRITE_SCOPES = {
    "appoint": MANAGE,
    "end_term": MANAGE,
    "create_role_type": MANAGE,
    "sign_document": VOTE,  # bulletin: co-signing, a member's own act
    "sign_proposal": VOTE,
    "unsign_proposal": VOTE,
    "cast_ballot": VOTE,
    "open_ballot": MANAGE,
    "close_ballot": MANAGE,
    # proposals: a member's own acts; putting on an agenda and the unit's rules are what a role allows
    "create_proposal": VOTE,
    "create_counter_proposal": VOTE,
    "revise_proposal": VOTE,
    "submit_proposal": VOTE,
    "withdraw_proposal": VOTE,
    "put_proposal_on_agenda": MANAGE,
    "propose_amendment": VOTE,
    "accept_amendment": VOTE,
    "withdraw_amendment": VOTE,
    "set_decision_rules": MANAGE,
    "create_ballot": MANAGE,
    "set_ballot_alternatives": MANAGE,
    # elections: nominating and standing are a member's own acts
    "create_election": MANAGE,
    "nominate": VOTE,
    "close_nominations": MANAGE,
    "accept_nomination": VOTE,
    "withdraw_nomination": VOTE,
    # meetings: taking part is the member's own; running it is the chair's
    "create_meeting": MANAGE,
    "open_meeting": MANAGE,
    "close_meeting": MANAGE,
    "add_agenda_item": MANAGE,
    "move_agenda_item": MANAGE,
    "select_agenda_item": MANAGE,
    "check_in": VOTE,
    "raise_hand": VOTE,
    "withdraw_hand": VOTE,
    "add_attendance": MANAGE,
    "add_speaker": MANAGE,
    "next_speaker": MANAGE,
    "end_speech": MANAGE,
    "add_motion": MANAGE,
    "count_motion": MANAGE,
    "add_dissent": VOTE,
    "approve_minutes": MANAGE,
    # recall: starting, signing and withdrawing are a member's own acts; so is the officer's own response
    "start_recall_petition": VOTE,
    "sign_recall_petition": VOTE,
    "unsign_recall_petition": VOTE,
    "respond_to_recall_petition": VOTE,
}


def token(member: Member, *scopes: str, days: int = 30) -> str:
    return services.api_token_create(member=member, name="t", scopes=scopes, days=days)[1]


def call(raw: str, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {raw}"}
    if method == "get":
        return Client().get("/api/v1" + path, headers=headers)
    return Client().post("/api/v1" + path, body or {}, content_type="application/json", headers=headers)


def operations() -> list[tuple[str, str, str]]:
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    return [
        (method, re.sub(r"\{\w+\}", str(MISSING_ID), path.removeprefix("/api/v1")), op["operationId"])
        for path, item in schema["paths"].items()
        for method, op in item.items()
    ]


def scope_of(method: str, operation_id: str) -> str:
    if method == "get":
        return READ
    name = next((n for n in WRITE_SCOPES if operation_id.endswith("_" + n)), None)
    assert name, f"{operation_id}: say which scope it needs in WRITE_SCOPES"
    return WRITE_SCOPES[name]


def test_it_names_the_scope_of_every_operation(db: Any) -> None:
    ops = operations()
    assert len(ops) >= 20
    assert {scope_of(method, op) for method, _path, op in ops} == set(SCOPES)


def test_it_refuses_every_route_to_a_token_without_its_scope(org: SmallOrg) -> None:
    for method, path, operation_id in operations():
        needed = scope_of(method, operation_id)
        without = token(org.dave, *(s for s in SCOPES if s != needed))
        response = call(without, method, path)
        assert response.status_code == 403, (operation_id, response.content)
        assert f"“{needed}” scope" in response.json()["detail"], operation_id
        # With the scope the token passes, and the route's own rules answer (the list, no such object, a bad body).
        assert call(token(org.dave, needed), method, path).status_code in {200, 404, 422}, operation_id


def test_a_read_token_reads_but_cannot_cast_and_a_vote_token_casts(org: SmallOrg) -> None:
    ballot = open_ballot(org)
    reader = token(org.alice, READ)
    assert call(reader, "get", f"/ballots/{ballot.pk}").status_code == 200
    assert call(reader, "post", f"/ballots/{ballot.pk}/cast", {"marks": ["Ann"]}).status_code == 403
    voter = token(org.alice, VOTE)
    assert call(voter, "get", f"/ballots/{ballot.pk}").status_code == 403
    assert call(voter, "post", f"/ballots/{ballot.pk}/cast", {"marks": ["Ann"]}).status_code == 201


def test_a_manage_token_still_needs_the_capability(org: SmallOrg) -> None:
    ballot = open_ballot(org)
    assert call(token(org.alice, *SCOPES), "post", f"/ballots/{ballot.pk}/close").status_code == 403
    assert call(token(org.dave, READ, VOTE), "post", f"/ballots/{ballot.pk}/close").status_code == 403
    assert call(token(org.dave, MANAGE), "post", f"/ballots/{ballot.pk}/close").status_code == 200


def test_it_refuses_an_expired_token(org: SmallOrg) -> None:
    raw = token(org.alice, READ, days=7)
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        assert call(raw, "get", "/units").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        assert call(raw, "get", "/units").status_code == 401


def test_it_refuses_an_unknown_scope_or_lifetime(org: SmallOrg) -> None:
    from django.core.exceptions import ValidationError

    for kwargs in ({"scopes": ["admin"]}, {"scopes": []}, {"days": 3650}):
        with pytest.raises(ValidationError):
            services.api_token_create(member=org.alice, name="t", **kwargs)
    assert not ApiToken.objects.exists()


def test_a_password_change_ends_every_token(org: SmallOrg) -> None:
    raw = token(org.alice, READ)
    client = Client()
    log_in(client, org.alice)
    new = "another long passphrase 2027"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert call(raw, "get", "/units").status_code == 401
    # The profile page no longer lists it; a token made now works.
    assert "<code>rf_" not in client.get(reverse("org:my_profile")).content.decode()
    assert call(token(Member.objects.get(pk=org.alice.pk), READ), "get", "/units").status_code == 200


def test_any_way_of_setting_the_password_ends_every_token(org: SmallOrg) -> None:
    raw = token(org.bob, READ)
    bob = Member.objects.get(pk=org.bob.pk)
    bob.set_password("set by an operator in the admin")  # the admin, `changepassword`, a reset: all do this
    bob.save(update_fields=["password"])
    assert call(raw, "get", "/units").status_code == 401
