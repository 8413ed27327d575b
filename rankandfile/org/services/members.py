"""Members and memberships: status changes, invitations and their acceptance, profiles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.live.auth import access_changed_on_commit
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_MEMBERS
from rankandfile.org.models import Invitation, Member, Membership, Unit


# --- members and memberships ----------------------------------------------------------------------------
def membership_set_status(
    *, actor: Member, membership: Membership, status: str, reason: str = "", on: dt.date | None = None
) -> Membership:
    require_capability(actor, membership.unit, MANAGE_MEMBERS)
    if status not in Membership.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    day = on or timezone.localdate()
    with transaction.atomic():
        membership.status = status
        membership.status_changed_on = day
        membership.left_on = day if status == Membership.Status.LEFT else None
        if reason:
            membership.exit_reason = reason[:200]
        membership.save(update_fields=["status", "status_changed_on", "left_on", "exit_reason"])
        record(
            "membership.status",
            actor=actor,
            obj=membership,
            payload={"member": membership.member_id, "unit": membership.unit_id, "status": status},
        )
        access_changed_on_commit(membership.member_id)  # open live sockets check their right to watch again
    return membership


def _token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hashlib.sha256(raw.encode()).hexdigest()


def member_invite(*, actor: Member, unit: Unit, email: str, full_name: str = "") -> tuple[Invitation, str]:
    """Create an invitation and return it with the raw token (to put in the emailed link, never stored)."""
    require_capability(actor, unit, MANAGE_MEMBERS)
    if unit.is_dissolved:
        raise ValidationError({"unit": _("A dissolved unit cannot take members.")})
    raw, hashed = _token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip().lower(),
            full_name=full_name.strip(),
            unit=unit,
            invited_by=actor,
            token_hash=hashed,
            expires_at=timezone.now() + dt.timedelta(days=14),
        )
        record("member.invite", actor=actor, obj=invitation, payload={"unit": unit.path})
    return invitation, raw


def invitation_find(raw_token: str) -> Invitation | None:
    hashed = hashlib.sha256(raw_token.encode()).hexdigest()
    invitation = Invitation.objects.select_related("unit").filter(token_hash=hashed).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < timezone.now():
        return None
    return invitation


def invitation_accept(
    *, invitation: Invitation, actor: Member | None = None, full_name: str = "", password: str = ""
) -> Member:
    """Join the invitation's unit by its link.

    A new address gets an account with `password`; an account without a password yet (imported) gets its first.
    An account that has a password is never changed by a link: its owner logs in and accepts as `actor`. Whoever
    holds the link proves only control of the mailbox, and a link must not become a password reset.
    """
    existing = Member.objects.filter(email=invitation.email).first()
    has_password = existing is not None and existing.has_usable_password()
    if has_password and (actor is None or actor.pk != existing.pk):  # type: ignore[union-attr]
        raise PermissionDenied(_("This address already has an account: log in to it to accept the invitation."))
    if not has_password and not password:
        raise ValidationError({"password1": _("Choose a password.")})
    with transaction.atomic():
        if existing is None:
            member = Member.objects.create_user(invitation.email, password, full_name=full_name)
        else:
            member = existing
            if not has_password:
                member.set_password(password)
                member.save(update_fields=["password"])
        Membership.objects.update_or_create(
            member=member,
            unit=invitation.unit,
            defaults={"status": Membership.Status.ACTIVE, "left_on": None, "status_changed_on": timezone.localdate()},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record("member.join", actor=member, obj=invitation, payload={"unit": invitation.unit.path})
    return member


def profile_update(*, member: Member, full_name: str, phone: str, pronouns: str) -> Member:
    member.full_name, member.phone, member.pronouns = full_name.strip(), phone.strip(), pronouns.strip()
    member.full_clean(exclude=["password", "email"])
    member.save(update_fields=["full_name", "phone", "pronouns"])
    return member
