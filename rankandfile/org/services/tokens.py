"""Per-member API tokens: stored as hashes, shown once."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.org.models import ApiToken, Member


# --- API tokens -----------------------------------------------------------------------------------------
def create_api_token(*, member: Member, name: str) -> tuple[ApiToken, str]:
    if not name.strip():
        raise ValidationError({"name": _("Name the token so you can recognise it later.")})
    raw = "rf_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        member=member, name=name.strip()[:100], prefix=raw[:10], token_hash=hashlib.sha256(raw.encode()).hexdigest()
    )
    return token, raw


def revoke_api_token(*, member: Member, token: ApiToken) -> None:
    if token.member_id != member.pk:
        raise ValidationError({"token": _("Not your token.")})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def member_for_api_token(raw: str) -> Member | None:
    hashed = hashlib.sha256(raw.encode()).hexdigest()
    token = ApiToken.objects.select_related("member").filter(token_hash=hashed, revoked_at__isnull=True).first()
    if token is None or not token.member.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.member
