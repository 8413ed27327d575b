"""Proposal endpoints: the same access and service functions as the pages (docs/proposals.md, "API")."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from rankandfile.api_errors import ERRORS
from rankandfile.org import access as org_access
from rankandfile.org import api_auth
from rankandfile.org.domain.capabilities import CHAIR_MEETINGS, MANAGE_BALLOTS
from rankandfile.org.models import Member, Unit
from rankandfile.proposals import access, selectors, services
from rankandfile.proposals.models import Amendment, Proposal

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


# --- writing: the page actions, with the same rules (docs/api.md) ----------------------------------------------
class ProposalIn(Schema):
    title: str
    text: str


class RevisionIn(ProposalIn):
    note: str = ""


class AgendaIn(Schema):
    agenda_item_id: int | None = None  # an item of a meeting of the proposal's unit; none: the next meeting's


class AmendmentIn(Schema):
    text: str
    rationale: str = ""


class AmendmentOut(Schema):
    id: int
    proposal_id: int
    author_id: int
    base_revision: int
    text: str
    rationale: str
    status: str
    applied_revision: int | None


class RulesIn(Schema):
    counter_cosigners: int
    counter_cosigner_percent: int | None = None
    choice_method: str


class RulesOut(RulesIn):
    unit_id: int
    cosigners_required: int


def _member(request: HttpRequest) -> Member:
    return cast(Member, request.user)


def _signed(proposal: Proposal) -> dict[str, Any]:
    return _out(proposal, selectors.signature_count(proposal))


@router.post("/units/{unit_id}/proposals", response={201: ProposalOut, **ERRORS}, auth=api_auth.VOTE)
def create_proposal(request: HttpRequest, unit_id: int, body: ProposalIn) -> Status[dict[str, Any]]:
    """File a proposal (a draft only you see until you submit it): members of the unit in good standing."""
    unit = org_access.access_unit(request.user, unit_id)
    access.require_unit_member(request.user, unit)
    proposal = services.proposal_create(actor=_member(request), unit=unit, title=body.title, text=body.text)
    return Status(201, _out(proposal, 0))


@router.post("/proposals/{proposal_id}/counter-proposals", response={201: ProposalOut, **ERRORS}, auth=api_auth.VOTE)
def create_counter_proposal(request: HttpRequest, proposal_id: int, body: ProposalIn) -> Status[dict[str, Any]]:
    """File a counter-proposal (a draft until submitted): members of the unit, against a proposal open for debate."""
    answers = access.access_proposal(request.user, proposal_id)
    access.require_unit_member(request.user, answers.unit)
    proposal = services.proposal_create(
        actor=_member(request), unit=answers.unit, title=body.title, text=body.text, answers=answers
    )
    return Status(201, _out(proposal, 0))


@router.post("/proposals/{proposal_id}/revisions", response={201: ProposalOut, **ERRORS}, auth=api_auth.VOTE)
def revise_proposal(request: HttpRequest, proposal_id: int, body: RevisionIn) -> Status[dict[str, Any]]:
    """Edit your proposal (a new revision; every revision is kept): the author only, until a ballot carries it."""
    proposal = access.access_proposal(request.user, proposal_id, for_write=True)
    services.proposal_edit(actor=_member(request), proposal=proposal, title=body.title, text=body.text, note=body.note)
    return Status(201, _signed(proposal))


@router.post("/proposals/{proposal_id}/submit", response={200: ProposalOut, **ERRORS}, auth=api_auth.VOTE)
def submit_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """Submit your draft: members can now read, co-sign, counter and amend it. The author only."""
    proposal = access.access_proposal(request.user, proposal_id, for_write=True)
    services.proposal_submit(actor=_member(request), proposal=proposal)
    return _signed(proposal)


@router.post("/proposals/{proposal_id}/withdraw", response={200: ProposalOut, **ERRORS}, auth=api_auth.VOTE)
def withdraw_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """Withdraw your proposal: the author only, until a ballot carries it."""
    proposal = access.access_proposal(request.user, proposal_id, for_write=True)
    services.proposal_withdraw(actor=_member(request), proposal=proposal)
    return _signed(proposal)


@router.post("/proposals/{proposal_id}/agenda", response={200: ProposalOut, **ERRORS}, auth=api_auth.MANAGE)
def put_proposal_on_agenda(request: HttpRequest, proposal_id: int, body: AgendaIn) -> dict[str, Any]:
    """Put a submitted proposal on a meeting's agenda: `chair_meetings` in the proposal's unit."""
    proposal = access.access_proposal(request.user, proposal_id)
    org_access.require_capability(request.user, proposal.unit, CHAIR_MEETINGS)
    item = None
    if body.agenda_item_id is not None:
        item = selectors.agenda_item_of_unit(proposal.unit, str(body.agenda_item_id))
        if item is None:
            raise ValidationError({"agenda_item_id": _("No such agenda item in a meeting of this unit.")})
    services.proposal_put_on_agenda(actor=_member(request), proposal=proposal, agenda_item=item)
    return _signed(proposal)


@router.get("/proposals/{proposal_id}/amendments", response={200: list[AmendmentOut], **ERRORS})
def proposal_amendments(request: HttpRequest, proposal_id: int) -> list[Amendment]:
    """The amendments proposed to a proposal, oldest first."""
    return selectors.amendments_of(access.access_proposal(request.user, proposal_id))


@router.post("/proposals/{proposal_id}/amendments", response={201: AmendmentOut, **ERRORS}, auth=api_auth.VOTE)
def propose_amendment(request: HttpRequest, proposal_id: int, body: AmendmentIn) -> Status[Amendment]:
    """Propose an amendment (the whole amended text): members of the unit other than the author, while the
    proposal is open for debate."""
    proposal = access.access_proposal(request.user, proposal_id)
    access.require_unit_member(request.user, proposal.unit)
    amendment = services.amendment_propose(
        actor=_member(request), proposal=proposal, text=body.text, rationale=body.rationale
    )
    return Status(201, amendment)


@router.get("/amendments/{amendment_id}", response={200: AmendmentOut, **ERRORS})
def get_amendment(request: HttpRequest, amendment_id: int) -> Amendment:
    return access.access_amendment(request.user, amendment_id)


@router.post("/amendments/{amendment_id}/accept", response={200: AmendmentOut, **ERRORS}, auth=api_auth.VOTE)
def accept_amendment(request: HttpRequest, amendment_id: int) -> Amendment:
    """Accept an amendment as friendly (it becomes the next revision): the proposal's author."""
    amendment = access.access_amendment(request.user, amendment_id)
    return services.amendment_accept(actor=_member(request), amendment=amendment)


