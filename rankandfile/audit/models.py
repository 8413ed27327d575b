"""The one append-only, hash-chained log of security-relevant actions (DESIGN §9)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import models


class AuditEntry(models.Model):
    # seq is assigned under the head's row lock; the gapless sequence is part of what the chain proves.
    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.CharField(max_length=200, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    payload = models.JSONField(default=dict)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["seq"]
        verbose_name_plural = "audit entries"
        indexes: ClassVar[list[Any]] = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """A single row: the last entry's seq and hash. Appends lock it, so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq} {self.entry_hash[:12]}"


class PublishedHead(models.Model):
    """A chain head signed with the audit key (kept outside the database) and published (page, API, Atom, email).

    Kept here to list them; what makes them count is that the signature cannot be made without the key and that
    members and outside parties keep copies."""

    seq = models.PositiveBigIntegerField(unique=True)
    entry_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering: ClassVar[list[str]] = ["-seq"]

    def __str__(self) -> str:
        return f"published head #{self.seq} {self.entry_hash[:12]}"

    @property
    def published_at_text(self) -> str:
        """The time exactly as signed (the statement covers this text)."""
        return self.published_at.astimezone(dt.UTC).isoformat(timespec="microseconds")

    @property
    def head_text(self) -> str:
        return f"{self.seq}:{self.entry_hash}"
