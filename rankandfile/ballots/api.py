"""Ballot endpoints: the same access and service functions as the pages (docs/ballots.md, "API")."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from rankandfile.api_errors import ERRORS
from rankandfile.ballots import access, selectors, services
from rankandfile.ballots.domain import kinds
from rankandfile.ballots.models import Ballot
from rankandfile.org import access as org_access
from rankandfile.org import api_auth
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member
from rankandfile.proposals import selectors as proposal_selectors

router = Router(tags=["ballots"])


class BallotOut(Schema):
    id: int
    unit_id: int
    title: str
    description: str
    kind: str
    method: str
    seats: int
    threshold: str
    quorum: int | None
    mode: str
    status: str
    cutoff_on: dt.date
    closes_at: dt.datetime | None
    options: list[str]
    eligible: int | None
    cast: int


class CastIn(Schema):
    marks: list[str]


class OpenIn(Schema):
    closes_at: dt.datetime | None = None  # ISO 8601; without an offset, the site's time zone


class ReceiptOut(Schema):
    ballot_id: int
    content: dict[str, list[str]]
    receipt: str
    nonce: str


class ResultOut(Schema):
    id: int
    status: str
    verdict: str | None
    winners: list[str]
    quorum_met: bool | None
    cast: int | None
    eligible: int | None
    box_sha256: str
    seed: str
    report: dict[str, Any] | None
    figures_withheld: bool  # a survey under five responses: no winners, totals or report


def _out(ballot: Ballot) -> dict[str, Any]:
    return {
        **{f: getattr(ballot, f) for f in ("id", "unit_id", "title", "description", "kind", "method", "seats")},
        **{f: getattr(ballot, f) for f in ("threshold", "quorum", "mode", "status", "cutoff_on", "closes_at")},
        "options": selectors.option_labels(ballot),
        "eligible": ballot.eligible_count,
        "cast": selectors.participation_count(ballot.pk),
    }


@router.get("/units/{unit_id}/ballots", response={200: list[BallotOut], **ERRORS})
def unit_ballots(request: HttpRequest, unit_id: int) -> list[dict[str, Any]]:
    """The unit's ballots (drafts only with `manage_ballots`)."""
    unit = org_access.access_unit(request.user, unit_id)
    return [
        _out(b)
        for b in selectors.ballots_of_unit(unit)
        if b.status != Ballot.Status.DRAFT or access.can_manage(request.user, b)
    ]


