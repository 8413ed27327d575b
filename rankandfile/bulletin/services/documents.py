"""Documents: writing and revising, submitting, responding, the right of reply, co-signing, links to proposals."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.bulletin import selectors
from rankandfile.bulletin.access import can_manage, require_unit_member
from rankandfile.bulletin.domain import rules
from rankandfile.bulletin.models import Caucus, CoSignature, Document, Period, Revision
from rankandfile.bulletin.services.periods import answered_authors_notify
from rankandfile.org.models import Member
from rankandfile.proposals import services as proposal_services
from rankandfile.proposals.domain import texts
from rankandfile.proposals.models import Proposal
from rankandfile.proposals.rendering import render_markdown

TITLE_MAX = 200
OPEN = (Document.Status.DRAFT, Document.Status.SUBMITTED)


def _clean_text(period: Period, title: str, text: str) -> tuple[str, str]:
    title, text = title.strip(), text.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the document a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %d characters.") % TITLE_MAX
    if not text:
        errors["text"] = _("Write the text of the document.")
    elif refusal := rules.word_limit_refusal(text, period.word_limit):
        errors["text"] = _(refusal)
    if errors:
        raise ValidationError(errors)
    return title, text


def _require_author(actor: Member, document: Document) -> None:
    if document.author_id != actor.pk:
        raise ValidationError(_("Only the document's author may do this."))


def document_create(
    *,
    actor: Member,
    period: Period,
    title: str,
    text: str,
    responds_to: Sequence[Document] = (),
    caucus: Caucus | None = None,
    is_reply: bool = False,
) -> Document:
    """A new draft by a member of the period's unit, perhaps responding to published documents of the period,
    perhaps signed by a caucus the author belongs to, perhaps under the right of reply (to one answer)."""
    require_unit_member(actor, period.unit)
    title, text = _clean_text(period, title, text)
    for other in responds_to:
        if other.period_id != period.pk or other.status != Document.Status.PUBLISHED:
            raise ValidationError({"responds_to": _("A response answers published documents of the same period.")})
    if caucus is not None:
        if caucus.unit.path not in period.unit.ancestor_paths():
            raise ValidationError({"caucus": _("Choose a caucus of %s or a unit above it.") % period.unit.name})
        if not selectors.is_caucus_member(caucus, actor):
            raise ValidationError({"caucus": _("Only members of %s may sign in its name.") % caucus.name})
    if is_reply:
        _check_reply(actor, period, responds_to)
    with transaction.atomic():
        document = Document.objects.create(
            period=period,
            title=title,
            text=text,
            html=render_markdown(text),
            word_count=rules.word_count(text),
            author=actor,
            caucus=caucus,
            is_reply=is_reply,
        )
        document.responds_to.set(responds_to)
        Revision.objects.create(document=document, number=1, title=title, text=text, note=_("First draft"))
    return document


def _check_reply(actor: Member, period: Period, responds_to: Sequence[Document]) -> None:
    if len(responds_to) != 1:
        raise ValidationError({"responds_to": _("A reply answers exactly one document: the one that answered yours.")})
    answer = selectors.reply_answer(actor, responds_to[0])
    refusal = rules.reply_refusal(now=timezone.now(), answer=answer, reply_days=period.reply_days)
    if refusal:
        raise ValidationError({"responds_to": _(refusal)})


def document_edit(*, actor: Member, document: Document, title: str, text: str, note: str = "") -> Document:
    """The author revises a draft or a submitted document: a new revision, every old one kept. A published
    document's text is what the issue printed, and stays."""
    _require_author(actor, document)
    if document.status not in OPEN:
        raise ValidationError(_("A published or withdrawn document cannot be changed."))
    title, text = _clean_text(document.period, title, text)
    if title == document.title and not texts.has_changes(document.text, text):
        raise ValidationError({"text": _("Nothing changed.")})
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        locked.revision += 1
        locked.title, locked.text, locked.html = title, text, render_markdown(text)
        locked.word_count = rules.word_count(text)
        locked.save(update_fields=["revision", "title", "text", "html", "word_count"])
        Revision.objects.create(
            document=locked, number=locked.revision, title=title, text=text, note=note.strip()[:300] or _("Edited")
        )
    document.refresh_from_db()
    return document


