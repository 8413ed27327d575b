"""Appending to the audit chain. Every security-relevant service calls `record` inside its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rankandfile.audit.domain.chain import GENESIS, Link, entry_hash, payload_digest
from rankandfile.audit.models import AuditEntry, ChainHead


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
    with transaction.atomic():
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
