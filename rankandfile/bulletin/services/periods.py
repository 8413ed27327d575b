"""Periods, the schedule of numbered issues, placing documents in them, publishing, subscriptions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.bulletin import selectors
from rankandfile.bulletin.domain import rules
from rankandfile.bulletin.models import Document, Issue, Period, Subscription
from rankandfile.notifications import services as notifications
from rankandfile.org.access import require_capability, require_member
from rankandfile.org.domain.capabilities import MANAGE_BULLETIN
from rankandfile.org.models import Member, Unit

PERIOD_FIELDS = (
    "title",
    "description",
    "code_of_conduct",
    "submissions_close_at",
    "responses_close_at",
    "word_limit",
    "min_cosigners",
    "reply_days",
)


def _check_period(period: Period) -> None:
    period.title, period.code_of_conduct = period.title.strip(), period.code_of_conduct.strip()
    errors: dict[str, str] = {}
    if not period.code_of_conduct:
        errors["code_of_conduct"] = _("Publish the code of conduct moderators will apply.")
    if period.responses_close_at < period.submissions_close_at:
        errors["responses_close_at"] = _("Responses close when submissions close or later.")
    if errors:
        raise ValidationError(errors)
    period.full_clean()


def period_create(
    *,
    actor: Member,
    unit: Unit,
    title: str,
    code_of_conduct: str,
    submissions_close_at: dt.datetime,
    responses_close_at: dt.datetime,
    description: str = "",
    word_limit: int = 3000,
    min_cosigners: int = 0,
    reply_days: int = 7,
) -> Period:
    """A new discussion period of `unit` (`manage_bulletin` in the unit)."""
    require_capability(actor, unit, MANAGE_BULLETIN)
    if unit.is_dissolved:
        raise ValidationError({"unit": _("The unit is dissolved.")})
    period = Period(
        unit=unit,
        title=title,
        description=description.strip(),
        code_of_conduct=code_of_conduct,
        submissions_close_at=submissions_close_at,
        responses_close_at=responses_close_at,
        word_limit=word_limit,
        min_cosigners=min_cosigners,
        reply_days=reply_days,
        created_by=actor,
    )
    _check_period(period)
    with transaction.atomic():
        period.save()
        record("bulletin.period_create", actor=actor, obj=period, payload=_payload(period))
    return period


def period_update(*, actor: Member, period: Period, **changes: object) -> Period:
    """Change a period's deadlines, rules or code of conduct (`manage_bulletin`); each change is audited."""
    require_capability(actor, period.unit, MANAGE_BULLETIN)
    unknown = set(changes) - set(PERIOD_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    for name, value in changes.items():
        setattr(period, name, value)
    _check_period(period)
    with transaction.atomic():
        period.save(update_fields=list(changes))
        record("bulletin.period_update", actor=actor, obj=period, payload=_payload(period))
    return period


def _payload(period: Period) -> dict[str, object]:
    return {
        "unit": period.unit.path,
        "title": period.title,
        "submissions_close_at": period.submissions_close_at.isoformat(),
        "responses_close_at": period.responses_close_at.isoformat(),
        "word_limit": period.word_limit,
        "min_cosigners": period.min_cosigners,
        "reply_days": period.reply_days,
        "code_of_conduct_chars": len(period.code_of_conduct),
    }


def issue_schedule(*, actor: Member, period: Period, publish_at: dt.datetime) -> Issue:
    """Add the next numbered issue to the period's schedule (`manage_bulletin`)."""
    require_capability(actor, period.unit, MANAGE_BULLETIN)
    with transaction.atomic():
        Period.objects.select_for_update().filter(pk=period.pk).first()  # numbers are handed out one at a time
        issue = Issue(period=period, number=selectors.next_issue_number(period), publish_at=publish_at)
        issue.full_clean()
        issue.save()
        record(
            "bulletin.issue_schedule",
            actor=actor,
            obj=issue,
            payload={"period": period.pk, "number": issue.number, "publish_at": publish_at.isoformat()},
        )
    return issue


def document_place(*, actor: Member, document: Document, issue: Issue | None) -> Document:
    """Put a submitted document in an unpublished issue of its period, or take it out (None): `manage_bulletin`."""
    require_capability(actor, document.period.unit, MANAGE_BULLETIN)
    if document.status != Document.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted document, not yet published, can be placed in an issue."))
    if issue is not None:
        if issue.period_id != document.period_id:
            raise ValidationError({"issue": _("Choose an issue of the document's own period.")})
        if issue.is_published:
            raise ValidationError({"issue": _("Issue %d is already published.") % issue.number})
        refusal = rules.publication_refusal(
            cosigners=selectors.cosigner_count(document),
            min_cosigners=document.period.min_cosigners,
            is_hidden=document.is_hidden,
        )
        if refusal:
            raise ValidationError(_(refusal))
    with transaction.atomic():
        document.issue = issue
        document.save(update_fields=["issue"])
        record(
            "bulletin.document_place",
            actor=actor,
            obj=document,
            payload={"issue": issue.number if issue else None, "period": document.period_id},
        )
    return document


def issue_publish(*, actor: Member | None, issue: Issue, now: dt.datetime | None = None) -> Issue:
    """Publish an issue: its documents become published. By an editor (`manage_bulletin`) at any time, or by the
    task worker (actor None) once its date has come. A document that no longer qualifies (hidden, or short of
    co-signers) goes back to waiting. Subscribers get the issue by email; answered authors hear of their reply."""
    if actor is not None:
        require_capability(actor, issue.period.unit, MANAGE_BULLETIN)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Issue.objects.select_for_update().select_related("period").get(pk=issue.pk)
        if locked.is_published:
            raise ValidationError(_("Issue %d is already published.") % locked.number)
        published: list[int] = []
        for document in selectors.documents_of_issue(locked):
            refusal = rules.publication_refusal(
                cosigners=getattr(document, "n_cosigners", 0),
                min_cosigners=locked.period.min_cosigners,
                is_hidden=document.is_hidden,
            )
            if refusal or document.status != Document.Status.SUBMITTED:
                document.issue = None
                document.save(update_fields=["issue"])
                continue
            document.status, document.published_at = Document.Status.PUBLISHED, now
            document.save(update_fields=["status", "published_at"])
            published.append(document.pk)
            answered_authors_notify(document)
        locked.published_at = now
        locked.save(update_fields=["published_at"])
        record(
            "bulletin.issue_publish",
            actor=actor,
            obj=locked,
            payload={"period": locked.period_id, "number": locked.number, "documents": published},
        )
        notifications.notify_on_commit(
            kind="bulletin.issue", object_id=locked.pk, recipients=selectors.subscriber_ids(locked.period)
        )
    issue.published_at = locked.published_at
    return issue


def answered_authors_notify(document: Document) -> None:
    """Tell the authors whom a newly published document answers: they have a right of reply."""
    authors = {d.author_id for d in document.responds_to.all() if d.author_id != document.author_id}
    if authors and not document.is_reply:
        notifications.notify_on_commit(kind="bulletin.answered", object_id=document.pk, recipients=sorted(authors))


def issues_publish_due(*, now: dt.datetime | None = None) -> list[Issue]:
    """Publish every issue whose date has come (the task worker, every few minutes; safe to run twice at once)."""
    now = now or timezone.now()
    done = []
    for issue in list(selectors.issues_due(now)):
        try:
            done.append(issue_publish(actor=None, issue=issue, now=now))
        except ValidationError:  # another worker published it first
            continue
    return done


def subscription_set(*, actor: Member, period: Period, subscribed: bool) -> bool:
    """Receive (or stop receiving) each published issue of the period by email. Any member in good standing."""
    require_member(actor)
    if subscribed:
        try:
            with transaction.atomic():
                Subscription.objects.create(period=period, member=actor)
        except IntegrityError:
            pass  # already subscribed: nothing to do
    else:
        Subscription.objects.filter(period=period, member=actor).delete()
    return subscribed
