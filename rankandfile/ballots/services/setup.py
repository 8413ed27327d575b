"""Setting a ballot up and opening it: `manage_ballots` in the ballot's unit; opening is an audit entry.

A ballot on a proposal opens only with every counter-proposal that has enough co-signers on its paper
(DESIGN §5). A ballot decides only proposals and amendments of its own unit: its roll is that unit's members, and
a proposal of a branch is for the branch's members to decide (not a sibling's, nor the district's above it).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.audit.services import record
from rankandfile.ballots import live, selectors
from rankandfile.ballots.domain import kinds
from rankandfile.ballots.models import Ballot, BallotOption, EligibleVoter
from rankandfile.notifications import services as notifications
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member, Unit
from rankandfile.proposals import selectors as proposal_selectors
from rankandfile.proposals import services as proposal_services
from rankandfile.proposals.models import Amendment, Proposal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OptionSpec:
    label: str
    description: str = ""
    proposal: Proposal | None = None
    candidate: Member | None = None


# --- setting a ballot up ------------------------------------------------------------------------------------
SETUP_MESSAGES = {
    "method": gettext_lazy("This counting method does not fit this kind of ballot."),
    "seats": gettext_lazy("Check the number of seats: one-seat methods fill exactly one."),
    "options": gettext_lazy("A ballot needs at least two options, and an election more candidates than seats."),
}


def options_for(
    *,
    kind: str,
    proposal: Proposal | None,
    alternatives: Sequence[Proposal],
    labels: Sequence[str],
) -> list[OptionSpec]:
    """The ballot paper's lines for each kind (elections build theirs from the nominations)."""
    if kind == kinds.Kind.QUESTION:
        return [OptionSpec(label) for label in kinds.QUESTION_OPTIONS]
    if kind == kinds.Kind.CHOICE:
        if proposal is None:
            raise ValidationError({"proposal": _("A choice between alternatives starts from a proposal.")})
        papers = [proposal, *[p for p in alternatives if p.pk != proposal.pk]]
        return [OptionSpec(p.title, proposal=p) for p in papers] + [OptionSpec(kinds.NONE_OF_THESE)]
    if kind == kinds.Kind.SURVEY:
        return [OptionSpec(label.strip()) for label in labels if label.strip()]
    raise ValidationError({"kind": _("Elections are set up from their nominations.")})


def _unique_labels(options: Sequence[OptionSpec]) -> list[OptionSpec]:
    """Labels are the candidate names of the exported box: make equal ones distinct ("Sam Lee (2)")."""
    seen: dict[str, int] = {}
    result = []
    for option in options:
        label = option.label.strip()[:190] or "?"
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        result.append(OptionSpec(label, option.description, option.proposal, option.candidate))
    return result


def unit_refusals(
    unit_id: int, proposal: Proposal | None, amendment: Amendment | None, papers: Sequence[Proposal]
) -> dict[str, str]:
    """Field → reason, when the ballot would decide a proposal or amendment of a unit other than its own."""
    problems: dict[str, str] = {}
    if amendment is not None and (proposal is None or amendment.proposal_id != proposal.pk):
        problems["amendment"] = _("An amendment is voted on with the proposal it amends.")
    if any(paper.unit_id != unit_id for paper in [*([proposal] if proposal else []), *papers]):
        problems["proposal"] = _(
            "A ballot decides only proposals of its own unit: set it up in the proposal's unit, whose members "
            "make its roll."
        )
    return problems


def ballot_create(
    *,
    actor: Member,
    unit: Unit,
    title: str,
    kind: str,
    method: str,
    cutoff_on: dt.date,
    options: Sequence[OptionSpec],
    description: str = "",
    seats: int = 1,
    threshold: str = "majority",
    quorum: int | None = None,
    mode: str = Ballot.Mode.REMOTE,
    closes_at: dt.datetime | None = None,
    proposal: Proposal | None = None,
    amendment: Amendment | None = None,
) -> Ballot:
    """A draft ballot (`manage_ballots` in the unit)."""
    require_capability(actor, unit, MANAGE_BALLOTS)
    options = _unique_labels(options)
    problems = kinds.setup_problems(kind, method, seats, len(options))
    if problems:
        raise ValidationError({field: str(SETUP_MESSAGES[field]) for field in problems})
    if not title.strip():
        raise ValidationError({"title": _("Give the ballot a title.")})
    if unit.is_dissolved:
        raise ValidationError({"unit": _("The unit is dissolved.")})
    refusals = unit_refusals(unit.pk, proposal, amendment, [o.proposal for o in options if o.proposal])
    if refusals:
        raise ValidationError(refusals)
    with transaction.atomic():
        ballot = Ballot(
            unit=unit,
            title=title.strip(),
            description=description.strip(),
            kind=kind,
            method=method,
            seats=seats,
            threshold=threshold,
            quorum=quorum,
            mode=mode,
            cutoff_on=cutoff_on,
            closes_at=closes_at,
            created_by=actor,
            proposal=proposal,
            amendment=amendment,
        )
        ballot.full_clean(exclude=["created_by"])
        ballot.save()
        BallotOption.objects.bulk_create(
            BallotOption(
                ballot=ballot,
                position=i,
                label=o.label,
                description=o.description,
                proposal=o.proposal,
                candidate=o.candidate,
            )
            for i, o in enumerate(options, start=1)
        )
    return ballot


