"""Appending to the audit chain and publishing its signed heads.

Every security-relevant service calls `record` inside its own transaction. `audit_head_publish` signs the current
head with the key kept outside the database and sends it where members and outside parties can keep it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from rankandfile.audit import access, signing
from rankandfile.audit.domain.chain import GENESIS, Link, entry_hash, payload_digest
from rankandfile.audit.models import AuditEntry, ChainHead, PublishedHead

logger = logging.getLogger(__name__)
HEAD_PUBLISH = "audit.head_publish"


def _head_for_update() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "entry_hash": GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    payload: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Joins the caller's transaction, so the entry exists exactly when the action does."""
    payload = payload or {}
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    # No savepoint of its own: the entry joins the caller's transaction, and a failure to write it fails the action
    # (a caller cannot catch it and commit the action without its entry). Two round trips fewer per action.
    with transaction.atomic(savepoint=False):
        head = _head_for_update()
        created_at = timezone.now().astimezone(dt.UTC)
        link = Link(
            seq=head.seq + 1,
            created_at=created_at.isoformat(timespec="microseconds"),
            actor=str(actor) if actor is not None else "system",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            payload_digest=payload_digest(payload),
            prev_hash=head.entry_hash,
        )
        hashed = entry_hash(link)
        entry = AuditEntry.objects.create(
            seq=link.seq,
            created_at=created_at,
            actor=link.actor,
            actor_id=getattr(actor, "pk", None),
            action=action,
            object_type=object_type,
            object_id=link.object_id,
            payload=payload,
            payload_digest=link.payload_digest,
            prev_hash=link.prev_hash,
            entry_hash=hashed,
        )
        head.seq, head.entry_hash = link.seq, hashed
        head.save(update_fields=["seq", "entry_hash"])
    return entry


def audit_head_publish(*, actor: Any = None) -> tuple[PublishedHead, bool]:
    """Sign the chain's current head and publish it; returns (head, is_new).

    Nothing new is published when no entry was added since the last publication (its own entry aside), so a
    periodic job (`rankandfile manage publish_audit_head`) can run as often as wanted. The publication is itself
    an entry of the chain, and the committee and AUDIT_HEAD_EMAIL_TO get the head by email after the commit.
    """
    key = signing.signing_key()  # read (or created) before the transaction: no file work under the head's lock
    with transaction.atomic():
        head = _head_for_update()
        if head.seq == 0:
            raise ValidationError("The audit chain is empty: there is no head to publish yet.")
        last = PublishedHead.objects.order_by("-seq").first()
        if last is not None and _nothing_since(last, head):
            return last, False
        published_at = timezone.now().astimezone(dt.UTC)
        stamp = published_at.isoformat(timespec="microseconds")
        published = PublishedHead(
            seq=head.seq,
            entry_hash=head.entry_hash,
            published_at=published_at,
            public_key=signing.public_key_hex(key),
            signature=signing.sign_head(key, seq=head.seq, entry_hash=head.entry_hash, published_at=stamp),
        )
        published.full_clean()
        published.save()
        record(
            HEAD_PUBLISH,
            actor=actor,
            obj=published,
            payload={"seq": published.seq, "entry_hash": published.entry_hash, "signature": published.signature},
        )
        transaction.on_commit(lambda: _email_head(published))
    return published, True


def _nothing_since(last: PublishedHead, head: ChainHead) -> bool:
    if head.seq == last.seq:
        return True
    only_its_own_entry = head.seq == last.seq + 1
    return only_its_own_entry and AuditEntry.objects.filter(seq=head.seq, action=HEAD_PUBLISH).exists()


def _email_head(published: PublishedHead) -> None:
    """One message to the organization's accountability committee and AUDIT_HEAD_EMAIL_TO, addresses hidden."""
    recipients = access.head_recipients() + list(settings.AUDIT_HEAD_EMAIL_TO)
    if not recipients:
        logger.warning("Audit head %s published, but there is no accountability committee to email.", published.seq)
        return
    body = (
        f"The audit chain of {settings.SITE_NAME} was signed at entry {published.seq}.\n\n"
        f"Keep this line; `rankandfile verify-audit --expect-head` checks the chain still holds it:\n\n"
        f"    {published.head_text}\n\n"
        f"Published at:  {published.published_at_text}\n"
        f"Public key:    {published.public_key}\n"
        f"Signature:     {published.signature}\n\n"
        f"All published heads: {settings.SITE_URL}/audit/heads/\n"
    )
    message = EmailMessage(
        subject=f"[{settings.SITE_NAME}] Audit chain head {published.seq}", body=body, bcc=recipients
    )
    try:
        message.send()
    except OSError:
        # The head is published on the page, the API and the feed already; a mail server failure must not hide it.
        logger.exception("Could not email audit head %s to the committee.", published.seq)
