"""The demo organization that `make demo` loads (rankandfile/demo/ and the load_demo command)."""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32decode
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.demo.organization import DEMO_DOMAIN, DEMO_PASSWORD, demo_root, load_demo, plan_demo
from rankandfile.org.access import capabilities_in
from rankandfile.org.domain.capabilities import (
    ACCOUNTABILITY_COMMITTEE,
    CHAIR_MEETINGS,
    MANAGE_MEMBERS,
    MANAGE_ROLES,
    MANAGE_UNITS,
)
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Load the demo once for the module, inside a transaction rolled back at the end (each test nests in it)."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: Any, db: Any) -> Any:
    return loaded


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Unit, Member, Membership, RoleType, RoleTerm, AuditEntry)
    }


def _login(email: str) -> Member:
    return Member.objects.get(email=email)


def test_it_builds_a_national_body_with_three_districts_and_at_least_nine_branches(demo: Any) -> None:
    root = demo_root()
    assert root is not None and root.kind == "national"
    districts = Unit.objects.filter(parent=root)
    assert districts.count() == 3
    for district in districts:
        assert 3 <= Unit.objects.filter(parent=district, kind="branch").count() <= 4
    assert Unit.objects.filter(kind="branch").count() >= 9


def test_it_has_about_six_hundred_members_with_varied_names_some_lapsed_and_some_left(demo: Any) -> None:
    members = Member.objects.filter(memberships__isnull=False).distinct()
    assert 570 <= members.count() <= 630
    assert members.values("full_name").distinct().count() == members.count()
    surnames = Counter(name.split(" ")[-1] for name in members.values_list("full_name", flat=True))
    assert len(surnames) > 200 and surnames.most_common(1)[0][1] < 15
    statuses = Counter(Membership.objects.values_list("status", flat=True))
    total = sum(statuses.values())
    assert 0.05 < statuses[Membership.Status.LAPSED] / total < 0.11
    assert 0.04 < statuses[Membership.Status.LEFT] / total < 0.09
    left = Membership.objects.filter(status=Membership.Status.LEFT)
    assert not left.filter(left_on__isnull=True).exists()
    assert left.exclude(exit_reason="").exists()
    two_units = Counter(Membership.objects.values_list("member_id", flat=True))
    assert 5 <= sum(1 for n in two_units.values() if n == 2) <= 30


def test_it_fills_roles_by_election_acclamation_and_appointment_over_three_years(demo: Any) -> None:
    how = Counter(RoleTerm.objects.values_list("how_filled", flat=True))
    assert how[RoleTerm.Filled.ELECTED] > 50 and how[RoleTerm.Filled.ACCLAIMED] > 50
    assert how[RoleTerm.Filled.APPOINTED] >= 5
    first = RoleTerm.objects.order_by("starts_on").first()
    assert first is not None and (timezone.localdate() - first.starts_on).days >= 3 * 365 - 31
    assert RoleTerm.objects.exclude(ended_early_reason="").count() >= 3
    for term in RoleTerm.objects.filter(how_filled=RoleTerm.Filled.APPOINTED):
        assert term.appointed_by_id is not None and len(term.reason) > 40


def test_it_appoints_only_by_members_who_held_manage_roles_over_the_unit_at_the_time(demo: Any) -> None:
    appointments = RoleTerm.objects.filter(how_filled=RoleTerm.Filled.APPOINTED).select_related("role_type__unit")
    for term in appointments:
        ancestors = term.role_type.unit.ancestor_paths()
        held = [
            t
            for t in RoleTerm.objects.filter(holder_id=term.appointed_by_id).select_related("role_type__unit")
            if t.role_type.unit.path in ancestors and MANAGE_ROLES in t.role_type.capabilities
        ]
        assert any(t.is_current(term.starts_on) for t in held), term


def test_it_never_puts_a_role_over_its_seats_or_a_holder_over_the_term_limit(demo: Any) -> None:
    for role_type in RoleType.objects.prefetch_related("terms"):
        terms = list(role_type.terms.all())
        for day in {t.starts_on for t in terms}:
            assert sum(1 for t in terms if t.is_current(day)) <= role_type.seats, (role_type, day)
        if role_type.term_limit is not None:
            held = Counter(t.holder_id for t in terms)
            assert max(held.values(), default=0) <= role_type.term_limit, role_type


def test_it_seats_only_members_who_belonged_to_the_unit_for_the_whole_term(demo: Any) -> None:
    terms = RoleTerm.objects.select_related("role_type__unit")
    memberships: dict[int, list[Membership]] = {}
    for membership in Membership.objects.select_related("unit"):
        memberships.setdefault(membership.member_id, []).append(membership)
    for term in terms:
        path = term.role_type.unit.path
        assert term.ends_on is not None
        last_day = term.ends_on - dt.timedelta(days=1)
        assert any(
            (m.unit.path == path or m.unit.path.startswith(path + "/"))
            and m.joined_on <= term.starts_on
            and (m.status_changed_on is None or m.status_changed_on >= last_day)
            for m in memberships[term.holder_id]
        ), term


def test_it_records_every_role_change_in_an_intact_audit_chain_in_the_order_it_happened(demo: Any) -> None:
    assert verify_chain() is None
    starts = AuditEntry.objects.filter(action__in=["role.elected", "role.acclaimed", "role.appointed"])
    assert starts.count() == RoleTerm.objects.count()
    assert (
        AuditEntry.objects.filter(action="role.end").count() == RoleTerm.objects.exclude(ended_early_reason="").count()
    )
    days = [entry.payload["starts_on"] for entry in starts.order_by("seq")]
    assert days == sorted(days)