def ballot_set_alternatives(*, actor: Member, ballot: Ballot, alternatives: Sequence[Proposal]) -> Ballot:
    """Change which counter-proposals a draft choice ballot carries (the proposal itself always stays)."""
    require_capability(actor, ballot.unit, MANAGE_BALLOTS)
    if ballot.status != Ballot.Status.DRAFT or ballot.kind != Ballot.Kind.CHOICE or ballot.proposal is None:
        raise ValidationError(_("Only a draft choice between alternatives can change its alternatives."))
    specs = _unique_labels(
        options_for(kind=ballot.kind, proposal=ballot.proposal, alternatives=alternatives, labels=[])
    )
    refusals = unit_refusals(ballot.unit_id, ballot.proposal, None, [o.proposal for o in specs if o.proposal])
    if refusals:
        raise ValidationError(refusals)
    with transaction.atomic():
        ballot.options.all().delete()
        BallotOption.objects.bulk_create(
            BallotOption(ballot=ballot, position=i, label=o.label, proposal=o.proposal)
            for i, o in enumerate(specs, start=1)
        )
    return ballot


# --- opening ------------------------------------------------------------------------------------------------
def _proposal_ids(ballot: Ballot) -> set[int]:
    """The proposals a ballot decides: the one it is about and every alternative on its paper."""
    ids = {pk for pk in ballot.options.values_list("proposal_id", flat=True) if pk}
    if ballot.proposal_id:
        ids.add(ballot.proposal_id)
    return ids


def _refusals_about_proposals(ballot: Ballot) -> list[str]:
    """The rules of DESIGN §5 that a ballot on a proposal must meet before it opens."""
    papers = list(Proposal.objects.filter(pk__in=_proposal_ids(ballot)))
    problems = list(unit_refusals(ballot.unit_id, ballot.proposal, ballot.amendment, papers).values())
    if problems:  # set up before the rule held: never let it decide another unit's proposals
        return problems
    if ballot.amendment is not None:
        amendment = ballot.amendment
        if amendment.status != Amendment.Status.PROPOSED:
            problems.append(_("This amendment is no longer open for a vote."))
        if amendment.proposal.status not in (Proposal.Status.SUBMITTED, Proposal.Status.ON_AGENDA):
            problems.append(_("The amended proposal is no longer open for debate."))
        return problems
    proposal = ballot.proposal
    if proposal is None:
        return problems
    on_paper = {paper.pk for paper in papers}
    for paper in papers:
        if paper.status not in (Proposal.Status.SUBMITTED, Proposal.Status.ON_AGENDA):
            problems.append(_("“%s” is not open for a vote (it is %s).") % (paper.title, paper.get_status_display()))
    needed = proposal_selectors.cosigners_required(proposal.unit)
    for counter in proposal_selectors.counter_proposals(proposal):
        if counter.qualifies and counter.proposal.pk not in on_paper:
            problems.append(
                _(
                    "The counter-proposal “%(title)s” has %(n)d co-signers (the rule is %(needed)d), so it must be "
                    "on the same ballot as “%(proposal)s”: add it to this ballot (a choice between alternatives)."
                )
                % {
                    "title": counter.proposal.title,
                    "n": counter.signatures,
                    "needed": needed,
                    "proposal": proposal.title,
                }
            )
    for amendment in proposal_selectors.pending_amendments(proposal):
        problems.append(
            _(
                "Amendment %(n)d by %(who)s is still pending: amendments are decided before the main question "
                "(accepted by the author, withdrawn, or voted on)."
            )
            % {"n": amendment.pk, "who": amendment.author}
        )
    return problems


def _roll_freeze(ballot: Ballot, eligible: QuerySet[Member]) -> int:
    """Copy the eligible members onto the ballot's roll inside the database (one INSERT ... SELECT) and return how
    many: at 100,000 members building a model instance per row took 10 s a ballot, this takes well under one."""
    members = eligible.order_by().values("id").distinct()
    select, params = members.query.sql_with_params()
    table = connection.ops.quote_name(EligibleVoter._meta.db_table)
    ballot_column = connection.ops.quote_name(EligibleVoter._meta.get_field("ballot").column)
    member_column = connection.ops.quote_name(EligibleVoter._meta.get_field("member").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({ballot_column}, {member_column}) SELECT %s, roll.id FROM ({select}) roll",  # noqa: S608 (names from the model, values as parameters)
            [ballot.pk, *params],
        )
        return int(cursor.rowcount)


