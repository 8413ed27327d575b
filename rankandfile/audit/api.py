"""Published heads of the audit chain, for members with a token (as every API route). Outside parties, who have
no token, read the same heads on the public page and its Atom feed (audit/access.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from rankandfile.api_errors import ERRORS
from rankandfile.api_pagination import BoundedLimitOffset
from rankandfile.audit import access, selectors, signing
from rankandfile.audit.domain.chain import head_statement
from rankandfile.audit.models import PublishedHead

router = Router(tags=["audit"])


class HeadOut(Schema):
    seq: int
    entry_hash: str
    head: str  # SEQ:HASH, the form verify-audit --expect-head takes
    published_at: str  # exactly as signed
    public_key: str
    signature: str
    statement: str  # the exact UTF-8 text the Ed25519 signature covers

    @staticmethod
    def resolve_head(obj: PublishedHead) -> str:
        return obj.head_text

    @staticmethod
    def resolve_published_at(obj: PublishedHead) -> str:
        return obj.published_at_text

    @staticmethod
    def resolve_statement(obj: PublishedHead) -> str:
        return head_statement(obj.seq, obj.entry_hash, obj.published_at_text).decode()


class PublicKeysOut(Schema):
    current: str | None
    trusted: list[str]


@router.get("/audit/heads", response={200: list[HeadOut], **ERRORS})
@paginate(BoundedLimitOffset)
def audit_heads(request: HttpRequest) -> QuerySet[PublishedHead]:
    """The signed heads, newest first (members in good standing)."""
    access.require_log_reader(request.user)
    return selectors.published_heads_newest_first()


@router.get("/audit/public-keys", response={200: PublicKeysOut, **ERRORS})
def audit_public_keys(request: HttpRequest) -> dict[str, object]:
    """The public key that signs heads now, and every key verify-audit trusts (members in good standing)."""
    access.require_log_reader(request.user)
    return {"current": signing.current_public_key(), "trusted": signing.trusted_public_keys()}
