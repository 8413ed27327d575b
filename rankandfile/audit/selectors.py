"""Reading and checking the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from rankandfile.audit import signing
from rankandfile.audit.domain import wording
from rankandfile.audit.domain.chain import (
    Link,
    Problem,
    SignedHead,
    first_problem,
    kept_head_problem,
    payload_digest,
    published_head_problem,
)
from rankandfile.audit.models import AuditEntry, ChainHead, PublishedHead


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


def verify_chain(
    *, kept_heads: Sequence[tuple[int, str]] = (), trusted_keys: Sequence[str] | None = None
) -> Problem | None:
    """The first problem in the chain, then against heads kept outside the database (`--expect-head`), then
    against every published head: its signature must verify with a trusted key and the chain must still hold it.

    `trusted_keys` defaults to the signing key's public half and AUDIT_TRUSTED_KEYS."""
    head = ChainHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
    problem = first_problem(_links(), head=head)
    if problem is not None:
        return problem
    published = [
        SignedHead(h.seq, h.entry_hash, h.published_at_text, h.public_key, h.signature)
        for h in PublishedHead.objects.order_by("seq")
    ]
    seqs = {h.seq for h in published} | {seq for seq, _hash in kept_heads}
    hash_at = dict(AuditEntry.objects.filter(seq__in=seqs).values_list("seq", "entry_hash"))
    for kept in kept_heads:
        problem = kept_head_problem(hash_at, kept)
        if problem is not None:
            return problem
    keys = signing.trusted_public_keys() if trusted_keys is None else trusted_keys
    return published_head_problem(hash_at, published, signing.verifier(keys))


def chain_head() -> tuple[int, str] | None:
    return ChainHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()


def recent_entries(
    limit: int = 100,
    *,
    before: int | None = None,
    kind: str = "",
    actor_id: int | None = None,
    unit_path: str = "",
) -> list[AuditEntry]:
    """The newest entries, or the newest of those numbered below `before`: pages by sequence number, so any page
    of a long chain costs one index range scan (no offset). Filters: the kind (the action's first word), the
    actor, and the unit (entries whose payload names the unit or a unit inside it)."""
    entries = AuditEntry.objects.order_by("-seq")
    if before is not None:
        entries = entries.filter(seq__lt=before)
    if kind:
        entries = entries.filter(action__startswith=kind + ".")
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if unit_path:
        entries = entries.filter(Q(payload__unit=unit_path) | Q(payload__unit__startswith=unit_path + "/"))
    return list(entries[:limit])


@dataclass(frozen=True)
class Line:
    entry: AuditEntry
    sentence: str
    link: str  # the page of the entry's object, or ""


_OBJECT_PAGES = {
    "org.unit": "org:unit",
    "org.member": "org:member",
    "ballots.ballot": "ballots:detail",
    "ballots.election": "ballots:election",
    "meetings.meeting": "meetings:meeting",
    "proposals.proposal": "proposals:detail",
}


def _names(entries: Sequence[AuditEntry]) -> wording.Names:
    # Names by id, looked up in three queries whatever the page's length (apps above audit, by label only).
    member_ids, role_ids, paths = set(), set(), set()
    for entry in entries:
        payload = entry.payload if isinstance(entry.payload, dict) else {}
        for key in ("holder", "member"):
            if str(payload.get(key, "")).isdigit():
                member_ids.add(int(payload[key]))
        if str(payload.get("role", "")).isdigit():
            role_ids.add(int(payload["role"]))
        if isinstance(payload.get("unit"), str):
            paths.add(payload["unit"])
    member_model, role_model = apps.get_model("org", "Member"), apps.get_model("org", "RoleType")
    unit_model = apps.get_model("org", "Unit")
    return wording.Names(
        members=dict(member_model.objects.filter(pk__in=member_ids).values_list("pk", "full_name")),
        roles=dict(role_model.objects.filter(pk__in=role_ids).values_list("pk", "name")),
        units=dict(unit_model.objects.filter(path__in=paths).values_list("path", "name")),
    )


def _link(entry: AuditEntry) -> str:
    name = _OBJECT_PAGES.get(entry.object_type)
    if not name or not entry.object_id.isdigit():
        return ""
    try:
        return reverse(name, args=[int(entry.object_id)])
    except NoReverseMatch:
        return ""


def entries_in_words(entries: Sequence[AuditEntry]) -> list[Line]:
    """Each entry with its sentence (audit/domain/wording.py) and a link to its object's page."""
    names = _names(entries)
    return [
        Line(
            entry,
            wording.sentence(
                entry.action, entry.actor, entry.payload if isinstance(entry.payload, dict) else {}, names
            ),
            _link(entry),
        )
        for entry in entries
    ]


def entries_for(object_type: str, object_id: str | int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("seq"))


def published_heads_newest_first() -> QuerySet[PublishedHead]:
    return PublishedHead.objects.order_by("-seq")


def published_heads(limit: int = 50) -> list[PublishedHead]:
    return list(published_heads_newest_first()[:limit])


def latest_published_head() -> PublishedHead | None:
    return PublishedHead.objects.order_by("-seq").first()
