"""Proposal endpoints: the same access and service functions as the pages (docs/proposals.md, "API")."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from rankandfile.api_errors import ERRORS
from rankandfile.org import access as org_access
from rankandfile.org import api_auth
from rankandfile.org.models import Member
from rankandfile.proposals import access, selectors, services
from rankandfile.proposals.models import Proposal

router = Router(tags=["proposals"])


class ProposalOut(Schema):
    id: int
    unit_id: int
    answers_id: int | None
    title: str
    text: str
    author_id: int
    status: str
    revision: int
    signatures: int
    submitted_at: dt.datetime | None


class CounterOut(Schema):
    id: int
    title: str
    status: str
    signatures: int
    must_be_on_ballot: bool


class ProposalDetailOut(ProposalOut):
    counter_proposals: list[CounterOut]
    cosigners_required: int


def _out(proposal: Proposal, signatures: int) -> dict[str, Any]:
    fields = ("id", "unit_id", "answers_id", "title", "text", "author_id", "status", "revision", "submitted_at")
    return {**{f: getattr(proposal, f) for f in fields}, "signatures": signatures}


@router.get("/units/{unit_id}/proposals", response={200: list[ProposalOut], **ERRORS})
def unit_proposals(request: HttpRequest, unit_id: int) -> list[dict[str, Any]]:
    """The unit's proposals, newest first (your own drafts included)."""
    unit = org_access.access_unit(request.user, unit_id)
    rows = selectors.proposals_of_unit(unit, cast(Member, request.user))
    return [_out(p, getattr(p, "n_signatures", 0)) for p in rows]


@router.get("/proposals/{proposal_id}", response={200: ProposalDetailOut, **ERRORS})
def get_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """A proposal with its counter-proposals and whether each must be on the same ballot."""
    proposal = access.access_proposal(request.user, proposal_id)
    counters = selectors.counter_proposals(proposal, cast(Member, request.user)) if not proposal.is_counter else []
    return {
        **_out(proposal, selectors.signature_count(proposal)),
        "counter_proposals": [
            {
                "id": c.proposal.pk,
                "title": c.proposal.title,
                "status": c.proposal.status,
                "signatures": c.signatures,
                "must_be_on_ballot": c.qualifies,
            }
            for c in counters
        ],
        "cosigners_required": selectors.cosigners_required(proposal.unit),
    }


@router.post("/proposals/{proposal_id}/sign", response={201: ProposalOut, **ERRORS}, auth=api_auth.VOTE)
def sign_proposal(request: HttpRequest, proposal_id: int) -> Status[dict[str, Any]]:
    """Co-sign a submitted proposal of your unit."""
    proposal = access.access_proposal(request.user, proposal_id)
    services.proposal_sign(actor=cast(Member, request.user), proposal=proposal)
    return Status(201, _out(proposal, selectors.signature_count(proposal)))


@router.post("/proposals/{proposal_id}/unsign", response={200: ProposalOut, **ERRORS}, auth=api_auth.VOTE)
def unsign_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """Withdraw your co-signature while the proposal is open for debate."""
    proposal = access.access_proposal(request.user, proposal_id)
    services.proposal_unsign(actor=cast(Member, request.user), proposal=proposal)
    return _out(proposal, selectors.signature_count(proposal))
