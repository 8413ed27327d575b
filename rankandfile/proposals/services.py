"""Every write to proposals, counter-proposals and amendments: one transaction each (docs/proposals.md).

Status changes are audit-chain entries; co-signature counts are broadcast live after commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.meetings.models import AgendaItem
from rankandfile.notifications import services as notifications
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import CHAIR_MEETINGS, MANAGE_BALLOTS
from rankandfile.org.models import Member, Unit
from rankandfile.proposals import live
from rankandfile.proposals.access import require_unit_member
from rankandfile.proposals.domain import lifecycle, texts
from rankandfile.proposals.models import Amendment, CoSignature, DecisionRules, Proposal, Revision

TITLE_MAX = 200


def _clean_text(title: str, text: str) -> tuple[str, str]:
    title, text = title.strip(), text.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the proposal a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %d characters.") % TITLE_MAX
    if not text:
        errors["text"] = _("Write the text of the proposal.")
    if errors:
        raise ValidationError(errors)
    return title, text


def _require_author(actor: Member, proposal: Proposal) -> None:
    if proposal.author_id != actor.pk:
        raise ValidationError(_("Only the proposal's author may do this."))


def _set_status(proposal: Proposal, status: str, *, actor: Member | None, reason: str = "") -> None:
    """Move a proposal along its life (domain.lifecycle), audited. Runs inside the caller's transaction."""
    refusal = lifecycle.transition_refusal(proposal.status, status)
    if refusal:
        raise ValidationError({"status": _("%(title)s: %(why)s") % {"title": proposal.title, "why": refusal}})
    old = proposal.status
    proposal.status = status
    fields = ["status", "version"]
    if status == Proposal.Status.SUBMITTED and proposal.submitted_at is None:
        proposal.submitted_at = timezone.now()
        fields.append("submitted_at")
    if status in lifecycle.FINAL:
        proposal.decided_at = timezone.now()
        fields.append("decided_at")
    proposal.version = F("version") + 1
    proposal.save(update_fields=fields)
    proposal.refresh_from_db(fields=["version"])
    record(
        f"proposal.{status}",
        actor=actor,
        obj=proposal,
        payload={"from": old, "to": status, "unit": proposal.unit.path, "reason": reason},
    )
    live.feed.publish_on_commit(proposal.pk)


# --- proposals and counter-proposals ---------------------------------------------------------------------
def proposal_create(*, actor: Member, unit: Unit, title: str, text: str, answers: Proposal | None = None) -> Proposal:
    """A new draft by `actor`, a member of `unit`. A counter-proposal answers a submitted proposal of that unit."""
    title, text = _clean_text(title, text)
    if answers is not None:
        unit = answers.unit
        if answers.is_counter:
            raise ValidationError(
                {"answers": _("A counter-proposal answers a proposal, not another counter-proposal.")}
            )
        if answers.status not in lifecycle.OPEN_FOR_DEBATE:
            raise ValidationError(
                {"answers": _("Counter-proposals can be filed only while the proposal is submitted or on an agenda.")}
            )
    require_unit_member(actor, unit)
    if unit.is_dissolved:
        raise ValidationError({"unit": _("The unit is dissolved.")})
    with transaction.atomic():
        proposal = Proposal.objects.create(unit=unit, answers=answers, title=title, text=text, author=actor)
        Revision.objects.create(
            proposal=proposal, number=1, title=title, text=text, author=actor, note=_("First draft")
        )
    return proposal


def proposal_edit(*, actor: Member, proposal: Proposal, title: str, text: str, note: str = "") -> Proposal:
    """The author changes the text: a new revision, the old ones kept. Not once a ballot carries the proposal."""
    _require_author(actor, proposal)
    title, text = _clean_text(title, text)
    if proposal.status not in lifecycle.EDITABLE:
        raise ValidationError(_("A proposal on a ballot, decided or withdrawn cannot be changed."))
    if title == proposal.title and not texts.has_changes(proposal.text, text):
        raise ValidationError({"text": _("Nothing changed.")})
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if Amendment.objects.filter(proposal=locked, status=Amendment.Status.ON_BALLOT).exists():
            raise ValidationError(_("An amendment to this proposal is being voted on; the text is frozen until then."))
        _new_revision(locked, title=title, text=text, author=actor, note=note.strip()[:300] or _("Edited"))
    proposal.refresh_from_db()
    return proposal


