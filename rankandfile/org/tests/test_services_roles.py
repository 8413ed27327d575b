"""Role types and role terms: seats, term limits, appointments with reasons, history, and the audit chain."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.org import selectors, services
from rankandfile.org.models import Member, RoleTerm, RoleType
from rankandfile.testing import SmallOrg

REASON = "The elected treasurer moved away; appointed until the AGM."


def treasurer(org: SmallOrg, **extra: object) -> RoleType:
    return services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer", **extra)  # type: ignore[arg-type]


def test_it_defines_a_role_with_seats_terms_and_capabilities(org: SmallOrg) -> None:
    role = services.role_type_create(
        actor=org.carol,
        unit=org.leeds,
        name="Steering committee",
        seats=5,
        term_months=6,
        term_limit=2,
        capabilities=["chair_meetings"],
    )
    assert (role.unit, role.seats, role.term_months, role.term_limit) == (org.leeds, 5, 6, 2)
    assert role.capabilities == ["chair_meetings"]
    assert AuditEntry.objects.filter(action="role.define", object_id=str(role.pk)).exists()


def test_it_refuses_bad_role_definitions_field_by_field(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as refused:
        services.role_type_create(
            actor=org.carol, unit=org.leeds, name="branch chair", seats=0, term_months=0, capabilities=["rule_all"]
        )
    assert set(refused.value.message_dict) == {"name", "seats", "term_months", "capabilities"}
    assert "rule_all" in refused.value.message_dict["capabilities"][0]


def test_it_refuses_to_define_roles_without_manage_roles(org: SmallOrg) -> None:
    for actor in (org.alice, org.bob, org.erin, org.frank, org.otto):
        with pytest.raises(PermissionDenied):
            services.role_type_create(actor=actor, unit=org.leeds, name="Treasurer")
    assert not RoleType.objects.filter(name="Treasurer").exists()


def test_it_appoints_with_the_appointer_and_the_reason_on_record(org: SmallOrg) -> None:
    role = treasurer(org)
    term = services.seat_fill(
        role_type=role, holder=org.alice, how_filled="appointed", appointed_by=org.carol, reason=REASON
    )
    assert (term.holder, term.appointed_by, term.reason, term.how_filled) == (org.alice, org.carol, REASON, "appointed")
    assert term.starts_on == timezone.localdate()
    assert term.ends_on is not None and term.ends_on > term.starts_on
    assert term.is_current()


def test_it_enforces_the_seat_count_with_a_clear_message(org: SmallOrg) -> None:
    # Leeds chair: one seat, held by bob.
    with pytest.raises(ValidationError) as refused:
        services.seat_fill(
            role_type=org.chair_role, holder=org.alice, how_filled="appointed", appointed_by=org.carol, reason=REASON
        )
    message = refused.value.message_dict["holder"][0]
    assert "Alice Member" in message
    assert "The 1 seat is filled" in message
    assert "end a term first" in message
    assert org.chair_role.terms.count() == 1


def test_it_fills_a_seat_again_once_the_term_has_ended(org: SmallOrg) -> None:
    services.term_end(actor=org.carol, term=org.bob.role_terms.get(), reason="Stood down to care for family.")
    term = services.seat_fill(
        role_type=org.chair_role, holder=org.alice, how_filled="appointed", appointed_by=org.carol, reason=REASON
    )
    assert term.is_current()


def test_it_does_not_let_one_member_hold_two_seats_of_the_same_role(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as refused:
        services.seat_fill(role_type=org.organizer_role, holder=org.carol, how_filled="acclaimed")
    assert "already holds this role" in refused.value.message_dict["holder"][0]


def test_it_enforces_the_term_limit_with_a_clear_message(org: SmallOrg) -> None:
    role = treasurer(org, term_limit=2, term_months=12)
    for year in (2019, 2020):
        services.seat_fill(role_type=role, holder=org.alice, how_filled="elected", starts_on=dt.date(year, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.seat_fill(
            role_type=role, holder=org.alice, how_filled="appointed", appointed_by=org.carol, reason=REASON
        )
    message = refused.value.message_dict["holder"][0]
    assert "held this role for 2 term(s)" in message
    assert "the limit is 2" in message
    # Somebody else may take it.
    services.seat_fill(role_type=role, holder=org.erin, how_filled="appointed", appointed_by=org.carol, reason=REASON)


def test_it_refuses_an_appointment_without_a_reason(org: SmallOrg) -> None:
    role = treasurer(org)
    for reason in ("", "   \n "):
        with pytest.raises(ValidationError) as refused:
            services.seat_fill(
                role_type=role, holder=org.alice, how_filled="appointed", appointed_by=org.carol, reason=reason
            )
        assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.seat_fill(role_type=role, holder=org.alice, how_filled="appointed", reason=REASON)
    assert "appointed_by" in refused.value.message_dict
    assert not role.terms.exists()


def test_it_refuses_an_appointment_by_someone_without_manage_roles(org: SmallOrg) -> None:
    role = treasurer(org)
    for appointer in (org.alice, org.bob, org.erin, org.frank, org.otto):
        with pytest.raises(PermissionDenied):
            services.seat_fill(
                role_type=role, holder=org.alice, how_filled="appointed", appointed_by=appointer, reason=REASON
            )
    assert not role.terms.exists()


def test_it_refuses_a_holder_who_is_not_an_active_member_of_the_unit(org: SmallOrg) -> None:
    role = treasurer(org)
    for outsider in (org.otto, org.frank):  # otto is in York; frank's Leeds membership lapsed
        with pytest.raises(ValidationError) as refused:
            services.seat_fill(
                role_type=role, holder=outsider, how_filled="appointed", appointed_by=org.dave, reason=REASON
            )
        assert "not an active member" in refused.value.message_dict["holder"][0]


def test_it_ends_a_term_only_with_a_reason_and_manage_roles(org: SmallOrg) -> None:
    term = org.bob.role_terms.get()
    with pytest.raises(ValidationError) as refused:
        services.term_end(actor=org.carol, term=term, reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.term_end(actor=org.bob, term=term, reason="I quit")
    term.refresh_from_db()
    assert term.is_current()

    services.term_end(actor=org.carol, term=term, reason="Stood down to care for family.")
    term.refresh_from_db()
    assert not term.is_current()
    assert term.ended_early_reason == "Stood down to care for family."
    with pytest.raises(ValidationError):
        services.term_end(actor=org.carol, term=term, reason="again")


def test_it_refuses_the_second_of_two_appointments_to_a_one_seat_role(org: SmallOrg) -> None:
    role = treasurer(org, seats=1)
    services.seat_fill(role_type=role, holder=org.alice, how_filled="appointed", appointed_by=org.carol, reason=REASON)
    with pytest.raises(ValidationError) as refused:
        services.seat_fill(
            role_type=role, holder=org.erin, how_filled="appointed", appointed_by=org.dave, reason="Also needed."
        )
    assert "is filled for part of that period" in refused.value.message_dict["holder"][0]
    assert list(role.terms.values_list("holder__full_name", flat=True)) == ["Alice Member"]


@pytest.mark.django_db(transaction=True)
def test_it_gives_one_seat_to_only_one_of_two_simultaneous_appointments() -> None:
    from rankandfile.testing import build_small_org

    org = build_small_org()
    role = treasurer(org, seats=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def appoint(holder_id: int, appointer_id: int) -> None:
        try:
            holder, appointer = Member.objects.get(pk=holder_id), Member.objects.get(pk=appointer_id)
            fresh_role = RoleType.objects.select_related("unit").get(pk=role.pk)
            barrier.wait(timeout=10)
            services.seat_fill(
                role_type=fresh_role, holder=holder, how_filled="appointed", appointed_by=appointer, reason=REASON
            )
            outcomes.append("appointed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=appoint, args=(org.alice.pk, org.carol.pk)),
        threading.Thread(target=appoint, args=(org.erin.pk, org.dave.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["appointed", "refused"]
    assert RoleTerm.objects.filter(role_type=role).count() == 1


def test_it_lists_how_each_seat_was_filled_in_the_history(org: SmallOrg) -> None:
    role = treasurer(org, seats=3)
    services.seat_fill(role_type=role, holder=org.alice, how_filled="elected", ballot_ref=42)
    services.seat_fill(role_type=role, holder=org.erin, how_filled="acclaimed")
    services.seat_fill(role_type=role, holder=org.bob, how_filled="appointed", appointed_by=org.carol, reason=REASON)
    history = {t.holder.full_name: t for t in selectors.role_history_of_unit(org.leeds) if t.role_type == role}
    assert {name: t.how_filled for name, t in history.items()} == {
        "Alice Member": "elected",
        "Erin Committee": "acclaimed",
        "Bob Chair": "appointed",
    }
    assert history["Alice Member"].ballot_ref == 42
    assert (history["Bob Chair"].appointed_by, history["Bob Chair"].reason) == (org.carol, REASON)
    assert [t.role_type for t in selectors.role_history_of_member(org.bob)] == [role, org.chair_role]
    seats = next(s for s in selectors.roles_of_unit(org.leeds) if s.role_type == role)
    assert seats.vacancies == 0
    assert [s.role_type for s in selectors.vacancies(org.leeds)] == []


def test_it_lists_vacancies(org: SmallOrg) -> None:
    role = treasurer(org, seats=2)
    services.seat_fill(role_type=role, holder=org.alice, how_filled="acclaimed")
    vacant = {s.role_type.name: s.vacancies for s in selectors.vacancies(org.leeds)}
    assert vacant == {"Treasurer": 1}
    assert {s.role_type.name: s.vacancies for s in selectors.vacancies(org.national)} == {"Accountability committee": 4}


def test_it_puts_every_role_change_in_the_audit_chain(org: SmallOrg) -> None:
    before = AuditEntry.objects.count()
    role = treasurer(org, seats=2)
    elected = services.seat_fill(role_type=role, holder=org.alice, how_filled="elected")
    appointed = services.seat_fill(
        role_type=role, holder=org.erin, how_filled="appointed", appointed_by=org.carol, reason=REASON
    )
    services.term_end(actor=org.dave, term=appointed, reason="Resigned.")
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.action, e.object_id) for e in entries] == [
        ("role.define", str(role.pk)),
        ("role.elected", str(elected.pk)),
        ("role.appointed", str(appointed.pk)),
        ("role.end", str(appointed.pk)),
    ]
    assert entries[2].actor == "Carol Organizer"
    assert entries[2].payload["reason"] == REASON
    assert entries[3].payload["reason"] == "Resigned."
    assert verify_chain() is None


def test_it_writes_nothing_to_the_audit_chain_for_a_refused_change(org: SmallOrg) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.seat_fill(role_type=org.chair_role, holder=org.alice, how_filled="acclaimed")
    assert AuditEntry.objects.count() == before
    assert verify_chain() is None
