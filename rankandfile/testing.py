"""Named personas and a small organization for tests (HOUSE_STYLE: tests share setup between allow and deny), and
the one launch of Chromium for browser tests (`chromium`, the `browser` fixture of conftest.py)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rankandfile.audit.services import record
from rankandfile.org import access
from rankandfile.org.domain.capabilities import (
    ACCOUNTABILITY_COMMITTEE,
    ALL_CAPABILITIES,
    CHAIR_MEETINGS,
    MANAGE_BALLOTS,
    MANAGE_BULLETIN,
    MANAGE_MEMBERS,
    MANAGE_ROLES,
    MANAGE_UNITS,
)
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit
from rankandfile.org.services import two_factor

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


def settings_for_tests(tmp_dir: Path) -> dict[str, Any]:
    """The settings every test runs with (also applied by fixtures wider than one test, as the permission matrix's
    organization)."""
    return {
        # Argon2 stays the production hasher (settings.py); tests only need hashing to work, not to be slow.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # WhiteNoise finds a static file when it is asked for, instead of indexing all of them each time a test
        # client loads the middleware (a tenth of a second per client, a third of the permission matrix's time).
        # Production's indexed, hashed files have their own test (tests/test_production_static.py).
        "WHITENOISE_AUTOREFRESH": True,
        # The audit signing key of the test session: made on first use, never the one under var/.
        "AUDIT_SIGNING_KEY_FILE": tmp_dir / "audit-signing.key",
        # Case passphrases and receipts: Argon2id at libsodium's floor (production cost: settings.py,
        # docs/cases.md), and attachments under the test session's own media folder.
        "CASE_PASSPHRASE_OPSLIMIT": 1,
        "CASE_RECEIPT_OPSLIMIT": 1,
        "CASE_PASSPHRASE_MEMLIMIT": 8192,
        "CASE_RECEIPT_MEMLIMIT": 8192,
        "MEDIA_ROOT": tmp_dir / "media",
    }


@contextmanager
def rows_shared_by_tests(django_db_blocker: Any, tmp_dir: Path) -> Iterator[None]:
    """For a fixture wider than one test (class or module scope) that builds rows once for many tests: the rows
    live in a transaction rolled back when the fixture ends, and each test runs in pytest-django's savepoint inside
    it, so no test sees another's writes. Only for tests that are not transactional (pytest-django runs those after
    the others, outside this transaction)."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(**settings_for_tests(tmp_dir)), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


@contextmanager
def emptied_by_delete_on_postgresql() -> Iterator[None]:
    """Transactional tests empty every table when they end (Django's flush). On PostgreSQL, Django does it with one
    `TRUNCATE` of all 77 tables, which gives each table and index a new file: 0.3 s per test on a quiet machine, up
    to 2 s with the other worker busy, for tables that hold a few rows. `DELETE FROM` each table empties the same
    tables in milliseconds; PostgreSQL checks the foreign keys (deferred, as Django makes them) at the commit, when
    every table is empty. A flush that must also restart the id sequences keeps Django's own statement. Tests only:
    production never flushes."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def delete_each_table(
        self: Any, style: Any, tables: Sequence[str], *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if reset_sequences:
            return truncate(self, style, tables, reset_sequences=True, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    DatabaseOperations.sql_flush = delete_each_table  # type: ignore[method-assign]
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = truncate  # type: ignore[method-assign]


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
        capabilities=[MANAGE_UNITS, MANAGE_MEMBERS, MANAGE_ROLES, CHAIR_MEETINGS, MANAGE_BALLOTS, MANAGE_BULLETIN],
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


# --- logging in, with the second factor where the member needs one -------------------------------------------
@dataclass(frozen=True)
class SecondFactor:
    device: TOTPDevice
    recovery_codes: list[str]


def next_totp_code(device: TOTPDevice) -> str:
    """A code the app would show that the device still accepts (one step after the last one used)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    counter = max(now, device.last_t + 1)  # the device accepts one step ahead (its tolerance)
    return f"{hotp(device.bin_key, counter, digits=device.digits):0{device.digits}d}"


def enrol_second_factor(member: Member) -> SecondFactor:
    """Enrol `member` through the services, as the setup page does: an authenticator app and recovery codes."""
    device = two_factor.totp_enrolment_start(member=member)
    codes = two_factor.totp_enrolment_confirm(member=member, device=device, token=next_totp_code(device))
    device.refresh_from_db()
    return SecondFactor(device, codes)


def log_in(client: Client, member: Member) -> None:
    """Log `member` in on `client` as the login and code pages would.

    A member who needs a second factor (access.needs_second_factor) is enrolled if not yet, and the session is
    marked as having used the device, exactly as `django_otp.login` marks it after a good code. Anyone else gets a
    plain session. Tests of the second factor itself log in through the pages (org/tests/test_two_factor.py).
    """
    client.force_login(member)
    fresh = Member.objects.get(pk=member.pk)  # no capabilities cached on the caller's object
    if not access.needs_second_factor(fresh):
        return
    device = TOTPDevice.objects.filter(user=fresh, confirmed=True).first() or enrol_second_factor(fresh).device
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
