"""Units: create, rename, move (the whole subtree's paths follow), dissolve (history kept)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.org import selectors, services
from rankandfile.org.access import has_capability
from rankandfile.org.models import Membership, RoleTerm, Unit
from rankandfile.testing import SmallOrg


def paths_and_depths() -> dict[str, int]:
    return dict(Unit.objects.values_list("path", "depth"))


def test_it_creates_a_unit_under_its_parent_with_path_and_depth(org: SmallOrg) -> None:
    unit = services.unit_create(actor=org.carol, parent=org.leeds, name="Leeds East", kind="section")
    assert (unit.path, unit.depth, unit.slug) == ("national/north/leeds/leeds-east", 3, "leeds-east")
    assert unit.parent == org.leeds
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_it_refuses_a_duplicate_short_name_in_the_same_parent(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as refused:
        services.unit_create(actor=org.carol, parent=org.north, name="Another York", slug="york")
    assert "slug" in refused.value.message_dict


def test_it_refuses_to_create_units_without_manage_units(org: SmallOrg) -> None:
    for actor in (org.alice, org.bob, org.erin, org.frank, org.otto):
        with pytest.raises(PermissionDenied):
            services.unit_create(actor=actor, parent=org.leeds, name="Rogue branch")
    # carol's capability stops at her district's border.
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=org.carol, parent=org.national, name="South")
    assert not Unit.objects.filter(name__in=["Rogue branch", "South"]).exists()


def test_it_renames_a_unit_and_keeps_its_path(org: SmallOrg) -> None:
    services.unit_rename(actor=org.carol, unit=org.leeds, name="Leeds & Bradford")
    org.leeds.refresh_from_db()
    assert (org.leeds.name, org.leeds.path) == ("Leeds & Bradford", "national/north/leeds")
    assert AuditEntry.objects.filter(action="unit.rename", payload__to="Leeds & Bradford").exists()


def test_it_refuses_an_empty_name_and_a_rename_without_manage_units(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as refused:
        services.unit_rename(actor=org.dave, unit=org.leeds, name="   ")
    assert "name" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.unit_rename(actor=org.bob, unit=org.leeds, name="Bob's branch")
    org.leeds.refresh_from_db()
    assert org.leeds.name == "Leeds"


def test_it_moves_a_unit_and_rewrites_its_whole_subtree(org: SmallOrg) -> None:
    east = services.unit_create(actor=org.dave, parent=org.leeds, name="East")
    estate = services.unit_create(actor=org.dave, parent=east, name="Estate")
    # A sibling whose path starts with the same letters must not be touched.
    lookalike = services.unit_create(actor=org.dave, parent=org.north, name="Leeds South", slug="leeds-south")
    south = services.unit_create(actor=org.dave, parent=org.national, name="South")
    deep = services.unit_create(actor=org.dave, parent=south, name="Deep")

    services.unit_move(actor=org.dave, unit=org.leeds, new_parent=deep)

    assert paths_and_depths() == {
        "national": 0,
        "national/north": 1,
        "national/north/york": 2,
        "national/north/leeds-south": 2,
        "national/south": 1,
        "national/south/deep": 2,
        "national/south/deep/leeds": 3,
        "national/south/deep/leeds/east": 4,
        "national/south/deep/leeds/east/estate": 5,
    }
    org.leeds.refresh_from_db()
    assert org.leeds.parent == deep
    for unit in (east, estate, lookalike):
        unit.refresh_from_db()
    assert estate.parent == east
    # Capabilities follow the new tree: carol (North) no longer manages Leeds, whose chair still chairs it.
    assert not has_capability(org.carol, org.leeds, "manage_units")
    assert has_capability(org.bob, org.leeds, "manage_members")
    assert AuditEntry.objects.filter(action="unit.move", payload__to="national/south/deep/leeds").exists()


def test_it_moves_a_unit_up_the_tree(org: SmallOrg) -> None:
    services.unit_create(actor=org.dave, parent=org.leeds, name="East")
    services.unit_move(actor=org.dave, unit=org.leeds, new_parent=org.national)
    assert paths_and_depths()["national/leeds"] == 1
    assert paths_and_depths()["national/leeds/east"] == 2


def test_it_cannot_move_a_unit_inside_itself(org: SmallOrg) -> None:
    for new_parent in (org.north, org.leeds):
        with pytest.raises(ValidationError) as refused:
            services.unit_move(actor=org.dave, unit=org.north, new_parent=new_parent)
        assert "inside itself" in refused.value.message_dict["parent"][0]
    assert paths_and_depths()["national/north/leeds"] == 2


def test_it_refuses_moves_without_manage_units_in_both_places(org: SmallOrg) -> None:
    south = services.unit_create(actor=org.dave, parent=org.national, name="South")
    with pytest.raises(PermissionDenied):
        services.unit_move(actor=org.carol, unit=org.leeds, new_parent=south)  # carol has no say in South
    with pytest.raises(PermissionDenied):
        services.unit_move(actor=org.bob, unit=org.leeds, new_parent=org.york)
    org.leeds.refresh_from_db()
    assert org.leeds.path == "national/north/leeds"


def test_it_refuses_a_move_onto_a_taken_short_name(org: SmallOrg) -> None:
    south = services.unit_create(actor=org.dave, parent=org.national, name="South")
    services.unit_create(actor=org.dave, parent=south, name="Leeds")
    with pytest.raises(ValidationError) as refused:
        services.unit_move(actor=org.dave, unit=org.leeds, new_parent=south)
    assert "parent" in refused.value.message_dict


def test_it_dissolves_a_unit_keeping_its_history_and_ending_current_terms(org: SmallOrg) -> None:
    today = timezone.localdate()
    bob_term = org.bob.role_terms.get()
    services.unit_dissolve(actor=org.carol, unit=org.leeds)

    org.leeds.refresh_from_db()
    assert org.leeds.dissolved_on == today
    assert Unit.objects.filter(pk=org.leeds.pk).exists()
    # The term is kept, ended, and no longer current; the role grants nothing in a dissolved unit.
    bob_term.refresh_from_db()
    assert bob_term.ends_on is not None and bob_term.ends_on <= today
    assert not bob_term.is_current(today)
    assert bob_term.ended_early_reason
    assert not RoleTerm.objects.current().filter(role_type__unit=org.leeds).exists()
    assert selectors.roles_of_unit(org.leeds)[0].current == []
    assert bob_term in selectors.role_history_of_unit(org.leeds)
    assert not has_capability(org.bob, org.leeds, "manage_members")
    # Memberships stay as the record of who belonged.
    assert Membership.objects.filter(unit=org.leeds).count() == 4
    assert AuditEntry.objects.filter(action="unit.dissolve", payload__terms_ended=1).exists()
    assert verify_chain() is None


def test_it_ends_a_term_that_started_on_the_day_of_dissolution_as_early_as_it_can(org: SmallOrg) -> None:
    today = timezone.localdate()
    treasurer = services.role_type_create(actor=org.carol, unit=org.york, name="Treasurer")
    term = services.seat_fill(role_type=treasurer, holder=org.otto, how_filled="acclaimed", starts_on=today)
    services.unit_dissolve(actor=org.carol, unit=org.york)
    term.refresh_from_db()
    assert term.ends_on == today + dt.timedelta(days=1)  # a term lasts at least a day


def test_it_refuses_to_dissolve_without_manage_units_or_with_live_units_inside(org: SmallOrg) -> None:
    with pytest.raises(PermissionDenied):
        services.unit_dissolve(actor=org.bob, unit=org.leeds)
    with pytest.raises(ValidationError):
        services.unit_dissolve(actor=org.dave, unit=org.north)  # Leeds and York are still live
    with pytest.raises(ValidationError):
        services.unit_dissolve(actor=org.dave, unit=org.national)
    services.unit_dissolve(actor=org.dave, unit=org.leeds)
    with pytest.raises(ValidationError):
        services.unit_dissolve(actor=org.dave, unit=org.leeds)  # already dissolved
    org.north.refresh_from_db()
    assert org.north.dissolved_on is None


def test_it_takes_no_new_units_or_roles_in_a_dissolved_unit(org: SmallOrg) -> None:
    services.unit_dissolve(actor=org.dave, unit=org.leeds)
    org.leeds.refresh_from_db()
    with pytest.raises(ValidationError):
        services.unit_create(actor=org.dave, parent=org.leeds, name="East")
    org.chair_role.refresh_from_db()
    with pytest.raises(ValidationError):
        services.seat_fill(role_type=org.chair_role, holder=org.alice, how_filled="acclaimed")
