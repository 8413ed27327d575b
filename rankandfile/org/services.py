"""Every write to the organization goes through here: one transaction each, audited where it matters."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.org.access import require_capability
from rankandfile.org.domain import roles as role_rules
from rankandfile.org.domain.capabilities import MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_UNITS, unknown_capabilities
from rankandfile.org.models import ApiToken, Invitation, Member, Membership, RoleTerm, RoleType, Unit


# --- units ----------------------------------------------------------------------------------------------
def _path_for(parent: Unit | None, slug: str) -> str:
    return f"{parent.path}/{slug}" if parent else slug


def create_unit(*, actor: Member | None, parent: Unit | None, name: str, slug: str = "", kind: str = "") -> Unit:
    """Create a unit under `parent` (None: a root, which only a management command may do)."""
    if parent is not None and actor is not None:
        require_capability(actor, parent, MANAGE_UNITS)
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationError({"slug": _("Give the unit a short name made of letters or digits.")})
    if parent is not None and parent.is_dissolved:
        raise ValidationError({"parent": _("A dissolved unit cannot have new units.")})
    with transaction.atomic():
        if Unit.objects.filter(parent=parent, slug=slug).exists():
            raise ValidationError({"slug": _("Another unit here already uses the short name “%s”.") % slug})
        unit = Unit.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            parent=parent,
            path=_path_for(parent, slug),
            depth=(parent.depth + 1) if parent else 0,
        )
        record("unit.create", actor=actor, obj=unit, payload={"name": name, "path": unit.path})
    return unit


def rename_unit(*, actor: Member, unit: Unit, name: str) -> Unit:
    require_capability(actor, unit, MANAGE_UNITS)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("The name cannot be empty.")})
    with transaction.atomic():
        old = unit.name
        unit.name = name
        unit.save(update_fields=["name"])
        record("unit.rename", actor=actor, obj=unit, payload={"from": old, "to": name})
    return unit


def move_unit(*, actor: Member, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit and its whole subtree. The actor needs `manage_units` over both old and new places."""
    require_capability(actor, unit, MANAGE_UNITS)
    require_capability(actor, new_parent, MANAGE_UNITS)
    if unit.parent_id is None:
        raise ValidationError({"parent": _("The national body cannot be moved.")})
    if new_parent.path == unit.path or new_parent.path.startswith(unit.path + "/"):
        raise ValidationError({"parent": _("A unit cannot be moved inside itself.")})
    if new_parent.is_dissolved:
        raise ValidationError({"parent": _("A dissolved unit cannot have new units.")})
    with transaction.atomic():
        if Unit.objects.filter(parent=new_parent, slug=unit.slug).exclude(pk=unit.pk).exists():
            raise ValidationError({"parent": _("That unit already has a unit with the short name “%s”.") % unit.slug})
        old_path, new_path = unit.path, _path_for(new_parent, unit.slug)
        depth_change = new_parent.depth + 1 - unit.depth
        # One UPDATE rewrites the prefix of every descendant's path: no per-row loop over a big subtree.
        Unit.objects.filter(path__startswith=old_path + "/").update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_change
        )
        unit.parent, unit.path, unit.depth = new_parent, new_path, new_parent.depth + 1
        unit.save(update_fields=["parent", "path", "depth"])
        record("unit.move", actor=actor, obj=unit, payload={"from": old_path, "to": new_path})
    return unit


def dissolve_unit(*, actor: Member, unit: Unit, on: dt.date | None = None) -> Unit:
    """Dissolve a unit: it and its history stay, it stops granting roles and taking members."""
    require_capability(actor, unit, MANAGE_UNITS)
    if unit.parent_id is None:
        raise ValidationError({"unit": _("The national body cannot be dissolved here.")})
    if unit.is_dissolved:
        raise ValidationError({"unit": _("This unit is already dissolved.")})
    if Unit.objects.filter(parent=unit, dissolved_on__isnull=True).exists():
        raise ValidationError({"unit": _("Dissolve or move its units first.")})
    day = on or timezone.localdate()
    with transaction.atomic():
        unit.dissolved_on = day
        unit.save(update_fields=["dissolved_on"])
        current = RoleTerm.objects.current(day).filter(role_type__unit=unit)
        # Terms end on the day of dissolution, like `end_term`; one that began that very day lasts one day.
        ended = current.filter(starts_on__lt=day).update(ends_on=day, ended_early_reason="unit dissolved")
        ended += current.filter(starts_on=day).update(
            ends_on=day + dt.timedelta(days=1), ended_early_reason="unit dissolved"
        )
        record("unit.dissolve", actor=actor, obj=unit, payload={"on": day.isoformat(), "terms_ended": ended})
    return unit