def document_submit(*, actor: Member, document: Document) -> Document:
    """The author submits a draft before the period's deadline: members can read and co-sign it, and an editor
    places it in an issue. A reply under the right of reply is published at once, even after the deadline."""
    _require_author(actor, document)
    if document.status != Document.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    period = document.period
    responds_to = list(document.responds_to.all())
    now = timezone.now()
    if document.is_reply:
        _check_reply(actor, period, responds_to)
    else:
        refusal = rules.submission_refusal(
            now=now,
            submissions_close_at=period.submissions_close_at,
            responses_close_at=period.responses_close_at,
            is_response=bool(responds_to),
        )
        if refusal:
            raise ValidationError(_(refusal))
    with transaction.atomic():
        document.status, document.submitted_at = Document.Status.SUBMITTED, now
        fields = ["status", "submitted_at"]
        if document.is_reply:
            document.status, document.published_at = Document.Status.PUBLISHED, now
            fields.append("published_at")
        document.save(update_fields=fields)
        if document.is_reply:
            record(
                "bulletin.reply_publish",
                actor=actor,
                obj=document,
                payload={"answers": [d.pk for d in responds_to], "period": period.pk},
            )
            answered_authors_notify(document)
    return document


def document_withdraw(*, actor: Member, document: Document) -> Document:
    """The author withdraws a draft or a submitted document (a published one stays: it was printed)."""
    _require_author(actor, document)
    if document.status not in OPEN:
        raise ValidationError(_("Only a draft or a submitted document can be withdrawn."))
    with transaction.atomic():
        document.status, document.issue = Document.Status.WITHDRAWN, None
        document.save(update_fields=["status", "issue"])
    return document


# --- co-signatures ------------------------------------------------------------------------------------------
def document_sign(*, actor: Member, document: Document) -> CoSignature:
    require_unit_member(actor, document.period.unit)
    if document.author_id == actor.pk:
        raise ValidationError(_("You wrote this document; co-signatures come from other members."))
    if document.status not in (Document.Status.SUBMITTED, Document.Status.PUBLISHED):
        raise ValidationError(_("Only a submitted or published document can be co-signed."))
    if document.is_hidden:
        raise ValidationError(_("A hidden document cannot be co-signed."))
    try:
        with transaction.atomic():
            return CoSignature.objects.create(document=document, member=actor)
    except IntegrityError:
        raise ValidationError(_("You have already co-signed this document.")) from None


def document_unsign(*, actor: Member, document: Document) -> None:
    if document.status == Document.Status.PUBLISHED:
        raise ValidationError(_("Signatures on a published document are part of what was published."))
    deleted, _rows = CoSignature.objects.filter(document=document, member=actor).delete()
    if not deleted:
        raise ValidationError(_("You have not co-signed this document."))


# --- into the convention -------------------------------------------------------------------------------------
def document_link_proposal(*, actor: Member, document: Document, proposal: Proposal | None) -> Document:
    """Link the document to a proposal of the period's unit that it backs (or unlink, None): its author, or an
    editor (`manage_bulletin`). The proposal and its ballot then show the document."""
    if document.author_id != actor.pk and not can_manage(actor, document.period.unit):
        raise ValidationError(_("Only the document's author or an editor of the bulletin may link it."))
    if document.status not in (Document.Status.SUBMITTED, Document.Status.PUBLISHED):
        raise ValidationError(_("Only a submitted or published document can back a proposal."))
    if proposal is not None:
        if proposal.unit_id != document.period.unit_id:
            raise ValidationError({"proposal": _("Choose a proposal of %s.") % document.period.unit.name})
        if proposal.status == Proposal.Status.DRAFT and proposal.author_id != actor.pk:
            raise ValidationError({"proposal": _("That proposal is someone's draft.")})
    with transaction.atomic():
        document.proposal = proposal
        document.save(update_fields=["proposal"])
        record(
            "bulletin.document_link",
            actor=actor,
            obj=document,
            payload={"proposal": proposal.pk if proposal else None},
        )
    return document


def document_propose(*, actor: Member, document: Document) -> Proposal:
    """The author turns a published document into a draft proposal of the period's unit, linked to it."""
    _require_author(actor, document)
    if document.status != Document.Status.PUBLISHED or document.is_hidden:
        raise ValidationError(_("Only a published, shown document can become a proposal."))
    if document.proposal_id is not None:
        raise ValidationError(_("This document already backs a proposal."))
    with transaction.atomic():
        proposal = proposal_services.proposal_create(
            actor=actor, unit=document.period.unit, title=document.title, text=document.text
        )
        document.proposal = proposal
        document.save(update_fields=["proposal"])
        record("bulletin.document_link", actor=actor, obj=document, payload={"proposal": proposal.pk})
    return proposal
