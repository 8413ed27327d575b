"""Per-member API tokens: stored as hashes, shown once; scoped, expiring, and ended by a password change."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.org.domain import api_tokens
from rankandfile.org.models import ApiToken, Member

# --- API tokens -----------------------------------------------------------------------------------------
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def api_token_create(
    *,
    member: Member,
    name: str,
    scopes: Iterable[str] = (api_tokens.READ,),
    days: int = api_tokens.DEFAULT_LIFETIME_DAYS,
) -> tuple[ApiToken, str]:
    """Make a token for `member` with these scopes, valid for `days`; return it with the secret (shown once)."""
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Name the token so you can recognise it later.")
    try:
        chosen = api_tokens.ordered_scopes(scopes)
    except ValueError as unknown:
        errors["scopes"] = _("Unknown scopes: %s") % unknown
    else:
        if not chosen:
            errors["scopes"] = _("Choose at least one scope.")
    if days not in api_tokens.LIFETIMES_DAYS:
        errors["days"] = _("Choose one of the offered lifetimes.")
    if errors:
        raise ValidationError(errors)
    raw = "rf_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            member=member,
            name=name.strip()[:100],
            prefix=raw[:10],
            token_hash=hashlib.sha256(raw.encode()).hexdigest(),
            scopes=chosen,
            expires_at=timezone.now() + dt.timedelta(days=days),
            password_stamp=api_tokens.password_stamp(member.password),
        )
        record("api_token.create", actor=member, obj=token, payload={"scopes": chosen, "days": days})
    return token, raw


def api_token_revoke(*, member: Member, token: ApiToken) -> None:
    if token.member_id != member.pk:
        raise ValidationError({"token": _("Not your token.")})
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("api_token.revoke", actor=member, obj=token, payload={})


def member_for_api_token(raw: str, *, scope: str) -> Member | None:
    """The member a token acts for, or None when it is unknown, revoked, expired, of an inactive member, or made
    under a password since changed. Raises PermissionDenied when the token is good but lacks `scope`."""
    hashed = hashlib.sha256(raw.encode()).hexdigest()
    now = timezone.now()
    try:  # the hash is unique: no ordering, at most one row
        token = ApiToken.objects.select_related("member").get(
            token_hash=hashed, revoked_at__isnull=True, expires_at__gt=now
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.member.is_active:
        return None
    if token.password_stamp != api_tokens.password_stamp(token.member.password):
        return None
    if scope not in token.scopes:
        raise PermissionDenied(_("This token lacks the “%s” scope; make one with it on your profile page.") % scope)
    # Noted to the minute: a script calling the API many times a second wrote the token's row on every call.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.member
