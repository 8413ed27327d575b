"""Appointing into a vacancy (issue 12): the vacancy a page shows is one the seat check lets an appointment take.

Before: a three-seat steering committee whose members had already elected next year's committee showed a vacancy
when a member stepped down, and refused every appointment into it. The appointment ran a whole term by default, so
it overlapped next year's three elected terms as well as this year's two, and the seat check counted all five.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.org import selectors, services
from rankandfile.org.domain import roles as role_rules
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.domain.roles import TermSpan
from rankandfile.org.models import RoleTerm, RoleType
from rankandfile.testing import SmallOrg, log_in, make_member

REASON = "Erin stepped down; the branch asked Gita to serve until the AGM."
D = dt.date


def test_seats_taken_counts_terms_running_at_once_not_terms_overlapping() -> None:
    this_year = TermSpan(1, D(2026, 3, 1), D(2027, 3, 1), True)
    next_year = TermSpan(2, D(2027, 3, 1), D(2028, 3, 1), True)
    assert role_rules.seats_taken([this_year, next_year], D(2026, 12, 1), D(2027, 12, 1)) == 1
    # Two seats: one holder this year, another next year, so a seat is free all along (the old count said two).
    assert role_rules.seat_refusal([this_year, next_year], 2, 3, D(2026, 12, 1), D(2027, 12, 1)) is None
    assert role_rules.seat_refusal([this_year, next_year], 1, 3, D(2026, 12, 1), D(2027, 12, 1)) is not None
    overlapping = TermSpan(4, D(2026, 6, 1), None, False)
    assert role_rules.seats_taken([this_year, next_year, overlapping], D(2026, 12, 1), D(2027, 12, 1)) == 2


def test_the_next_elected_term_starts_when_the_running_ones_end_or_a_later_one_begins() -> None:
    running = TermSpan(1, D(2026, 3, 1), D(2027, 3, 1), True)
    appointed = TermSpan(2, D(2026, 6, 1), D(2026, 9, 1), False)
    assert role_rules.next_term_start([running, appointed], D(2026, 7, 1), 12) == D(2027, 3, 1)
    later = TermSpan(3, D(2027, 2, 1), D(2028, 2, 1), True)
    assert role_rules.next_term_start([running, later], D(2026, 7, 1), 12) == D(2027, 2, 1)
    assert role_rules.next_term_start([appointed], D(2026, 7, 1), 12) == D(2027, 7, 1)


@pytest.fixture
def committee(org: SmallOrg) -> RoleType:
    """Leeds's three-seat steering committee: alice, bob and erin until the AGM in two months, and next year's
    committee (alice, bob and Hana) already elected; erin steps down today."""
    today = timezone.localdate()
    agm = today + dt.timedelta(days=60)
    role = services.role_type_create(actor=org.carol, unit=org.leeds, name="Steering committee", seats=3)
    hana = make_member("Hana New", org.leeds)
    for holder in (org.alice, org.bob, org.erin):
        services.seat_fill(
            role_type=role, holder=holder, how_filled="elected", starts_on=agm - dt.timedelta(days=300), ends_on=agm
        )
    for holder in (org.alice, org.bob, hana):
        services.seat_fill(role_type=role, holder=holder, how_filled="elected", starts_on=agm)
    services.term_end(actor=org.carol, term=RoleTerm.objects.get(role_type=role, holder=org.erin), reason="Moved.")
    return role


def test_it_shows_one_vacancy_until_the_agm_and_the_appointment_form_proposes_that_end(
    org: SmallOrg, committee: RoleType
) -> None:
    seats = next(s for s in selectors.roles_of_unit(org.leeds) if s.role_type == committee)
    agm = timezone.localdate() + dt.timedelta(days=60)
    assert (seats.vacancies, seats.appointment_ends_on) == (1, agm)
    client = Client()
    log_in(client, org.carol)
    form = client.get(reverse("org:appoint", args=[committee.pk])).context["form"]
    assert form["ends_on"].initial == agm


def test_an_appointment_with_the_forms_defaults_takes_the_shown_vacancy(org: SmallOrg, committee: RoleType) -> None:
    gita = make_member("Gita Appointee", org.leeds)
    client = Client()
    log_in(client, org.carol)
    url = reverse("org:appoint", args=[committee.pk])
    form = client.get(url).context["form"]
    data = {"holder": gita.pk, "reason": REASON}
    data |= {name: form[name].initial.isoformat() for name in ("starts_on", "ends_on")}
    response = client.post(url, data)
    assert response.status_code == 302
    term = RoleTerm.objects.get(role_type=committee, holder=gita)
    assert term.ends_on == timezone.localdate() + dt.timedelta(days=60)
    seats = next(s for s in selectors.roles_of_unit(org.leeds) if s.role_type == committee)
    assert seats.vacancies == 0


def test_the_old_default_of_a_whole_term_is_still_refused_and_says_why(org: SmallOrg, committee: RoleType) -> None:
    """The refusal the issue met: a whole term overlaps next year's elected committee, which fills every seat."""
    gita = make_member("Gita Appointee", org.leeds)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.seat_fill(
            role_type=committee,
            holder=gita,
            how_filled="appointed",
            appointed_by=org.carol,
            reason=REASON,
            starts_on=today,
            ends_on=role_rules.add_months(today, committee.term_months),
        )
    assert "All 3 seats are filled for part of that period" in refused.value.message_dict["holder"][0]


def test_the_api_appointment_defaults_to_the_same_end(org: SmallOrg, committee: RoleType) -> None:
    gita = make_member("Gita Appointee", org.leeds)
    _token, raw = services.api_token_create(member=org.carol, name="sync", scopes=SCOPES)
    response = Client().post(
        f"/api/v1/roles/{committee.pk}/appointments",
        {"holder_id": gita.pk, "reason": REASON},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    assert response.json()["ends_on"] == (timezone.localdate() + dt.timedelta(days=60)).isoformat()
