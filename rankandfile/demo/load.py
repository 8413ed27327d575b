"""Writing the planned demo in one transaction, and reading back what is there."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import time_machine
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from rankandfile.audit.selectors import chain_head
from rankandfile.demo.plan import DemoPlan, PlannedMembership, PlannedTerm, plan_demo
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
from rankandfile.org.access import forget_cached_capabilities
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


def _write(plan: DemoPlan) -> None:
    emails = [p.email for p in plan.people] + [ADMIN_EMAIL]
    taken = list(Member.objects.filter(email__in=emails).values_list("email", flat=True)[:3])
    if taken:
        raise DemoConflict(
            f"the database already has the account(s) {', '.join(taken)} but no demo organization; "
            "load the demo into a fresh database."
        )
    latest = timezone.now() - dt.timedelta(hours=3)
    with time_machine.travel(_moment(plan.founded_on, latest=latest), tick=False) as clock:
        History(plan, clock, latest=latest).replay()
    _set_demo_passwords(plan)


def _moment(day: dt.date, step: int = 0, *, latest: dt.datetime) -> dt.datetime:
    """When the services act on `day`: in the morning, one second per step, and not after `latest` (a few hours
    before the real now: today's events come before the activity that `load_activity` stamps later)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
    morning = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    return max(start, min(morning, latest)) + dt.timedelta(seconds=step)


class History:
    """The planned history made through the org services, day by day, with the clock set to each day.

    Joining is a member import (the CSV an officer would upload) of everyone who joined since the last one; then,
    on each day, the terms that end early, the terms that start, and the memberships that lapse (recorded by
    whoever holds `manage_members` that day) or end (the member leaves), each by the service a member or officer
    would use, so every rule is checked and the audit chain reads in the order things happened.
    """

    def __init__(self, plan: DemoPlan, clock: Any, *, latest: dt.datetime) -> None:
        self.plan, self.clock, self.latest = plan, clock, latest
        self.units: dict[str, Unit] = {}
        self.role_types: dict[int, RoleType] = {}
        self.members: dict[int, Member] = {}
        self.terms: dict[int, RoleTerm] = {}
        self.to_join = sorted(plan.memberships, key=lambda m: m.joined_on)
        self.step = 0

    def at(self, day: dt.date) -> None:
        self.step += 1
        self.clock.move_to(_moment(day, self.step, latest=self.latest))

    def replay(self) -> None:
        self.found()
        events: list[tuple[dt.date, int, int, PlannedTerm | PlannedMembership]] = []
        for i, term in enumerate(sorted(self.plan.terms(), key=lambda t: (t.starts_on, t.role.unit, t.holder))):
            events.append((term.starts_on, 1, i, term))
            if term.ended_on is not None:
                events.append((term.ended_on, 0, i, term))
        for j, membership in enumerate(self.plan.memberships):
            if membership.changed_on is not None:
                events.append((membership.changed_on, 2, j, membership))
        day = self.plan.founded_on
        for day, kind, _index, event in sorted(events, key=lambda e: e[:3]):
            self.join_until(day)
            self.at(day)
            if isinstance(event, PlannedMembership):
                self.status_change(event, day)
            elif kind == 0:
                self.term_end(event)
            else:
                self.term_start(event)
        self.join_until(self.plan.today)

    def found(self) -> None:
        """The units and their roles, defined by the operator on the command line when the federation was founded."""
        self.at(self.plan.founded_on)
        for planned in self.plan.units:
            parent = self.units[planned.parent] if planned.parent else None
            self.units[planned.path] = services.unit_create(
                actor=None, parent=parent, name=planned.name, slug=planned.slug, kind=planned.kind
            )
        for role in self.plan.roles:
            self.role_types[id(role)] = services.role_type_create(
                actor=None,
                unit=self.units[role.unit],
                name=role.spec.name,
                description=role.spec.description,
                seats=role.spec.seats,
                term_months=role.spec.term_months,
                term_limit=role.spec.term_limit,
                capabilities=list(role.spec.capabilities),
            )

    def join_until(self, day: dt.date) -> None:
        """Import everyone who joined on or before `day` and is not in yet (a member in two units: two files)."""
        due = [m for m in self.to_join if m.joined_on <= day]
        if not due:
            return
        self.to_join = self.to_join[len(due) :]
        self.at(day)
        while due:
            batch: dict[int, PlannedMembership] = {}
            for membership in due:
                batch.setdefault(membership.person, membership)
            due = [m for m in due if batch[m.person] is not m]
            report = services.members_import(actor=None, unit=self.units[ROOT_SLUG], file=self._csv(batch.values()))
            assert report.written and not report.problems, report.problems
        joined = [p.email for p in self.plan.people if p.index not in self.members]
        by_email = {m.email: m for m in Member.objects.filter(email__in=joined)}
        for person in self.plan.people:
            if person.email in by_email:
                self.members[person.index] = by_email[person.email]

    def _csv(self, memberships: Iterable[PlannedMembership]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["email", "full_name", "phone", "pronouns", "joined_on", "unit"])
        for m in memberships:
            p = self.plan.people[m.person]
            writer.writerow([p.email, p.full_name, p.phone, p.pronouns, m.joined_on.isoformat(), m.unit])
        return out.getvalue()

    def member(self, index: int) -> Member:
        """The member as the services should see them today (no capabilities cached from another day)."""
        member = self.members[index]
        forget_cached_capabilities(member)
        return member

    def status_change(self, planned: PlannedMembership, day: dt.date) -> None:
        """A member who left did so by their own action (giving a reason or not); a lapse is recorded by whoever held
        `manage_members` over the unit that day."""
        membership = Membership.objects.get(member=self.members[planned.person], unit=self.units[planned.unit])
        if planned.status == LEFT:
            services.membership_leave(
                member=self.member(planned.person), membership=membership, reason=planned.exit_reason, on=day
            )
            return
        steward = _holder_with(self.plan, MANAGE_MEMBERS, planned.unit, day, planned.person)
        assert steward is not None, planned
        services.membership_set_status(
            actor=self.member(steward), membership=membership, status=planned.status, reason="", on=day
        )

    def term_start(self, planned: PlannedTerm) -> None:
        self.terms[id(planned)] = services.seat_fill(
            role_type=self.role_types[id(planned.role)],
            holder=self.member(planned.holder),
            how_filled=planned.how,
            starts_on=planned.starts_on,
            ends_on=planned.ends_on,
            appointed_by=self.member(planned.appointer) if planned.appointer is not None else None,
            reason=planned.reason,
        )

    def term_end(self, planned: PlannedTerm) -> None:
        assert planned.ended_on is not None and planned.ended_by is not None, planned
        services.term_end(
            actor=self.member(planned.ended_by),
            term=self.terms[id(planned)],
            reason=planned.ended_reason,
            on=planned.ended_on,
        )


def _set_demo_passwords(plan: DemoPlan) -> None:
    """Only the demo logins can log in, with the published password (one hash serves them all); the operator is
    made as `createsuperuser` makes one. Imported members have no usable password, as after any import."""
    login_hash = make_password(DEMO_PASSWORD)
    personas = [p.email for p in plan.people if p.persona]
    for member in Member.objects.filter(email__in=personas):
        member.password = login_hash
        member.save(update_fields=["password"])
    admin = Member.objects.create_superuser(ADMIN_EMAIL, full_name=ADMIN_NAME)
    admin.password = login_hash
    admin.save(update_fields=["password"])


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