def _new_revision(proposal: Proposal, *, title: str, text: str, author: Member, note: str) -> Revision:
    proposal.revision += 1
    proposal.title, proposal.text = title, text
    proposal.version = F("version") + 1
    proposal.save(update_fields=["revision", "title", "text", "version"])
    proposal.refresh_from_db(fields=["version"])
    return Revision.objects.create(
        proposal=proposal, number=proposal.revision, title=title, text=text, author=author, note=note
    )


def proposal_submit(*, actor: Member, proposal: Proposal) -> Proposal:
    _require_author(actor, proposal)
    if proposal.answers is not None and proposal.answers.status not in lifecycle.OPEN_FOR_DEBATE:
        raise ValidationError(_("The proposal this answers is no longer open for counter-proposals."))
    with transaction.atomic():
        _set_status(proposal, Proposal.Status.SUBMITTED, actor=actor)
    return proposal


def proposal_withdraw(*, actor: Member, proposal: Proposal) -> Proposal:
    _require_author(actor, proposal)
    with transaction.atomic():
        _set_status(proposal, Proposal.Status.WITHDRAWN, actor=actor)
    return proposal


def proposal_put_on_agenda(*, actor: Member, proposal: Proposal, agenda_item: AgendaItem | None = None) -> Proposal:
    """A chair puts a submitted proposal on a meeting's agenda (`chair_meetings` in its unit), naming the agenda
    item of a meeting of that unit when there is one."""
    require_capability(actor, proposal.unit, CHAIR_MEETINGS)
    if agenda_item is not None and agenda_item.meeting.unit_id != proposal.unit_id:
        raise ValidationError({"agenda_item": _("Choose an agenda item of a meeting of %s.") % proposal.unit.name})
    with transaction.atomic():
        if agenda_item is not None:
            proposal.agenda_item = agenda_item
            proposal.save(update_fields=["agenda_item"])
        _set_status(proposal, Proposal.Status.ON_AGENDA, actor=actor)
    return proposal


# --- co-signatures --------------------------------------------------------------------------------------
def proposal_sign(*, actor: Member, proposal: Proposal) -> CoSignature:
    require_unit_member(actor, proposal.unit)
    if proposal.author_id == actor.pk:
        raise ValidationError(_("You wrote this proposal; co-signatures come from other members."))
    if proposal.status not in lifecycle.OPEN_FOR_DEBATE:
        raise ValidationError(_("Only a submitted proposal open for debate can be co-signed."))
    try:
        with transaction.atomic():
            signature = CoSignature.objects.create(proposal=proposal, member=actor, revision=proposal.revision)
            _bump(proposal)
    except IntegrityError:
        raise ValidationError(_("You have already co-signed this proposal.")) from None
    notifications.notify_on_commit(
        kind="proposal.cosigned", object_id=proposal.pk, event=f"by-{actor.pk}", recipients=[proposal.author_id]
    )
    return signature


def proposal_unsign(*, actor: Member, proposal: Proposal) -> None:
    if proposal.status not in lifecycle.OPEN_FOR_DEBATE:
        raise ValidationError(_("Signatures are final once the proposal is on a ballot or decided."))
    with transaction.atomic():
        deleted, _rows = CoSignature.objects.filter(proposal=proposal, member=actor).delete()
        if not deleted:
            raise ValidationError(_("You have not co-signed this proposal."))
        _bump(proposal)


def _bump(proposal: Proposal) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(version=F("version") + 1)
    proposal.refresh_from_db(fields=["version"])
    live.feed.publish_on_commit(proposal.pk)


# --- amendments -----------------------------------------------------------------------------------------
def amendment_propose(*, actor: Member, proposal: Proposal, text: str, rationale: str = "") -> Amendment:
    require_unit_member(actor, proposal.unit)
    text = text.strip()
    if proposal.author_id == actor.pk:
        raise ValidationError(_("You wrote this proposal: edit it instead of amending it."))
    if proposal.status not in lifecycle.OPEN_FOR_DEBATE:
        raise ValidationError(_("Amendments can be proposed only while the proposal is submitted or on an agenda."))
    if not text:
        raise ValidationError({"text": _("Write the amended text.")})
    if not texts.has_changes(proposal.text, text):
        raise ValidationError({"text": _("The amended text is the same as the proposal's.")})
    with transaction.atomic():
        amendment = Amendment.objects.create(
            proposal=proposal, author=actor, base_revision=proposal.revision, text=text, rationale=rationale.strip()
        )
        _bump(proposal)
    return amendment