def ballot_open(*, actor: Member, ballot: Ballot, closes_at: dt.datetime | None = None) -> Ballot:
    """Freeze the roll and open the ballot. Refuses, naming every reason, when a rule is not met."""
    require_capability(actor, ballot.unit, MANAGE_BALLOTS)
    now = timezone.now()
    closes_at = closes_at or ballot.closes_at
    with transaction.atomic():
        ballot = (
            Ballot.objects.select_for_update(of=("self",))
            .select_related("unit", "proposal", "amendment__proposal")
            .get(pk=ballot.pk)
        )
        if ballot.status != Ballot.Status.DRAFT:
            raise ValidationError(_("This ballot has already been opened."))
        problems = _refusals_about_proposals(ballot)
        if ballot.mode == Ballot.Mode.REMOTE and closes_at is None:
            problems.append(_("A remote ballot needs a closing time."))
        if closes_at is not None and closes_at <= now:
            problems.append(_("The closing time must be in the future."))
        eligible = selectors.eligible_members(ballot.unit, ballot.cutoff_on)
        if not eligible.exists():
            problems.append(_("Nobody is eligible: no member in good standing joined by the cut-off date."))
        if problems:
            raise ValidationError({"__all__": problems})
        roll = _roll_freeze(ballot, eligible)
        ballot.status, ballot.opened_at, ballot.closes_at = Ballot.Status.OPEN, now, closes_at
        ballot.eligible_count = roll
        ballot.version = F("version") + 1
        ballot.save(update_fields=["status", "opened_at", "closes_at", "eligible_count", "version"])
        ballot.refresh_from_db(fields=["version"])
        if ballot.amendment is not None:
            proposal_services.amendments_put_on_ballot(amendments=[ballot.amendment])
        elif ballot.proposal is not None:
            papers = Proposal.objects.filter(pk__in=_proposal_ids(ballot))
            proposal_services.proposals_put_on_ballot(proposals=papers, actor=actor)
        record(
            "ballot.open",
            actor=actor,
            obj=ballot,
            payload={
                "unit": ballot.unit.path,
                "title": ballot.title,
                "kind": ballot.kind,
                "method": ballot.method,
                "seats": ballot.seats,
                "threshold": ballot.threshold,
                "quorum": ballot.quorum,
                "cutoff_on": ballot.cutoff_on.isoformat(),
                "closes_at": closes_at.isoformat() if closes_at else None,
                "eligible": roll,
                "options": selectors.option_labels(ballot),
            },
        )
        live.feed.publish_on_commit(ballot.pk, at_once=True)
        notifications.notify_on_commit(kind="ballot.opened", object_id=ballot.pk)
    return ballot


def ballot_open_by_rule(
    *,
    unit: Unit,
    title: str,
    description: str,
    roll: Sequence[int],
    closes_at: dt.datetime,
    threshold: str,
    quorum: int | None,
    reason: str,
) -> Ballot:
    """Set up and open a secret yes/no ballot because a rule says so (a recall petition at its threshold), on the
    roll the caller froze: no officer sets it up, words it or opens it, and none may close it early
    (closing.ballot_close). Inside the caller's transaction; audited like every opening, with no actor."""
    if not roll:
        raise ValidationError(_("Nobody is on the roll."))
    now = timezone.now()
    ballot = Ballot(
        unit=unit,
        title=title.strip()[:200],
        description=description.strip(),
        kind=kinds.Kind.QUESTION,
        method=kinds.Method.YES_NO,
        threshold=threshold,
        quorum=quorum,
        mode=Ballot.Mode.REMOTE,
        cutoff_on=timezone.localdate(),
        closes_at=closes_at,
        created_by=None,
        opened_by_rule=True,
        status=Ballot.Status.OPEN,
        opened_at=now,
        eligible_count=len(set(roll)),
    )
    ballot.full_clean(exclude=["created_by"])
    ballot.save()
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, position=i, label=label) for i, label in enumerate(kinds.QUESTION_OPTIONS, 1)
    )
    EligibleVoter.objects.bulk_create(
        (EligibleVoter(ballot=ballot, member_id=pk) for pk in sorted(set(roll))), batch_size=2000
    )
    record(
        "ballot.open",
        actor=None,
        obj=ballot,
        payload={
            "unit": unit.path,
            "title": ballot.title,
            "kind": ballot.kind,
            "method": ballot.method,
            "seats": 1,
            "threshold": threshold,
            "quorum": quorum,
            "cutoff_on": ballot.cutoff_on.isoformat(),
            "closes_at": closes_at.isoformat(),
            "eligible": ballot.eligible_count,
            "options": list(kinds.QUESTION_OPTIONS),
            "opened_by_rule": reason,
        },
    )
    live.feed.publish_on_commit(ballot.pk, at_once=True)
    notifications.notify_on_commit(kind="ballot.opened", object_id=ballot.pk)
    return ballot
