"""Writing the planned demo in one transaction, and reading back what is there."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction
from django.utils import timezone

from rankandfile.audit.selectors import chain_head
from rankandfile.audit.services import record
from rankandfile.demo.plan import DemoPlan, PlannedTerm, plan_demo
from rankandfile.demo.shape import (
    ACCLAIMED,
    ACTIVE,
    ADMIN_EMAIL,
    ADMIN_NAME,
    APPOINTED,
    DEMO_PASSWORD,
    ELECTED,
    LAPSED,
    LEFT,
    ROOT_SLUG,
    DemoLogin,
    demo_logins,
)
from rankandfile.org import services
from rankandfile.org.domain.capabilities import MANAGE_MEMBERS
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit


class DemoConflict(Exception):
    """The database holds some of the demo's accounts but not the demo organization: refuse to mix them."""


@dataclass(frozen=True)
class DemoResult:
    created: bool
    logins: list[DemoLogin]
    counts: dict[str, int]


def demo_root() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True, slug=ROOT_SLUG).first()


def load_demo(*, today: dt.date | None = None) -> DemoResult:
    """Create the demo organization in one transaction, or do nothing if it is already there."""
    with transaction.atomic():
        created = demo_root() is None
        if created:
            _write(plan_demo(today))
        counts = demo_counts()
    return DemoResult(created=created, logins=demo_logins(), counts=counts)


def demo_counts() -> dict[str, int]:
    root = demo_root()
    if root is None:
        return {}
    units = Unit.objects.subtree(root)
    memberships = Counter(Membership.objects.filter(unit__in=units).values_list("status", flat=True))
    terms = RoleTerm.objects.filter(role_type__unit__in=units)
    filled = Counter(terms.values_list("how_filled", flat=True))
    return {
        "districts": units.filter(kind="district").count(),
        "branches": units.filter(kind="branch").count(),
        "members": Member.objects.filter(memberships__unit__in=units).distinct().count(),
        "memberships_active": memberships[ACTIVE],
        "memberships_lapsed": memberships[LAPSED],
        "memberships_left": memberships[LEFT],
        "role_types": RoleType.objects.filter(unit__in=units).count(),
        "terms_elected": filled[ELECTED],
        "terms_acclaimed": filled[ACCLAIMED],
        "terms_appointed": filled[APPOINTED],
        "terms_ended_early": terms.exclude(ended_early_reason="").count(),
        "audit_entries": (chain_head() or (0, ""))[0],
    }


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(19, 0)))