def amendment_accept(*, actor: Member, amendment: Amendment) -> Amendment:
    """The proposal's author accepts an amendment as friendly: it becomes the proposal's next revision."""
    proposal = amendment.proposal
    _require_author(actor, proposal)
    if amendment.status != Amendment.Status.PROPOSED:
        raise ValidationError(_("Only a proposed amendment can be accepted."))
    if proposal.status not in lifecycle.OPEN_FOR_DEBATE:
        raise ValidationError(_("The proposal is no longer open for debate."))
    with transaction.atomic():
        _apply(amendment, Amendment.Status.ACCEPTED, note=_("Friendly amendment by %s accepted") % amendment.author)
        record("amendment.accepted", actor=actor, obj=amendment, payload={"proposal": proposal.pk})
    return amendment


def amendment_withdraw(*, actor: Member, amendment: Amendment) -> Amendment:
    if amendment.author_id != actor.pk:
        raise ValidationError(_("Only the amendment's author may withdraw it."))
    if amendment.status != Amendment.Status.PROPOSED:
        raise ValidationError(_("Only a proposed amendment can be withdrawn."))
    with transaction.atomic():
        amendment.status = Amendment.Status.WITHDRAWN
        amendment.decided_at = timezone.now()
        amendment.save(update_fields=["status", "decided_at"])
        _bump(amendment.proposal)
    return amendment


def _apply(amendment: Amendment, status: str, *, note: str) -> None:
    proposal = Proposal.objects.select_for_update().get(pk=amendment.proposal_id)
    if amendment.base_revision != proposal.revision:
        raise ValidationError(
            _(
                "The proposal has changed since this amendment was written (revision %(base)d, now %(now)d): "
                "its author should file it again against the current text."
            )
            % {"base": amendment.base_revision, "now": proposal.revision}
        )
    revision = _new_revision(proposal, title=proposal.title, text=amendment.text, author=amendment.author, note=note)
    amendment.status = status
    amendment.applied_revision = revision.number
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "applied_revision", "decided_at"])
    live.feed.publish_on_commit(proposal.pk)


# --- decisions, called by the ballots service -----------------------------------------------------------
def proposals_put_on_ballot(*, proposals: Iterable[Proposal], actor: Member | None) -> None:
    for proposal in proposals:
        _set_status(proposal, Proposal.Status.ON_BALLOT, actor=actor)


def amendments_put_on_ballot(*, amendments: Iterable[Amendment]) -> None:
    for amendment in amendments:
        if amendment.status != Amendment.Status.PROPOSED:
            raise ValidationError(_("Amendment %d is not open for a vote.") % amendment.pk)
        amendment.status = Amendment.Status.ON_BALLOT
        amendment.save(update_fields=["status"])


def proposal_decide(*, proposal: Proposal, adopted: bool | None, reason: str) -> None:
    """A ballot's outcome: adopted, rejected, or (None) no decision, back to debate. Inside the ballot's close."""
    if adopted is None:
        status = Proposal.Status.SUBMITTED
    else:
        status = Proposal.Status.ADOPTED if adopted else Proposal.Status.REJECTED
    _set_status(proposal, status, actor=None, reason=reason)


def amendment_decide(*, amendment: Amendment, adopted: bool | None, reason: str) -> None:
    if adopted is None:
        amendment.status = Amendment.Status.PROPOSED
        amendment.save(update_fields=["status"])
    elif adopted:
        _apply(amendment, Amendment.Status.ADOPTED, note=_("Amendment adopted by ballot: %s") % reason)
    else:
        amendment.status = Amendment.Status.REJECTED
        amendment.decided_at = timezone.now()
        amendment.save(update_fields=["status", "decided_at"])
    record("amendment.decided", obj=amendment, payload={"adopted": adopted, "reason": reason})


# --- rules ----------------------------------------------------------------------------------------------
def rules_set(
    *, actor: Member, unit: Unit, counter_cosigners: int, counter_cosigner_percent: int | None, choice_method: str
) -> DecisionRules:
    """Set the unit's decision rules (capability `manage_ballots` in the unit)."""
    require_capability(actor, unit, MANAGE_BALLOTS)
    rules = DecisionRules.objects.filter(unit=unit).first() or DecisionRules(unit=unit)
    rules.counter_cosigners = counter_cosigners
    rules.counter_cosigner_percent = counter_cosigner_percent
    rules.choice_method = choice_method
    rules.full_clean()
    with transaction.atomic():
        rules.save()
        record(
            "rules.set",
            actor=actor,
            obj=rules,
            payload={
                "unit": unit.path,
                "counter_cosigners": counter_cosigners,
                "counter_cosigner_percent": counter_cosigner_percent,
                "choice_method": choice_method,
            },
        )
    return rules
