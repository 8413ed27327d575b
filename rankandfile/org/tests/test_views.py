"""The organization's pages: who sees what, field-level form errors, error pages, and query counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rankandfile.org import services
from rankandfile.org.models import ApiToken, Member, Membership, RoleTerm, RoleType
from rankandfile.testing import SmallOrg, log_in

REASON = "Nobody stood at the AGM; appointed until the next election."


def client_for(member: Member | None) -> Client:
    client = Client()
    if member is not None:
        log_in(client, member)
    return client


def page(member: Member | None, url: str, status: int = 200) -> str:
    response = client_for(member).get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def add_members(org: SmallOrg, count: int, start: int = 0) -> None:
    """`count` more active Leeds members (bulk), every fifth a steward with a current term."""
    members = Member.objects.bulk_create(
        Member(email=f"crowd{i}@example.org", full_name=f"Crowd Member {i:04d}", phone=f"0113 {i:06d}", password="!")
        for i in range(start, start + count)
    )
    Membership.objects.bulk_create(Membership(member=m, unit=org.leeds) for m in members)
    steward, _created = RoleType.objects.get_or_create(
        unit=org.leeds, name="Steward", defaults={"seats": 1000, "capabilities": []}
    )
    today = timezone.localdate()
    RoleTerm.objects.bulk_create(
        RoleTerm(
            role_type=steward, holder=m, starts_on=today, ends_on=today + dt.timedelta(days=365), how_filled="acclaimed"
        )
        for m in members[::5]
    )


# --- the directory -------------------------------------------------------------------------------------------
def test_it_shows_members_names_units_and_roles_in_the_directory(org: SmallOrg) -> None:
    html = page(org.alice, reverse("org:directory", args=[org.leeds.pk]))
    for text in ("Alice Member", "Bob Chair", "Erin Committee", "Branch chair, Leeds", "Leeds"):
        assert text in html
    assert "Frank Former" not in html  # lapsed members are not listed to members
    national = page(org.alice, reverse("org:directory", args=[org.national.pk]))
    assert "Otto Operator" in national and "York" in national
    assert "Accountability committee, National" in national


def test_it_hides_contact_details_from_members_without_manage_members(org: SmallOrg) -> None:
    org.bob.phone = "0113 496 0123"
    org.bob.save(update_fields=["phone"])
    urls = [
        reverse("home"),
        reverse("org:units"),
        reverse("org:unit", args=[org.leeds.pk]),
        reverse("org:directory", args=[org.leeds.pk]),
        reverse("org:directory", args=[org.national.pk]),
        reverse("org:directory", args=[org.leeds.pk]) + "?status=&q=bob",
        reverse("org:unit_history", args=[org.leeds.pk]),
        reverse("org:member", args=[org.bob.pk]),
        reverse("audit:log"),
    ]
    for viewer in (org.alice, org.erin, org.otto):
        for url in urls:
            html = page(viewer, url)
            assert org.bob.email not in html, f"{viewer} sees bob's email at {url}"
            assert "0113 496 0123" not in html, f"{viewer} sees bob's phone at {url}"
            assert "mailto:" not in html


def test_it_shows_contact_details_to_manage_members_holders(org: SmallOrg) -> None:
    html = page(org.carol, reverse("org:directory", args=[org.leeds.pk]))
    assert org.alice.email in html and org.bob.email in html and org.erin.email in html
    html = page(org.bob, reverse("org:directory", args=[org.leeds.pk]))
    assert org.alice.email in html
    # bob's capability stops at Leeds: no contacts in York's directory, or on otto's profile.
    york = page(org.bob, reverse("org:directory", args=[org.york.pk]))
    assert "Otto Operator" in york and org.otto.email not in york
    assert org.otto.email not in page(org.bob, reverse("org:member", args=[org.otto.pk]))
    assert org.alice.email in page(org.bob, reverse("org:member", args=[org.alice.pk]))


def test_it_filters_by_status_only_for_manage_members_holders(org: SmallOrg) -> None:
    url = reverse("org:directory", args=[org.leeds.pk]) + "?status=lapsed"
    assert "Frank Former" in page(org.carol, url)
    assert "Frank Former" not in page(org.alice, url)


def test_it_searches_the_directory_by_name(org: SmallOrg) -> None:
    html = page(org.alice, reverse("org:directory", args=[org.national.pk]) + "?q=erin")
    assert "Erin Committee" in html and "Bob Chair" not in html


# --- profiles and role history ------------------------------------------------------------------------------
def test_it_shows_a_member_s_role_history_with_appointment_reasons(org: SmallOrg) -> None:
    treasurer = services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer")
    services.seat_fill(
        role_type=treasurer, holder=org.alice, how_filled="appointed", appointed_by=org.carol, reason=REASON
    )
    html = page(org.erin, reverse("org:member", args=[org.alice.pk]))
    assert "Treasurer" in html and "Leeds" in html
    assert "appointed" in html
    assert "by Carol Organizer" in html
    assert REASON in html
    assert org.alice.email not in html
    history = page(org.alice, reverse("org:unit_history", args=[org.leeds.pk]))
    assert REASON in history and "Bob Chair" in history and "elected" in history


def test_it_shows_why_a_term_ended_early(org: SmallOrg) -> None:
    services.term_end(actor=org.carol, term=org.bob.role_terms.get(), reason="Stood down to care for family.")
    assert "Stood down to care for family." in page(org.alice, reverse("org:member", args=[org.bob.pk]))


def test_it_lists_vacancies_on_the_unit_page(org: SmallOrg) -> None:
    html = page(org.alice, reverse("org:unit", args=[org.national.pk]))
    assert "4 vacancies" in html  # the accountability committee: 5 seats, erin in one


def test_it_shows_management_links_only_with_the_capability(org: SmallOrg) -> None:
    assert reverse("org:appoint", args=[org.committee_role.pk]) in page(
        org.dave, reverse("org:unit", args=[org.national.pk])
    )
    html = page(org.alice, reverse("org:unit", args=[org.national.pk]))
    for name in ("org:unit_create", "org:unit_rename", "org:role_type_create", "org:invite"):
        assert reverse(name, args=[org.national.pk]) not in html
    assert reverse("org:appoint", args=[org.committee_role.pk]) not in html


# --- forms ---------------------------------------------------------------------------------------------------
def test_it_shows_a_field_error_when_an_appointment_has_no_reason(org: SmallOrg) -> None:
    url = reverse("org:appoint", args=[org.organizer_role.pk])
    response = client_for(org.carol).post(url, {"holder": org.alice.pk, "starts_on": "2026-01-10", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert 'id="id_reason_error"' in response.content.decode()
    assert not RoleTerm.objects.filter(holder=org.alice).exists()


def test_it_shows_a_service_refusal_on_the_field_it_concerns(org: SmallOrg) -> None:
    url = reverse("org:appoint", args=[org.chair_role.pk])  # one seat, held by bob
    response = client_for(org.carol).post(
        url, {"holder": org.alice.pk, "starts_on": timezone.localdate().isoformat(), "reason": REASON}
    )
    assert response.status_code == 200
    assert "The 1 seat is filled" in response.context["form"].errors["holder"][0]
    assert 'id="id_holder_error"' in response.content.decode()


def test_it_records_an_appointment_made_through_the_form(org: SmallOrg) -> None:
    url = reverse("org:appoint", args=[org.organizer_role.pk])
    response = client_for(org.carol).post(
        url, {"holder": org.alice.pk, "starts_on": timezone.localdate().isoformat(), "reason": REASON}
    )
    assert response.status_code == 302
    term = RoleTerm.objects.get(holder=org.alice)
    assert (term.appointed_by, term.reason, term.how_filled) == (org.carol, REASON, "appointed")


def test_it_shows_a_field_error_for_a_role_with_no_seats(org: SmallOrg) -> None:
    url = reverse("org:role_type_create", args=[org.leeds.pk])
    response = client_for(org.carol).post(url, {"name": "Treasurer", "seats": "0", "term_months": "12"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["seats"]
    assert 'id="id_seats_error"' in response.content.decode()
    assert not RoleType.objects.filter(name="Treasurer").exists()


def test_it_shows_a_field_error_for_a_duplicate_role_name(org: SmallOrg) -> None:
    url = reverse("org:role_type_create", args=[org.leeds.pk])
    response = client_for(org.carol).post(url, {"name": "Branch Chair", "seats": "1", "term_months": "12"})
    assert response.status_code == 200
    assert "already has a role with that name" in response.context["form"].errors["name"][0]


def test_it_shows_a_field_error_when_ending_a_term_without_a_reason(org: SmallOrg) -> None:
    url = reverse("org:term_end", args=[org.bob.role_terms.get().pk])
    response = client_for(org.carol).post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert 'id="id_reason_error"' in response.content.decode()


def test_it_creates_renames_moves_and_dissolves_units_through_the_pages(org: SmallOrg) -> None:
    carol = client_for(org.carol)
    response = carol.post(reverse("org:unit_create", args=[org.leeds.pk]), {"name": "Leeds East", "kind": "section"})
    assert response.status_code == 302
    east = org.leeds.children.get()
    assert east.path == "national/north/leeds/leeds-east"
    assert carol.post(reverse("org:unit_rename", args=[east.pk]), {"name": "East Leeds"}).status_code == 302
    assert carol.post(reverse("org:unit_move", args=[east.pk]), {"new_parent": org.york.pk}).status_code == 302
    east.refresh_from_db()
    assert (east.name, east.path) == ("East Leeds", "national/north/york/leeds-east")
    # A new parent outside carol's district is not even offered.
    response = carol.post(reverse("org:unit_move", args=[east.pk]), {"new_parent": org.national.pk})
    assert response.status_code == 200 and "new_parent" in response.context["form"].errors
    assert carol.post(reverse("org:unit_dissolve", args=[east.pk])).status_code == 302
    east.refresh_from_db()
    assert east.dissolved_on == timezone.localdate()


# --- error pages ---------------------------------------------------------------------------------------------
def test_it_renders_403_in_the_site_s_style(org: SmallOrg) -> None:
    html = page(org.alice, reverse("org:unit_create", args=[org.leeds.pk]), status=403)
    assert "Not allowed" in html
    assert "vendor/pico/pico.min.css" in html and "rankandfile/site.css" in html
    assert reverse("org:my_profile") in html  # the site's navigation


def test_it_renders_404_in_the_site_s_style(org: SmallOrg) -> None:
    for member, url in ((org.alice, reverse("org:unit", args=[987654])), (None, "/no-such-page/")):
        html = page(member, url, status=404)
        assert "Not found" in html
        assert "vendor/pico/pico.min.css" in html


def test_it_shows_no_traceback_on_a_500(org: SmallOrg, settings: Any) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    log_in(client, org.alice)
    with mock.patch("rankandfile.org.selectors.unit_tree", side_effect=RuntimeError("db password is hunter2")):
        response = client.get(reverse("org:units"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "pico.min.css" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "unit_tree", "selectors.py"):
        assert leak not in html


# --- query counts --------------------------------------------------------------------------------------------
def count_queries(member: Member, url: str) -> int:
    client = client_for(member)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["alice", "carol"])
def test_it_keeps_the_directory_s_query_count_small_and_flat(
    org: SmallOrg, viewer: str, django_assert_max_num_queries: Any
) -> None:
    member = getattr(org, viewer)
    url = reverse("org:directory", args=[org.national.pk])
    add_members(org, 10)
    small = count_queries(member, url)
    add_members(org, 190, start=10)
    client = client_for(member)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert "Crowd Member 0000" in response.content.decode()
    assert count_queries(member, url) == small
    assert count_queries(member, url + "?page=3") == small


@pytest.mark.parametrize("viewer", ["alice", "carol"])
def test_it_keeps_the_profile_s_query_count_small_and_flat(
    org: SmallOrg, viewer: str, django_assert_max_num_queries: Any
) -> None:
    member = getattr(org, viewer)
    url = reverse("org:member", args=[org.bob.pk])
    add_members(org, 10)
    small = count_queries(member, url)
    add_members(org, 190, start=10)
    # bob also gathers more history: memberships and terms in several units.
    for unit in (org.york, org.north):
        Membership.objects.create(member=org.bob, unit=unit)
    services.seat_fill(role_type=org.committee_role, holder=org.bob, how_filled="elected")
    client = client_for(member)
    with django_assert_max_num_queries(12):
        client.get(url)
    assert count_queries(member, url) == small


# --- API tokens on the profile page ----------------------------------------------------------------------------
def test_it_shows_a_new_api_token_once_and_keeps_only_its_hash(org: SmallOrg) -> None:
    client = client_for(org.alice)
    response = client.post(
        reverse("org:token_create"), {"name": "spreadsheet sync", "scopes": ["read"], "days": "30"}, follow=True
    )
    html = response.content.decode()
    raw = re.search(r"<code>(rf_[\w-]+)</code>", html)
    assert raw, html
    token = ApiToken.objects.get(member=org.alice)
    assert token.token_hash == hashlib.sha256(raw.group(1).encode()).hexdigest()
    assert raw.group(1) not in client.get(reverse("org:my_profile")).content.decode()
    with connection.cursor() as cursor:
        for table in ("org_apitoken", "audit_auditentry"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  (fixed table names)
            assert raw.group(1) not in repr(cursor.fetchall()), table
    # Nor in the session (stored encoded) once it has been shown.
    assert all(raw.group(1) not in repr(s.get_decoded()) for s in Session.objects.all())
    client.post(reverse("org:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_makes_a_token_with_the_scopes_and_lifetime_picked(org: SmallOrg) -> None:
    client = client_for(org.alice)
    page = client.get(reverse("org:my_profile")).content.decode()
    assert 'value="vote"' in page and 'value="manage"' in page and 'value="365"' in page
    response = client.post(
        reverse("org:token_create"), {"name": "voting app", "scopes": ["vote", "read"], "days": "7"}, follow=True
    )
    token = ApiToken.objects.get(member=org.alice)
    assert token.scopes == ["read", "vote"]
    assert dt.timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=7)
    assert "read, vote" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x", "days": "30"}, "What it may do"),
        ({"name": "x", "scopes": ["root"], "days": "30"}, "What it may do"),
        ({"name": "x", "scopes": ["read"], "days": "10000"}, "Expires after"),
        ({"name": "", "scopes": ["read"], "days": "30"}, "Token name"),
    ],
)
def test_it_refuses_a_token_without_a_known_scope_or_lifetime(
    org: SmallOrg, data: dict[str, Any], message: str
) -> None:
    response = client_for(org.alice).post(reverse("org:token_create"), data, follow=True)
    assert message in response.content.decode()
    assert not ApiToken.objects.filter(member=org.alice).exists()