@router.get("/ballots/{ballot_id}", response={200: BallotOut, **ERRORS})
def get_ballot(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    """A ballot, its options and the number of ballots cast (never how anyone voted)."""
    return _out(access.access_ballot_to_vote(request.user, ballot_id))


@router.post("/ballots/{ballot_id}/cast", response={201: ReceiptOut, **ERRORS}, auth=api_auth.VOTE)
def cast_ballot(request: HttpRequest, ballot_id: int, body: CastIn) -> Status[services.Receipt]:
    """Cast your ballot: `marks` are option names, best first for a ranked ballot. Final once cast.

    The response is the only copy of the check code (`nonce`): keep it to verify your ballot after the close.
    """
    ballot = access.access_ballot_to_vote(request.user, ballot_id)
    return Status(201, services.ballot_cast(voter=cast(Member, request.user), ballot=ballot, names=body.marks))


@router.post("/ballots/{ballot_id}/open", response={200: BallotOut, **ERRORS}, auth=api_auth.MANAGE)
def open_ballot(request: HttpRequest, ballot_id: int, body: OpenIn) -> dict[str, Any]:
    """Open a draft ballot: needs `manage_ballots` in its unit. The roll freezes now. A remote ballot needs
    `closes_at` (in the future); an in-meeting one may be closed by hand. Refused (422), naming every reason, when
    a rule is unmet — e.g. a qualifying counter-proposal missing from the ballot."""
    ballot = access.access_ballot(request.user, ballot_id, for_write=True)
    closes_at = body.closes_at
    if closes_at is not None and timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    opened = services.ballot_open(actor=cast(Member, request.user), ballot=ballot, closes_at=closes_at)
    return _out(access.access_ballot(request.user, opened.pk))


@router.post("/ballots/{ballot_id}/close", response={200: ResultOut, **ERRORS}, auth=api_auth.MANAGE)
def close_ballot(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    """Close an open ballot: needs `manage_ballots` in its unit. Shuffles and publishes the box, counts it, and
    returns the result as `GET /ballots/{id}/results` does."""
    ballot = access.access_ballot(request.user, ballot_id, for_write=True)
    services.ballot_close(actor=cast(Member, request.user), ballot=ballot)
    return ballot_results(request, ballot_id)


@router.get("/ballots/{ballot_id}/results", response={200: ResultOut, **ERRORS})
def ballot_results(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    """The result and the stage-by-stage report once closed; before that only the status. A survey with fewer
    than five responses shows no figures (`figures_withheld`), as on the results page."""
    ballot = access.access_ballot(request.user, ballot_id)
    results = selectors.ballot_results(ballot)
    decision = results.decision
    return {
        "id": ballot.pk,
        "status": ballot.status,
        "verdict": decision.verdict.value if decision else None,
        "winners": list(decision.winners) if decision else [],
        "quorum_met": decision.quorum_met if decision else None,
        "cast": ballot.cast_count,
        "eligible": ballot.eligible_count,
        "box_sha256": results.box_sha256,
        "seed": results.seed,
        "report": json.loads(results.report_json) if results.report_json else None,
        "figures_withheld": results.figures_withheld,
    }


@router.get("/ballots/{ballot_id}/box", response={200: dict[str, Any], **ERRORS})
def ballot_box(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    """The published ballot box (after close): the JSON `rankandfile tally` reads (docs/counting.md)."""
    ballot = access.access_published_ballot(request.user, ballot_id)
    document = json.loads(selectors.box_bytes(ballot))
    if not isinstance(document, dict):
        raise Http404
    return document


# --- setting a ballot up (the page's rules: docs/ballots.md) ------------------------------------------------------
class BallotIn(Schema):
    kind: str = "question"  # question | choice (a proposal and its counter-proposals) | survey; elections: /elections
    title: str
    description: str = ""
    method: str = ""  # empty: the kind's usual one (yes-no; the unit's choice method; plurality)
    threshold: str = "majority"  # a question's: majority | two-thirds | absolute
    quorum: int | None = None
    mode: str = "remote"  # remote | in_meeting
    cutoff_on: dt.date | None = None  # members who joined by this day may vote; default today
    closes_at: dt.datetime | None = None
    proposal_id: int | None = None  # a proposal of this unit the ballot decides (a question, or a choice)
    amendment_id: int | None = None  # an amendment to a proposal of this unit (a question)
    alternative_ids: list[int] | None = None  # a choice's counter-proposals; default every one of the proposal
    options: list[str] = []  # a survey's answers


class AlternativesIn(Schema):
    alternative_ids: list[int]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.make_aware(moment) if moment is not None and timezone.is_naive(moment) else moment


def _default_method(kind: str, proposal: Any, unit: Any) -> str:
    if kind == kinds.Kind.CHOICE:
        return str(proposal_selectors.rules_for(unit).choice_method)
    return str(kinds.METHODS_BY_KIND[kinds.Kind(kind)][0])


@router.post("/units/{unit_id}/ballots", response={201: BallotOut, **ERRORS}, auth=api_auth.MANAGE)
def create_ballot(request: HttpRequest, unit_id: int, body: BallotIn) -> Status[dict[str, Any]]:
    """Set up a draft ballot: `manage_ballots` in the unit. A ballot decides only proposals and amendments of its
    own unit (another unit's: 404). Open it with `POST /ballots/{id}/open`."""
    unit = org_access.access_unit(request.user, unit_id, capability=MANAGE_BALLOTS)
    if body.kind not in (kinds.Kind.QUESTION, kinds.Kind.CHOICE, kinds.Kind.SURVEY):
        raise ValidationError({"kind": _("Choose a question, a choice or a survey; elections start from a role.")})
    amendment = proposal = None
    if body.amendment_id is not None:
        amendment = access.access_amendment_to_decide(request.user, body.amendment_id, unit=unit)
        proposal = amendment.proposal
    elif body.proposal_id is not None:
        proposal = access.access_proposal_to_decide(request.user, body.proposal_id, unit=unit)
    alternatives: list[Any] = []
    if body.kind == kinds.Kind.CHOICE and proposal is not None:
        counters = proposal_selectors.counter_proposal_queryset(proposal)
        ids = body.alternative_ids
        alternatives = list(counters if ids is None else counters.filter(pk__in=ids))
    options = services.options_for(kind=body.kind, proposal=proposal, alternatives=alternatives, labels=body.options)
    ballot = services.ballot_create(
        actor=cast(Member, request.user),
        unit=unit,
        title=body.title,
        description=body.description,
        kind=body.kind,
        method=body.method or _default_method(body.kind, proposal, unit),
        threshold=body.threshold,
        quorum=body.quorum,
        mode=body.mode,
        cutoff_on=body.cutoff_on or timezone.localdate(),
        closes_at=_aware(body.closes_at),
        options=options,
        proposal=proposal,
        amendment=amendment,
    )
    return Status(201, _out(ballot))


@router.post("/ballots/{ballot_id}/alternatives", response={200: BallotOut, **ERRORS}, auth=api_auth.MANAGE)
def set_ballot_alternatives(request: HttpRequest, ballot_id: int, body: AlternativesIn) -> dict[str, Any]:
    """Change which counter-proposals a draft choice ballot carries (the proposal itself always stays):
    `manage_ballots` in the ballot's unit."""
    ballot = access.access_ballot(request.user, ballot_id, for_write=True)
    picked = proposal_selectors.counter_proposals_by_id(ballot.proposal, [str(i) for i in body.alternative_ids])
    services.ballot_set_alternatives(actor=cast(Member, request.user), ballot=ballot, alternatives=picked)
    return _out(ballot)
