"""Recall petition endpoints: the pages' access rules and services, answered as JSON (docs/recall.md, "API").

Who signed stays hidden until the petition closes, exactly as on its page: `signers` and `started_by_id` (the
starter is the first signature) are null while it collects signatures; `you_signed` tells a member only about
themself. Each write is refused as the page refuses it: 404 for a petition or term the member may not
see, 403 for the access rule, 422 with the service's message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from rankandfile.api_errors import ERRORS
from rankandfile.org import api_auth
from rankandfile.org.models import Member
from rankandfile.recall import access, selectors, services
from rankandfile.recall.models import Petition

router = Router(tags=["recall"])


class PetitionOut(Schema):
    id: int
    unit_id: int
    term_id: int
    officer_id: int
    officer: str
    role: str
    started_by_id: int | None  # null while open, as on the page: the starter is the first signature
    status: str
    statement: str
    response: str
    responded_at: dt.datetime | None
    started_at: dt.datetime
    lapses_at: dt.datetime
    closed_at: dt.datetime | None
    roll_size: int
    signatures: int
    signatures_required: int
    ballot_id: int | None
    result: str


class SignerOut(Schema):
    member_id: int
    full_name: str
    signed_at: dt.datetime


class PetitionDetailOut(PetitionOut):
    you_signed: bool
    you_are_on_roll: bool
    signers: list[SignerOut] | None  # null until the petition closes: nobody sees who signs while it is open


class StartIn(Schema):
    statement: str


class ResponseIn(Schema):
    response: str


def _member(request: HttpRequest) -> Member:
    return cast(Member, request.user)


def _out(petition: Petition) -> dict[str, Any]:
    fields = ("id", "unit_id", "term_id", "status", "statement", "response", "responded_at")
    times = ("started_at", "lapses_at", "closed_at", "roll_size", "signatures_required", "ballot_id", "result")
    return {
        **{f: getattr(petition, f) for f in fields + times},
        "officer_id": petition.term.holder_id,
        "officer": petition.term.holder.full_name,
        "role": petition.term.role_type.name,
        "started_by_id": petition.started_by_id if petition.signatures_are_public else None,
        "signatures": selectors.progress(petition).signatures,
    }


def _detail(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    """The petition as its page shows it to this member, read afresh (after a write: the new count and status)."""
    petition = access.access_petition(request.user, petition_id)
    public = petition.signatures_are_public
    signers = [
        {"member_id": s.member_id, "full_name": s.member.full_name, "signed_at": s.signed_at}
        for s in selectors.public_signatures(petition)
    ]
    return {
        **_out(petition),
        "you_signed": selectors.has_signed(petition, request.user),
        "you_are_on_roll": selectors.is_on_roll(petition, request.user),
        "signers": signers if public else None,
    }


@router.get("/units/{unit_id}/recall-petitions", response={200: list[PetitionOut], **ERRORS})
def unit_recall_petitions(request: HttpRequest, unit_id: int) -> list[dict[str, Any]]:
    """The unit's recall petitions, newest first: members of the unit in good standing and officers over it."""
    unit = access.access_unit_recalls(request.user, unit_id)
    return [_out(p) for p in selectors.petitions_of_unit(unit)]


@router.get("/recall-petitions/{petition_id}", response={200: PetitionDetailOut, **ERRORS})
def get_recall_petition(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    """A petition with its progress; who signed only once it has closed."""
    return _detail(request, petition_id)


@router.post("/terms/{term_id}/recall-petitions", response={201: PetitionDetailOut, **ERRORS}, auth=api_auth.VOTE)
def start_recall_petition(request: HttpRequest, term_id: int, body: StartIn) -> Status[dict[str, Any]]:
    """Start a petition to recall the term's holder, with your signature: members of the role's unit in good
    standing, not the officer named; a current term only."""
    term = access.access_term_for_recall(request.user, term_id)
    petition = services.petition_start(actor=_member(request), term=term, statement=body.statement)
    return Status(201, _detail(request, petition.pk))


@router.post("/recall-petitions/{petition_id}/sign", response={201: PetitionDetailOut, **ERRORS}, auth=api_auth.VOTE)
def sign_recall_petition(request: HttpRequest, petition_id: int) -> Status[dict[str, Any]]:
    """Sign: members on the petition's roll (the unit's members at its start), not the officer, while it is open.
    The signature that reaches the threshold opens the recall ballot."""
    petition = access.access_petition(request.user, petition_id)
    access.require_unit_member(request.user, petition.unit)
    services.petition_sign(actor=_member(request), petition=petition)
    return Status(201, _detail(request, petition_id))


@router.post("/recall-petitions/{petition_id}/unsign", response={200: PetitionDetailOut, **ERRORS}, auth=api_auth.VOTE)
def unsign_recall_petition(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    """Withdraw your signature while the petition is open (below its threshold)."""
    petition = access.access_petition(request.user, petition_id)
    services.petition_unsign(actor=_member(request), petition=petition)
    return _detail(request, petition_id)


@router.post(
    "/recall-petitions/{petition_id}/response", response={200: PetitionDetailOut, **ERRORS}, auth=api_auth.VOTE
)
def respond_to_recall_petition(request: HttpRequest, petition_id: int, body: ResponseIn) -> dict[str, Any]:
    """Publish or revise your response, shown beside the statement: the officer named only, until the recall is
    decided."""
    petition = access.access_petition(request.user, petition_id, for_write=True)
    services.petition_respond(actor=_member(request), petition=petition, response=body.response)
    return _detail(request, petition_id)
