"""Role types and terms: seats, term limits, appointments with their recorded reason (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rankandfile.audit.services import record
from rankandfile.live.auth import access_changed_on_commit
from rankandfile.org import selectors
from rankandfile.org.access import require_capability
from rankandfile.org.domain import roles as role_rules
from rankandfile.org.domain.capabilities import MANAGE_ROLES, unknown_capabilities
from rankandfile.org.models import Member, RoleTerm, RoleType, Unit
from rankandfile.org.services.departures import departures_record


# --- roles ----------------------------------------------------------------------------------------------
def role_type_create(
    *,
    actor: Member | None,
    unit: Unit,
    name: str,
    seats: int = 1,
    term_months: int = 12,
    term_limit: int | None = None,
    capabilities: list[str] | None = None,
    description: str = "",
) -> RoleType:
    """Define a role of `unit`. Rule: `manage_roles` over the unit; actor None is the site operator on the command
    line (as for `unit_create`)."""
    if actor is not None:
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


def seat_fill(
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
    if not selectors.is_active_member(holder, role_type.unit):
        raise ValidationError({"holder": _("%s is not an active member of this unit.") % holder})
    with transaction.atomic():
        # Lock the role so two appointments cannot both take the last seat.
        RoleType.objects.select_for_update().filter(pk=role_type.pk).first()
        existing = term_spans(role_type)
        if ends_on is None:  # until the next elected term (a vacancy, a by-election), else a whole term
            ends_on = role_rules.next_term_start(existing, starts_on, role_type.term_months)
        if ends_on <= starts_on:
            raise ValidationError({"ends_on": _("A term ends after it starts.")})
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


def term_spans(role_type: RoleType) -> list[role_rules.TermSpan]:
    """Every term of the role, as the seat rules read them."""
    elected = (RoleTerm.Filled.ELECTED, RoleTerm.Filled.ACCLAIMED)
    return [
        role_rules.TermSpan(holder_id, start, end, how in elected)
        for holder_id, start, end, how in role_type.terms.values_list("holder_id", "starts_on", "ends_on", "how_filled")
    ]


def _refusal_message(holder: Member, refusal: role_rules.Refusal) -> str:
    if refusal.code == "holds_already":
        return _("%(member)s already holds this role for part of that period.") % {"member": holder}
    if refusal.code == "seats_full":
        return ngettext(
            "The %(seats)d seat is filled for part of that period, so %(member)s cannot take it: end a term "
            "first, or end the new one sooner.",
            "All %(seats)d seats are filled for part of that period, so %(member)s cannot take one: end a term "
            "first, or end the new one sooner.",
            refusal.seats,
        ) % {
            "seats": refusal.seats,
            "member": holder,
        }
    return _("%(member)s has already held this role for %(held)d term(s); the limit is %(limit)d.") % {
        "member": holder,
        "held": refusal.held,
        "limit": refusal.limit,
    }


def term_end(*, actor: Member, term: RoleTerm, reason: str, on: dt.date | None = None) -> RoleTerm:
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
        access_changed_on_commit(term.holder_id)  # open live sockets check their right to watch again
        departures_record([term.holder_id])  # what apps above keep for role holders (case keys) ends too
    return term


def term_recall(*, term: RoleTerm, ballot_ref: int, reason: str, on: dt.date | None = None) -> RoleTerm:
    """The members recalled the holder by ballot `ballot_ref` (a rule, no officer): the term ends `on` that day
    with `reason` ("recalled by ballot 12, 61 % yes, quorum met") in role history. Inside the caller's
    transaction (the ballot's close)."""
    day = on or timezone.localdate()
    if not term.is_current(day):
        raise ValidationError({"term": _("This term is not current.")})
    term.ends_on = max(day, term.starts_on + dt.timedelta(days=1))
    term.ended_early_reason = reason.strip()[:300]
    term.save(update_fields=["ends_on", "ended_early_reason"])
    record(
        "role.recalled",
        actor=None,
        obj=term,
        payload={"on": term.ends_on.isoformat(), "reason": reason, "ballot": ballot_ref, "holder": term.holder_id},
    )
    access_changed_on_commit(term.holder_id)
    departures_record([term.holder_id])
    return term
