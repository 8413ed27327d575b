"""Reads of proposals that cross relations or apply the rules of who sees what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from rankandfile.meetings.models import AgendaItem
from rankandfile.org.models import Member, Unit
from rankandfile.org.selectors import active_members
from rankandfile.proposals.domain import texts
from rankandfile.proposals.domain.lifecycle import OPEN_FOR_DEBATE
from rankandfile.proposals.models import Amendment, CoSignature, DecisionRules, Proposal, Revision


# --- rules ----------------------------------------------------------------------------------------------
def rules_for(unit: Unit) -> DecisionRules:
    """The unit's own rules, else its nearest ancestor's, else the defaults (unsaved)."""
    found = {
        r.unit.path: r
        for r in DecisionRules.objects.select_related("unit").filter(unit__path__in=unit.ancestor_paths())
    }
    for path in reversed(unit.ancestor_paths()):
        if path in found:
            return found[path]
    return DecisionRules(unit=unit)


def cosigners_required(unit: Unit) -> int:
    rules = rules_for(unit)
    members = active_members(unit).count() if rules.counter_cosigner_percent is not None else 0
    return texts.cosigners_required(rules.counter_cosigners, rules.counter_cosigner_percent, members)


# --- proposals ------------------------------------------------------------------------------------------
def proposal_by_id(proposal_id: int) -> Proposal | None:
    return (
        Proposal.objects.select_related("unit", "author", "answers", "agenda_item__meeting")
        .annotate(n_signatures=Count("cosignatures", distinct=True))
        .filter(pk=proposal_id)
        .first()
    )


def amendment_by_id(amendment_id: int) -> Amendment | None:
    return (
        Amendment.objects.select_related("proposal__unit", "proposal__author", "author").filter(pk=amendment_id).first()
    )


def proposals_of_unit(unit: Unit, viewer: Member, *, status: str = "") -> list[Proposal]:
    """The unit's proposals (not counter-proposals, which show under theirs), the viewer's drafts included."""
    visible = ~Q(status=Proposal.Status.DRAFT) | Q(author=viewer)
    rows = (
        Proposal.objects.filter(visible, unit=unit, answers__isnull=True)
        .select_related("author")
        .annotate(
            n_signatures=Count("cosignatures", distinct=True),
            n_counters=Count(
                "counter_proposals", filter=~Q(counter_proposals__status=Proposal.Status.DRAFT), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )
    if status:
        rows = rows.filter(status=status)
    return list(rows[:200])


@dataclass
class CounterSummary:
    proposal: Proposal
    signatures: int
    qualifies: bool


def counter_proposals(proposal: Proposal, viewer: Member | None = None) -> list[CounterSummary]:
    """The counter-proposals answering `proposal`, each with its signatures and whether it must be on the ballot."""
    needed = cosigners_required(proposal.unit)
    visible = ~Q(status=Proposal.Status.DRAFT)
    if viewer is not None:
        visible |= Q(author=viewer)
    rows = (
        Proposal.objects.filter(visible, answers=proposal)
        .select_related("author")
        .annotate(n_signatures=Count("cosignatures", distinct=True))
        .order_by("created_at", "id")
    )
    return [
        CounterSummary(
            row,
            row.n_signatures,
            row.status in OPEN_FOR_DEBATE and row.n_signatures >= needed,
        )
        for row in rows
    ]


def qualifying_counter_proposals(proposal: Proposal) -> list[Proposal]:
    """Counter-proposals that have the unit's number of co-signers: the ballot on `proposal` must carry them."""
    return [c.proposal for c in counter_proposals(proposal) if c.qualifies]


def pending_amendments(proposal: Proposal) -> list[Amendment]:
    return list(
        proposal.amendments.filter(status__in=[Amendment.Status.PROPOSED, Amendment.Status.ON_BALLOT]).select_related(
            "author"
        )
    )


def cosigners(proposal: Proposal) -> list[CoSignature]:
    return list(proposal.cosignatures.select_related("member").order_by("signed_at", "id"))


def has_signed(proposal: Proposal, member: Any) -> bool:
    return proposal.cosignatures.filter(member_id=member.pk).exists()


def signature_count(proposal: Proposal) -> int:
    return proposal.cosignatures.count()


def revisions(proposal: Proposal) -> list[Revision]:
    return list(proposal.revisions.select_related("author").order_by("number"))


def revision(proposal: Proposal, number: int) -> Revision | None:
    return proposal.revisions.filter(number=number).first()


def amendments_of(proposal: Proposal) -> list[Amendment]:
    return list(proposal.amendments.select_related("author").order_by("created_at", "id"))


def counter_proposal_queryset(proposal: Proposal) -> QuerySet[Proposal]:
    """Counter-proposals that can go on a ballot beside `proposal` (submitted, or on an agenda)."""
    return Proposal.objects.filter(answers=proposal, status__in=[s.value for s in OPEN_FOR_DEBATE]).order_by(
        "created_at"
    )


def counter_proposals_by_id(proposal: Proposal | None, ids: list[str]) -> list[Proposal]:
    if proposal is None:
        return []
    return list(counter_proposal_queryset(proposal).filter(pk__in=[i for i in ids if i.isdigit()]))


def ballots_about(proposal: Proposal) -> list[Any]:
    """Ballots deciding this proposal (or, for a counter-proposal, the proposal it answers) or its amendments."""
    subject = proposal.answers or proposal
    found = list(subject.ballots.order_by("-created_at"))
    for amendment in subject.amendments.all():
        found += list(amendment.ballots.order_by("-created_at"))
    return [b for b in found if b.status != "draft"]


def agenda_items_for(unit: Unit) -> list[AgendaItem]:
    """Agenda items of the unit's meetings that have not ended, to put a proposal on."""
    return list(
        AgendaItem.objects.filter(meeting__unit=unit, meeting__status__in=["scheduled", "open"])
        .select_related("meeting")
        .order_by("meeting__starts_at", "position", "id")[:50]
    )


def agenda_item_of_unit(unit: Unit, item_id: str) -> AgendaItem | None:
    if not item_id.isdigit():
        return None
    return AgendaItem.objects.filter(meeting__unit=unit, pk=int(item_id)).select_related("meeting").first()


def signer_of(proposal: Proposal, member_id: int) -> Member | None:
    """The member, if they co-sign the proposal now (for the author's notification)."""
    signature = CoSignature.objects.select_related("member").filter(proposal=proposal, member_id=member_id).first()
    return signature.member if signature is not None else None


# --- what needs a member (proposals/needs.py) ----------------------------------------------------------------
def open_for_signing(member: Member, units: Sequence[Unit]) -> list[Proposal]:
    """Proposals and counter-proposals of `units` open for debate that the member neither wrote nor signed,
    with their signature counts (one query)."""
    return list(
        Proposal.objects.filter(unit__in=units, status__in=OPEN_FOR_DEBATE)
        .exclude(author_id=member.pk)
        .exclude(cosignatures__member_id=member.pk)
        .select_related("unit", "answers")
        .annotate(n_signatures=Count("cosignatures", distinct=True))
        .order_by("-submitted_at", "-id")[:20]
    )