@router.post("/amendments/{amendment_id}/withdraw", response={200: AmendmentOut, **ERRORS}, auth=api_auth.VOTE)
def withdraw_amendment(request: HttpRequest, amendment_id: int) -> Amendment:
    """Withdraw your amendment while it is proposed: its author."""
    amendment = access.access_amendment(request.user, amendment_id)
    return services.amendment_withdraw(actor=_member(request), amendment=amendment)


def _rules_out(unit: Unit) -> dict[str, Any]:
    rules = selectors.rules_for(unit)
    return {
        "unit_id": unit.pk,
        "counter_cosigners": rules.counter_cosigners,
        "counter_cosigner_percent": rules.counter_cosigner_percent,
        "choice_method": rules.choice_method,
        "cosigners_required": selectors.cosigners_required(unit),
    }


@router.get("/units/{unit_id}/decision-rules", response={200: RulesOut, **ERRORS})
def get_decision_rules(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """The unit's decision rules (its own or its nearest ancestor's): members in good standing."""
    return _rules_out(org_access.access_unit(request.user, unit_id))


@router.post("/units/{unit_id}/decision-rules", response={200: RulesOut, **ERRORS}, auth=api_auth.MANAGE)
def set_decision_rules(request: HttpRequest, unit_id: int, body: RulesIn) -> dict[str, Any]:
    """Set the co-signers a counter-proposal needs and the method of choice ballots: `manage_ballots` in the unit."""
    unit = org_access.access_unit(request.user, unit_id, capability=MANAGE_BALLOTS)
    services.rules_set(
        actor=_member(request),
        unit=unit,
        counter_cosigners=body.counter_cosigners,
        counter_cosigner_percent=body.counter_cosigner_percent,
        choice_method=body.choice_method,
    )
    return _rules_out(unit)