# --- members and memberships ----------------------------------------------------------------------------
def set_membership_status(
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
    return membership


def _token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hashlib.sha256(raw.encode()).hexdigest()


def invite_member(*, actor: Member, unit: Unit, email: str, full_name: str = "") -> tuple[Invitation, str]:
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


def find_invitation(raw_token: str) -> Invitation | None:
    hashed = hashlib.sha256(raw_token.encode()).hexdigest()
    invitation = Invitation.objects.select_related("unit").filter(token_hash=hashed).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < timezone.now():
        return None
    return invitation


def accept_invitation(*, invitation: Invitation, full_name: str, password: str) -> Member:
    with transaction.atomic():
        member = Member.objects.filter(email=invitation.email).first()
        if member is None:
            member = Member.objects.create_user(invitation.email, password, full_name=full_name)
        else:
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


def update_profile(*, member: Member, full_name: str, phone: str, pronouns: str) -> Member:
    member.full_name, member.phone, member.pronouns = full_name.strip(), phone.strip(), pronouns.strip()
    member.full_clean(exclude=["password", "email"])
    member.save(update_fields=["full_name", "phone", "pronouns"])
    return member


# --- roles ----------------------------------------------------------------------------------------------
def create_role_type(
    *,
    actor: Member,
    unit: Unit,
    name: str,
    seats: int = 1,
    term_months: int = 12,
    term_limit: int | None = None,
    capabilities: list[str] | None = None,
    description: str = "",
) -> RoleType:
    require_capability(actor, unit, MANAGE_ROLES)
    capabilities = capabilities or []
    errors: dict[str, Any] = {}
    if unknown := unknown_capabilities(capabilities):
        errors["capabilities"] = _("Unknown capabilities: %s") % ", ".join(unknown)
    if seats < 1:
        errors["seats"] = _("A role needs at least one seat.")
    if term_months < 1:
        errors["term_months"] = _("A term lasts at least one month.")
    if RoleType.objects.filter(unit=unit, name__iexact=name.strip()).exists():
        errors["name"] = _("This unit already has a role with that name.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        role_type = RoleType.objects.create(
            unit=unit,
            name=name.strip(),
            seats=seats,
            term_months=term_months,
            term_limit=term_limit,
            capabilities=capabilities,
            description=description,
        )
        record(
            "role.define",
            actor=actor,
            obj=role_type,
            payload={"unit": unit.path, "name": role_type.name, "capabilities": capabilities, "seats": seats},
        )
    return role_type


def fill_seat(
    *,
    role_type: RoleType,
    holder: Member,
    how_filled: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    appointed_by: Member | None = None,
    reason: str = "",
    ballot_ref: int | None = None,
    actor: Member | None = None,
) -> RoleTerm:
    """Give `holder` a term in `role_type`, enforcing seats, term limit and the appointment rule.

    Elections and acclamations are recorded by the ballots service (actor = the returning officer or None);
    appointments need `manage_roles`, the appointer and a written reason.
    """
    starts_on = starts_on or timezone.localdate()
    if ends_on is None:
        ends_on = role_rules.add_months(starts_on, role_type.term_months)
    if how_filled not in RoleTerm.Filled.values:
        raise ValidationError({"how_filled": _("Unknown way of filling a seat.")})
    if how_filled == RoleTerm.Filled.APPOINTED:
        if appointed_by is None:
            raise ValidationError({"appointed_by": _("An appointment needs the member who makes it.")})
        require_capability(appointed_by, role_type.unit, MANAGE_ROLES)
        if not reason.strip():
            raise ValidationError({"reason": _("An appointment needs a written reason; it is shown in role history.")})
    if role_type.unit.is_dissolved:
        raise ValidationError({"role_type": _("The unit is dissolved.")})
    # A holder belongs to the unit itself or to a unit inside it (a district organizer is in one of its branches).
    in_unit = Q(unit=role_type.unit) | Q(unit__path__startswith=role_type.unit.path + "/")
    if not Membership.objects.filter(in_unit, member=holder, status=Membership.Status.ACTIVE).exists():
        raise ValidationError({"holder": _("%s is not an active member of this unit.") % holder})
    with transaction.atomic():
        # Lock the role so two appointments cannot both take the last seat.
        RoleType.objects.select_for_update().filter(pk=role_type.pk).first()
        existing = [
            role_rules.TermSpan(holder_id, start, end)
            for holder_id, start, end in role_type.terms.values_list("holder_id", "starts_on", "ends_on")
        ]
        refusal = role_rules.term_limit_refusal(existing, role_type.term_limit, holder.pk) or role_rules.seat_refusal(
            existing, role_type.seats, holder.pk, starts_on, ends_on
        )
        if refusal:
            raise ValidationError({"holder": _refusal_message(holder, refusal)})
        term = RoleTerm.objects.create(
            role_type=role_type,
            holder=holder,
            how_filled=how_filled,
            starts_on=starts_on,
            ends_on=ends_on,
            appointed_by=appointed_by if how_filled == RoleTerm.Filled.APPOINTED else None,
            reason=reason.strip(),
            ballot_ref=ballot_ref,
        )
        record(
            f"role.{how_filled}",
            actor=actor or appointed_by,
            obj=term,
            payload={
                "role": role_type.pk,
                "unit": role_type.unit.path,
                "holder": holder.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
                "reason": reason.strip(),
            },
        )
    return term


def _refusal_message(holder: Member, refusal: role_rules.Refusal) -> str:
    if refusal.code == "holds_already":
        return _("%(member)s already holds this role for part of that period.") % {"member": holder}
    if refusal.code == "seats_full":
        return _(
            "All %(seats)d seat(s) are filled for that period, so %(member)s cannot take one; end a term first."
        ) % {
            "seats": refusal.seats,
            "member": holder,
        }
    return _("%(member)s has already held this role for %(held)d term(s); the limit is %(limit)d.") % {
        "member": holder,
        "held": refusal.held,
        "limit": refusal.limit,
    }


def end_term(*, actor: Member, term: RoleTerm, reason: str, on: dt.date | None = None) -> RoleTerm:
    require_capability(actor, term.role_type.unit, MANAGE_ROLES)
    if not reason.strip():
        raise ValidationError({"reason": _("Ending a term early needs a reason; it is shown in role history.")})
    day = on or timezone.localdate()
    if not term.is_current(day):
        raise ValidationError({"term": _("This term is not current.")})
    with transaction.atomic():
        term.ends_on = max(day, term.starts_on + dt.timedelta(days=1))
        term.ended_early_reason = reason.strip()[:300]
        term.save(update_fields=["ends_on", "ended_early_reason"])
        record("role.end", actor=actor, obj=term, payload={"on": term.ends_on.isoformat(), "reason": reason})
    return term


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
