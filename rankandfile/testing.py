"""Named personas and a small organization for tests (HOUSE_STYLE: tests share setup between allow and deny), and
the one launch of Chromium for browser tests (`chromium`, the `browser` fixture of conftest.py)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from rankandfile.audit.services import record
from rankandfile.org.domain.capabilities import (
    ACCOUNTABILITY_COMMITTEE,
    ALL_CAPABILITIES,
    CHAIR_MEETINGS,
    MANAGE_BALLOTS,
    MANAGE_MEMBERS,
    MANAGE_ROLES,
    MANAGE_UNITS,
)
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PASSWORD = "correct horse battery staple"  # noqa: S105  (test persona password)


@dataclass
class SmallOrg:
    """national → district "north" → branches "leeds" and "york"; one person for each kind of access."""

    national: Unit
    north: Unit
    leeds: Unit
    york: Unit
    alice: Member  # ordinary member of Leeds
    bob: Member  # chair of Leeds (chair_meetings, manage_members)
    carol: Member  # district organizer of North (manage_members, manage_roles, manage_units)
    dave: Member  # national secretary (every capability but the committee's)
    erin: Member  # accountability committee (national)
    frank: Member  # former member: his Leeds membership has lapsed
    otto: Member  # site operator (is_staff), member of York, no roles
    chair_role: RoleType
    organizer_role: RoleType
    secretary_role: RoleType
    committee_role: RoleType


def make_unit(name: str, parent: Unit | None, kind: str = "") -> Unit:
    slug = name.lower().replace(" ", "-")
    path = f"{parent.path}/{slug}" if parent else slug
    return Unit.objects.create(
        name=name, slug=slug, parent=parent, path=path, depth=(parent.depth + 1) if parent else 0, kind=kind
    )


def make_member(name: str, unit: Unit | None, status: str = Membership.Status.ACTIVE, **extra: object) -> Member:
    email = name.lower().replace(" ", ".") + "@example.org"
    member = Member.objects.create_user(email, PASSWORD, full_name=name, **extra)
    if unit is not None:
        Membership.objects.create(member=member, unit=unit, status=status)
    return member


def give_role(member: Member, role_type: RoleType, *, how: str = RoleTerm.Filled.ELECTED) -> RoleTerm:
    start = timezone.localdate() - dt.timedelta(days=30)
    term = RoleTerm.objects.create(
        role_type=role_type, holder=member, starts_on=start, ends_on=start + dt.timedelta(days=365), how_filled=how
    )
    record(f"role.{how}", obj=term, payload={"holder": member.pk, "role": role_type.pk})
    return term


def build_small_org() -> SmallOrg:
    national = make_unit("National", None, "national")
    north = make_unit("North", national, "district")
    leeds = make_unit("Leeds", north, "branch")
    york = make_unit("York", north, "branch")
    alice = make_member("Alice Member", leeds)
    bob = make_member("Bob Chair", leeds)
    carol = make_member("Carol Organizer", york)
    dave = make_member("Dave Secretary", york)
    erin = make_member("Erin Committee", leeds)
    frank = make_member("Frank Former", leeds, status=Membership.Status.LAPSED)
    otto = make_member("Otto Operator", york, is_staff=True, is_superuser=True)
    chair_role = RoleType.objects.create(
        unit=leeds,
        name="Branch chair",
        seats=1,
        term_months=12,
        term_limit=3,
        capabilities=[CHAIR_MEETINGS, MANAGE_MEMBERS],
    )
    organizer_role = RoleType.objects.create(
        unit=north,
        name="District organizer",
        seats=2,
        term_months=24,
        capabilities=[MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_UNITS, CHAIR_MEETINGS],
    )
    secretary_role = RoleType.objects.create(
        unit=national,
        name="National secretary",
        seats=1,
        term_months=24,
        capabilities=[MANAGE_UNITS, MANAGE_MEMBERS, MANAGE_ROLES, CHAIR_MEETINGS, MANAGE_BALLOTS],
    )
    committee_role = RoleType.objects.create(
        unit=national,
        name="Accountability committee",
        seats=5,
        term_months=24,
        capabilities=[ACCOUNTABILITY_COMMITTEE],
    )
    give_role(bob, chair_role)
    give_role(carol, organizer_role)
    give_role(dave, secretary_role)
    give_role(erin, committee_role)
    return SmallOrg(
        national,
        north,
        leeds,
        york,
        alice,
        bob,
        carol,
        dave,
        erin,
        frank,
        otto,
        chair_role,
        organizer_role,
        secretary_role,
        committee_role,
    )


def other_unit_officer(org: SmallOrg) -> Member:
    """Yuri: a York member holding every capability, all from a role in York (issue 9: unit scoping).

    Not part of `SmallOrg` (which other tests count on); the permission matrix adds him to its personas. Over
    anything of Leeds, North or National he should act no more than any member of York.
    """
    existing = Member.objects.filter(email="yuri.york@example.org").first()
    if existing is not None:
        return existing
    officer = make_member("Yuri York", org.york)
    role = RoleType.objects.create(
        unit=org.york, name="York officer", seats=1, term_months=12, capabilities=sorted(ALL_CAPABILITIES)
    )
    give_role(officer, role)
    return officer


# --- browser tests ----------------------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"  # Debian's chromium: never `playwright install`
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def async_unsafe_allowed() -> Iterator[None]:
    """Switch Django's async-safety check off, then back to what it was.

    Playwright's sync API keeps an event loop running in the test's thread, where the ORM calls stay synchronous.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextmanager
def chromium() -> Iterator[Browser]:
    """The one launch of a browser for every browser test: Debian's chromium, headless, through Playwright."""
    import pytest
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
