"""Moderation under the period's published code of conduct: hide with a reason, never delete; appeals.

A hidden document stays listed with who hid it, when and why; its author may appeal; another moderator decides.
Every step is an audit-chain entry.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.bulletin.models import Appeal, Document
from rankandfile.notifications import services as notifications
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_BULLETIN
from rankandfile.org.models import Member

REASON_MIN = 10


def _reason(reason: str, field: str = "reason") -> str:
    reason = reason.strip()
    if len(reason) < REASON_MIN:
        raise ValidationError({field: _("Give the reason, citing the code of conduct (a sentence at least).")})
    return reason


def document_hide(*, actor: Member, document: Document, reason: str) -> Document:
    """A moderator (`manage_bulletin` in the period's unit) hides a submitted or published document, giving the
    reason under the period's code of conduct. It leaves any unpublished issue; nothing is deleted."""
    require_capability(actor, document.period.unit, MANAGE_BULLETIN)
    reason = _reason(reason)
    if not document.period.code_of_conduct.strip():
        raise ValidationError(_("This period has no published code of conduct: nothing can be hidden under it."))
    if document.status not in (Document.Status.SUBMITTED, Document.Status.PUBLISHED):
        raise ValidationError(_("Only a submitted or published document can be hidden."))
    if document.is_hidden:
        raise ValidationError(_("The document is already hidden."))
    with transaction.atomic():
        document.hidden_at, document.hidden_by, document.hidden_reason = timezone.now(), actor, reason
        fields = ["hidden_at", "hidden_by", "hidden_reason"]
        if document.issue_id is not None and document.status == Document.Status.SUBMITTED:
            document.issue = None
            fields.append("issue")
        document.save(update_fields=fields)
        record(
            "bulletin.document_hide",
            actor=actor,
            obj=document,
            payload={"reason": reason, "period": document.period_id, "author": document.author_id},
        )
        notifications.notify_on_commit(kind="bulletin.hidden", object_id=document.pk, recipients=[document.author_id])
    return document


def appeal_file(*, actor: Member, document: Document, text: str) -> Appeal:
    """The author appeals against the hiding of their document; one appeal at a time."""
    if document.author_id != actor.pk:
        raise ValidationError(_("Only the document's author may appeal."))
    if not document.is_hidden:
        raise ValidationError(_("The document is not hidden."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say why the document should be shown.")})
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                document=document,
                text=text,
                hidden_at=document.hidden_at,
                hidden_by=document.hidden_by,
                hidden_reason=document.hidden_reason,
            )
            record("bulletin.appeal_file", actor=actor, obj=appeal, payload={"document": document.pk})
    except IntegrityError:
        raise ValidationError(_("An appeal on this document is already waiting for a decision.")) from None
    return appeal


def appeal_decide(*, actor: Member, appeal: Appeal, reverse: bool, reason: str) -> Appeal:
    """Another moderator than the one who hid the document decides the appeal, with a reason: uphold (stays
    hidden) or reverse (shown again)."""
    document = appeal.document
    require_capability(actor, document.period.unit, MANAGE_BULLETIN)
    reason = _reason(reason, "decision_reason")
    if document.hidden_by_id == actor.pk:
        raise ValidationError(_("Another moderator decides the appeal: you hid this document."))
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != Appeal.Status.PENDING:
            raise ValidationError(_("This appeal is already decided."))
        locked.status = Appeal.Status.REVERSED if reverse else Appeal.Status.UPHELD
        locked.decided_by, locked.decision_reason, locked.decided_at = actor, reason, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decision_reason", "decided_at"])
        if reverse:
            document.hidden_at, document.hidden_by, document.hidden_reason = None, None, ""
            document.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        record(
            "bulletin.appeal_decide",
            actor=actor,
            obj=locked,
            payload={"document": document.pk, "status": locked.status, "reason": reason},
        )
    return locked
