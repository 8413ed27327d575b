"""Reading and checking the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rankandfile.audit.domain.chain import Link, Problem, first_problem, payload_digest
from rankandfile.audit.models import AuditEntry, ChainHead


def _links() -> Iterator[Link]:
    # Fetched in seq order in chunks so a long chain is checked in constant memory.
    fields = (
        "seq",
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "payload",
        "payload_digest",
        "prev_hash",
        "entry_hash",
    )
    for row in AuditEntry.objects.order_by("seq").values_list(*fields).iterator(chunk_size=2000):
        seq, created_at, actor, action, object_type, object_id, payload, digest, prev_hash, hashed = row
        yield Link(
            seq=seq,
            created_at=created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload_digest=digest,
            prev_hash=prev_hash,
            entry_hash=hashed,
            recomputed_payload_digest=payload_digest(payload),
        )


def verify_chain() -> Problem | None:
    head = ChainHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
    return first_problem(_links(), head=head)


def chain_head() -> tuple[int, str] | None:
    return ChainHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()


def recent_entries(limit: int = 100, *, before: int | None = None) -> list[AuditEntry]:
    """The newest entries, or the newest of those numbered below `before`: pages by sequence number, so any page
    of a long chain costs one index range scan (no offset)."""
    entries = AuditEntry.objects.order_by("-seq")
    if before is not None:
        entries = entries.filter(seq__lt=before)
    return list(entries[:limit])


def entries_for(object_type: str, object_id: str | int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("seq"))