def _write(plan: DemoPlan) -> None:
    emails = [p.email for p in plan.people] + [ADMIN_EMAIL]
    taken = list(Member.objects.filter(email__in=emails).values_list("email", flat=True)[:3])
    if taken:
        raise DemoConflict(
            f"the database already has the account(s) {', '.join(taken)} but no demo organization; "
            "load the demo into a fresh database."
        )
    # Units through the service, so their creation opens the audit chain like any other unit's.
    units: dict[str, Unit] = {}
    for planned in plan.units:
        parent = units[planned.parent] if planned.parent else None
        units[planned.path] = services.unit_create(
            actor=None, parent=parent, name=planned.name, slug=planned.slug, kind=planned.kind
        )
    role_types = RoleType.objects.bulk_create(
        [
            RoleType(
                unit=units[role.unit],
                name=role.spec.name,
                description=role.spec.description,
                seats=role.spec.seats,
                term_months=role.spec.term_months,
                term_limit=role.spec.term_limit,
                capabilities=list(role.spec.capabilities),
            )
            for role in plan.roles
        ]
    )
    for role, role_type in zip(plan.roles, role_types, strict=True):
        payload = {"unit": role.unit, "name": role_type.name, "capabilities": role_type.capabilities}
        record("role.define", obj=role_type, payload={**payload, "seats": role_type.seats})

    # Only the demo logins can log in; one hash serves them all, as they share the published password.
    login_hash = make_password(DEMO_PASSWORD)
    members = Member.objects.bulk_create(
        [
            Member(
                email=p.email,
                full_name=p.full_name,
                phone=p.phone,
                pronouns=p.pronouns,
                date_joined=_aware(min(m.joined_on for m in plan.memberships if m.person == p.index)),
                password=login_hash if p.persona else f"{UNUSABLE_PASSWORD_PREFIX}{secrets.token_hex(20)}",
            )
            for p in plan.people
        ]
        + [
            Member(
                email=ADMIN_EMAIL,
                full_name=ADMIN_NAME,
                is_staff=True,
                is_superuser=True,
                date_joined=_aware(plan.founded_on),
                password=login_hash,
            )
        ]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                member=members[m.person],
                unit=units[m.unit],
                status=m.status,
                joined_on=m.joined_on,
                status_changed_on=m.changed_on,
                left_on=m.changed_on if m.status == LEFT else None,
                exit_reason=m.exit_reason,
            )
            for m in plan.memberships
        ]
    )
    role_type_of = {id(role): role_type for role, role_type in zip(plan.roles, role_types, strict=True)}
    planned_terms = sorted(plan.terms(), key=lambda t: (t.starts_on, t.role.unit, t.role.spec.name, t.holder))
    terms = RoleTerm.objects.bulk_create(
        [
            RoleTerm(
                role_type=role_type_of[id(t.role)],
                holder=members[t.holder],
                starts_on=t.starts_on,
                ends_on=t.end,
                how_filled=t.how,
                appointed_by=members[t.appointer] if t.appointer is not None else None,
                reason=t.reason,
                ended_early_reason=t.ended_reason,
            )
            for t in planned_terms
        ]
    )
    _record_history(plan, planned_terms, terms, memberships, members)


def _record_history(
    plan: DemoPlan,
    planned_terms: list[PlannedTerm],
    terms: list[RoleTerm],
    memberships: list[Membership],
    members: list[Member],
) -> None:
    """Append every role change and membership change to the audit chain, in the order they happened."""
    events: list[tuple[dt.date, int, int]] = []  # (day, kind, index); on one day, endings come before starts
    for i, t in enumerate(planned_terms):
        events.append((t.starts_on, 2, i))
        if t.ended_on is not None:
            events.append((t.ended_on, 0, i))
    for j, m in enumerate(plan.memberships):
        if m.changed_on is not None:
            events.append((m.changed_on, 1, j))
    for day, kind, index in sorted(events):
        if kind == 1:
            planned_membership, membership = plan.memberships[index], memberships[index]
            steward = _holder_with(plan, MANAGE_MEMBERS, planned_membership.unit, day, planned_membership.person)
            record(
                "membership.status",
                actor=members[steward] if steward is not None else None,
                obj=membership,
                payload={"member": membership.member_id, "unit": membership.unit_id, "status": membership.status},
            )
            continue
        t, term = planned_terms[index], terms[index]
        if kind == 0:
            assert t.ended_on is not None
            record(
                "role.end",
                actor=members[t.ended_by] if t.ended_by is not None else None,
                obj=term,
                payload={"on": t.ended_on.isoformat(), "reason": t.ended_reason},
            )
            continue
        record(
            f"role.{t.how}",
            actor=members[t.appointer] if t.appointer is not None else None,
            obj=term,
            payload={
                "role": term.role_type_id,
                "unit": t.role.unit,
                "holder": term.holder_id,
                "starts_on": t.starts_on.isoformat(),
                "ends_on": t.ends_on.isoformat(),
                "reason": t.reason,
            },
        )


def _holder_with(plan: DemoPlan, capability: str, path: str, day: dt.date, exclude: int) -> int | None:
    """The member nearest the unit who held `capability` over it on that day (for the audit entry's actor)."""
    found = [
        (-role.unit.count("/"), role.spec.name, t.holder)
        for role in plan.roles
        if capability in role.spec.capabilities and (path == role.unit or path.startswith(role.unit + "/"))
        for t in role.terms
        if t.covers(day) and t.holder != exclude
    ]
    return min(found)[2] if found else None
