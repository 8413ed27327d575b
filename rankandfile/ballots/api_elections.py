"""Election endpoints: nominations and their close, with the same access and services as the pages
(docs/api.md, "Elections"; docs/ballots.md, "Elections for roles")."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from rankandfile.api_errors import ERRORS
from rankandfile.ballots import access, selectors
from rankandfile.ballots.models import Election, Nomination
from rankandfile.ballots.services import elections
from rankandfile.org import access as org_access
from rankandfile.org import api_auth
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member

router = Router(tags=["elections"])


class NominationOut(Schema):
    id: int
    election_id: int
    nominee_id: int
    nominee: str
    nominated_by_id: int
    statement: str
    accepted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    is_standing: bool


class ElectionOut(Schema):
    id: int
    role_type_id: int
    role: str
    unit_id: int
    seats: int
    method: str
    nominations_close_at: dt.datetime
    term_starts_on: dt.date
    status: str
    ballot_id: int | None


class ElectionDetailOut(ElectionOut):
    nominations: list[NominationOut]


class ElectionIn(Schema):
    """Each field left out takes the page's default (`elections.election_defaults`): the seats open when the
    terms start, a method that fits them, terms starting when the current ones end, nominations for 14 days."""

    seats: int | None = None
    method: str | None = None
    nominations_close_at: dt.datetime | None = None
    term_starts_on: dt.date | None = None


class NominationIn(Schema):
    nominee_id: int  # yourself: standing at once, with your statement
    statement: str = ""


class AcceptIn(Schema):
    statement: str


def _member(request: HttpRequest) -> Member:
    return cast(Member, request.user)


def _election_out(election: Election) -> dict[str, Any]:
    return {
        **{f: getattr(election, f) for f in ("id", "role_type_id", "seats", "method", "status", "ballot_id")},
        **{f: getattr(election, f) for f in ("nominations_close_at", "term_starts_on")},
        "role": election.role_type.name,
        "unit_id": election.role_type.unit_id,
    }


def _nomination_out(nomination: Nomination) -> dict[str, Any]:
    fields = ("id", "election_id", "nominee_id", "nominated_by_id", "statement", "accepted_at", "withdrawn_at")
    return {
        **{f: getattr(nomination, f) for f in fields},
        "nominee": nomination.nominee.full_name,
        "is_standing": nomination.is_standing,
    }


def _detail(election: Election) -> dict[str, Any]:
    nominations = [_nomination_out(n) for n in selectors.nominations_of(election)]
    return {**_election_out(election), "nominations": nominations}


@router.get("/units/{unit_id}/elections", response={200: list[ElectionOut], **ERRORS})
def unit_elections(request: HttpRequest, unit_id: int) -> list[dict[str, Any]]:
    """The unit's elections for roles, newest first: members in good standing."""
    unit = org_access.access_unit(request.user, unit_id)
    return [_election_out(e) for e in selectors.elections_of_unit(unit)]


@router.get("/elections/{election_id}", response={200: ElectionDetailOut, **ERRORS})
def get_election(request: HttpRequest, election_id: int) -> dict[str, Any]:
    """An election with every nomination (standing, waiting for the nominee, or withdrawn)."""
    return _detail(access.access_election(request.user, election_id))


@router.post("/roles/{role_type_id}/elections", response={201: ElectionDetailOut, **ERRORS}, auth=api_auth.MANAGE)
def create_election(request: HttpRequest, role_type_id: int, body: ElectionIn) -> Status[dict[str, Any]]:
    """Open nominations for a role's seats: `manage_ballots` in the role's unit."""
    role_type = org_access.access_role_type(request.user, role_type_id, capability=MANAGE_BALLOTS)
    defaults = elections.election_defaults(role_type=role_type)
    close_at = body.nominations_close_at or defaults.nominations_close_at
    if timezone.is_naive(close_at):
        close_at = timezone.make_aware(close_at)
    seats = body.seats if body.seats is not None else defaults.seats
    election = elections.election_create(
        actor=_member(request),
        role_type=role_type,
        seats=seats,
        method=body.method or defaults.method_for(seats),
        nominations_close_at=close_at,
        term_starts_on=body.term_starts_on or defaults.term_starts_on,
    )
    return Status(201, _detail(election))


@router.post("/elections/{election_id}/nominations", response={201: NominationOut, **ERRORS}, auth=api_auth.VOTE)
def nominate(request: HttpRequest, election_id: int, body: NominationIn) -> Status[dict[str, Any]]:
    """Nominate a member of the role's unit (they are told, and accept or decline), or yourself (standing at once,
    with your statement): members of the unit, while nominations are open."""
    election = access.access_election(request.user, election_id)
    nominee = selectors.nominees_for(election).filter(pk=body.nominee_id).first()
    if nominee is None:
        raise ValidationError({"nominee_id": _("Not an active member of this unit.")})
    nomination = elections.nomination_create(
        actor=_member(request), election=election, nominee=nominee, statement=body.statement
    )
    return Status(201, _nomination_out(nomination))


@router.post(
    "/elections/{election_id}/close-nominations", response={200: ElectionDetailOut, **ERRORS}, auth=api_auth.MANAGE
)
def close_nominations(request: HttpRequest, election_id: int) -> dict[str, Any]:
    """After the deadline: acclamation when candidates are no more than seats, else the election ballot as a draft
    (`ballot_id`; open it with `POST /ballots/{id}/open`). `manage_ballots` in the role's unit."""
    election = access.access_election(request.user, election_id, for_write=True)
    return _detail(elections.election_close_nominations(actor=_member(request), election=election))


@router.post("/nominations/{nomination_id}/accept", response={200: NominationOut, **ERRORS}, auth=api_auth.VOTE)
def accept_nomination(request: HttpRequest, nomination_id: int, body: AcceptIn) -> dict[str, Any]:
    """Stand, with your statement to members: the nominee only (others get 404), while nominations are open."""
    nomination = access.access_own_nomination(request.user, nomination_id)
    return _nomination_out(
        elections.nomination_accept(actor=_member(request), nomination=nomination, statement=body.statement)
    )


@router.post("/nominations/{nomination_id}/withdraw", response={200: NominationOut, **ERRORS}, auth=api_auth.VOTE)
def withdraw_nomination(request: HttpRequest, nomination_id: int) -> dict[str, Any]:
    """Decline or withdraw: the nominee only (others get 404), while nominations are open."""
    nomination = access.access_own_nomination(request.user, nomination_id)
    return _nomination_out(elections.nomination_withdraw(actor=_member(request), nomination=nomination))