@pytest.mark.parametrize(
    "case",
    [
        ("member", "cwf/riverside/millbrook", set(), {CHAIR_MEETINGS, MANAGE_MEMBERS}),
        ("chair", "cwf/riverside/millbrook", {CHAIR_MEETINGS, MANAGE_MEMBERS}, {MANAGE_ROLES}),
        ("organizer", "cwf/riverside", {MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_UNITS}, {ACCOUNTABILITY_COMMITTEE}),
        ("secretary", "cwf", {MANAGE_UNITS, MANAGE_MEMBERS, MANAGE_ROLES}, {ACCOUNTABILITY_COMMITTEE}),
        ("committee", "cwf", {ACCOUNTABILITY_COMMITTEE}, {MANAGE_ROLES, MANAGE_MEMBERS}),
    ],
)
def test_it_gives_each_demo_login_the_capabilities_its_role_describes(
    demo: Any, client: Any, case: tuple[str, str, set[str], set[str]]
) -> None:
    login, unit_path, expected, absent = case
    email = f"{login}@{DEMO_DOMAIN}"
    response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    member = _login(email)
    caps = capabilities_in(member, Unit.objects.get(path=unit_path))
    assert expected <= caps
    assert not caps & absent


def test_it_gives_the_operator_the_admin_but_no_membership(demo: Any, client: Any) -> None:
    admin = _login(f"admin@{DEMO_DOMAIN}")
    assert admin.is_staff and admin.is_superuser and not admin.memberships.exists()
    out = StringIO()
    call_command("load_demo", stdout=out)
    secret = re.search(rf"admin@{re.escape(DEMO_DOMAIN)}.*\n\s+second factor: app secret ([A-Z2-7]+)", out.getvalue())
    assert secret, out.getvalue()
    response = client.post("/accounts/login/", {"username": admin.email, "password": DEMO_PASSWORD})
    code = TOTP(b32decode(secret.group(1))).token()
    response = client.post(response["Location"], {"token": f"{code:06d}", "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_it_prints_second_factors_that_let_the_demo_officers_in_as_printed(demo: Any, client: Any) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for login in ("chair", "organizer", "secretary", "committee"):
        found = re.search(rf"{login}@{re.escape(DEMO_DOMAIN)}.*\n.*recovery code: (\w+)", text)
        assert found, text
        response = client.post("/accounts/login/", {"username": f"{login}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD})
        response = client.post(response["Location"], {"token": found.group(1)})
        assert response.status_code == 302 and response["Location"] == "/", login
        assert client.get("/").status_code == 200
        client.post("/accounts/logout/")
    # The member needs none: the password is enough, as printed.
    assert f"member@{DEMO_DOMAIN}  " in text
    response = client.post("/accounts/login/", {"username": f"member@{DEMO_DOMAIN}", "password": DEMO_PASSWORD})
    assert response["Location"] == "/"
    # Loading again prints only the codes still unused.
    again = StringIO()
    call_command("load_demo", stdout=again)
    used = re.search(rf"chair@{re.escape(DEMO_DOMAIN)}.*\n.*recovery code: (\w+)", text)
    assert used and used.group(1) not in again.getvalue()


def test_it_lets_no_other_demo_member_log_in(demo: Any) -> None:
    others = Member.objects.exclude(email__endswith="@" + DEMO_DOMAIN)
    assert not any(member.has_usable_password() for member in others[:50])


def test_it_changes_nothing_when_loaded_twice(demo: Any) -> None:
    before = _counts()
    again = load_demo()
    assert not again.created and again.counts == demo.counts
    assert _counts() == before
    assert verify_chain() is None


def test_it_plans_the_same_organization_every_time() -> None:
    today = dt.date(2026, 6, 15)
    first, second = plan_demo(today), plan_demo(today)
    assert [(p.full_name, p.email, p.phone) for p in first.people] == [
        (p.full_name, p.email, p.phone) for p in second.people
    ]
    assert [(t.holder, t.starts_on, t.how, t.reason) for t in first.terms()] == [
        (t.holder, t.starts_on, t.how, t.reason) for t in second.terms()
    ]


def test_it_keeps_the_same_members_whatever_the_date() -> None:
    june, december = plan_demo(dt.date(2026, 6, 15)), plan_demo(dt.date(2027, 12, 3))
    assert [p.email for p in june.people] == [p.email for p in december.people]
    assert [m.unit for m in june.memberships[:600]] == [m.unit for m in december.memberships[:600]]


def test_it_prints_the_logins_and_the_address_from_the_command(demo: Any) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text and DEMO_PASSWORD in text
    for login in ("member", "chair", "organizer", "secretary", "committee", "admin"):
        assert f"{login}@{DEMO_DOMAIN}" in text
    assert "already loaded" in text and "600 members in 11 branches and 3 districts" in text
    assert Unit.objects.filter(parent__isnull=True).count() == 1


def test_it_makes_its_history_through_the_services_never_rewriting_it() -> None:
    """No queryset writes in the demo: its past is made by the services with the clock set (time-machine). Only
    `second_factor.py` writes the demo logins' authenticator devices itself (fixed secrets, so they print the same)."""
    from pathlib import Path

    demo = Path(__file__).resolve().parent.parent
    writes = re.compile(r"\.update\(|\.bulk_create\(|\.bulk_update\(|\.objects\.create\(|\.delete\(")
    found = [
        f"{path.name}:{number}"
        for path in sorted(demo.glob("*.py"))
        if path.name != "second_factor.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if writes.search(line)
    ]
    assert found == []
