"""Capabilities come from current roles in a unit or its ancestors, and from nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from rankandfile.org import access, services
from rankandfile.org.domain.capabilities import ALL_CAPABILITIES
from rankandfile.org.models import Membership, RoleTerm
from rankandfile.testing import SmallOrg


def caps(member: object, *units: object) -> list[set[str]]:
    if hasattr(member, "pk"):
        access.forget_cached_capabilities(member)  # type: ignore[arg-type]
    return [access.capabilities_in(member, unit) for unit in units]  # type: ignore[arg-type]


def test_it_grants_a_role_s_capabilities_in_its_unit_only(org: SmallOrg) -> None:
    leeds, york, north, national = caps(org.bob, org.leeds, org.york, org.north, org.national)
    assert leeds == {"chair_meetings", "manage_members"}
    assert york == north == national == set()


def test_it_grants_capabilities_down_the_tree_from_an_ancestor(org: SmallOrg) -> None:
    leeds, york, north, national = caps(org.carol, org.leeds, org.york, org.north, org.national)
    assert leeds == york == north == {"manage_members", "manage_roles", "manage_units", "chair_meetings"}
    assert national == set()
    east = services.unit_create(actor=org.carol, parent=org.leeds, name="East")
    assert caps(org.carol, east) == [north]
    assert caps(org.dave, east) == [
        {"manage_units", "manage_members", "manage_roles", "chair_meetings", "manage_ballots", "manage_bulletin"}
    ]


def test_it_adds_up_roles_held_at_several_levels(org: SmallOrg) -> None:
    services.seat_fill(role_type=org.committee_role, holder=org.bob, how_filled="elected")
    (leeds,) = caps(org.bob, org.leeds)
    assert leeds == {"chair_meetings", "manage_members", "accountability_committee"}


def test_it_gives_nothing_for_an_expired_term(org: SmallOrg) -> None:
    term = org.bob.role_terms.get()
    RoleTerm.objects.filter(pk=term.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=400), ends_on=timezone.localdate()
    )
    assert caps(org.bob, org.leeds) == [set()]


def test_it_gives_nothing_for_a_term_that_has_not_started(org: SmallOrg) -> None:
    future = timezone.localdate() + dt.timedelta(days=10)
    services.seat_fill(role_type=org.committee_role, holder=org.alice, how_filled="elected", starts_on=future)
    assert caps(org.alice, org.leeds, org.national) == [set(), set()]


def test_it_gives_nothing_to_a_member_who_is_not_in_good_standing(org: SmallOrg) -> None:
    # frank's membership lapsed while he still holds a current term (made directly: the services would refuse
    # to give him one): the term grants nothing.
    RoleTerm.objects.create(
        role_type=org.organizer_role,
        holder=org.frank,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
        how_filled="acclaimed",
    )
    assert caps(org.frank, org.leeds, org.north) == [set(), set()]
    with pytest.raises(PermissionDenied):
        access.require_member(org.frank)
    # The same happens to bob the day his only membership lapses.
    Membership.objects.filter(member=org.bob).update(status=Membership.Status.LAPSED)
    assert caps(org.bob, org.leeds) == [set()]


def test_it_gives_nothing_to_an_inactive_account(org: SmallOrg) -> None:
    org.dave.is_active = False
    org.dave.save(update_fields=["is_active"])
    assert caps(org.dave, org.national) == [set()]


def test_it_gives_nothing_to_site_staff_for_being_staff(org: SmallOrg) -> None:
    assert org.otto.is_staff and org.otto.is_superuser
    assert caps(org.otto, org.national, org.north, org.leeds, org.york) == [set(), set(), set(), set()]
    for capability in ALL_CAPABILITIES:
        assert not access.has_capability(org.otto, org.york, capability)
    assert not access.can_see_contact_details(org.otto, org.alice)
    assert not access.units_where(org.otto, "manage_units").exists()


def test_it_gives_nothing_to_anonymous_visitors(org: SmallOrg) -> None:
    anonymous = AnonymousUser()
    assert caps(anonymous, org.national) == [set()]
    with pytest.raises(PermissionDenied):
        access.access_unit(anonymous, org.leeds.pk)


def test_it_gives_nothing_from_a_dissolved_unit(org: SmallOrg) -> None:
    services.unit_dissolve(actor=org.dave, unit=org.leeds)
    assert caps(org.bob, org.leeds) == [set()]


def test_it_lists_the_units_where_a_member_holds_a_capability(org: SmallOrg) -> None:
    def names(member: object) -> set[str]:
        access.forget_cached_capabilities(member)  # type: ignore[arg-type]
        return set(access.units_where(member, "manage_units").values_list("name", flat=True))  # type: ignore[arg-type]

    assert names(org.carol) == {"North", "Leeds", "York"}
    assert names(org.dave) == {"National", "North", "Leeds", "York"}
    assert names(org.bob) == names(org.alice) == set()


def test_it_shows_contact_details_to_the_member_and_to_manage_members_over_their_unit(org: SmallOrg) -> None:
    assert access.can_see_contact_details(org.alice, org.alice)
    assert not access.can_see_contact_details(org.alice, org.bob)
    assert access.can_see_contact_details(org.bob, org.alice)  # Leeds chair, alice in Leeds
    assert not access.can_see_contact_details(org.bob, org.otto)  # otto is in York
    assert access.can_see_contact_details(org.carol, org.otto)
    assert access.can_see_contact_details(org.dave, org.erin)
    assert not access.can_see_contact_details(org.erin, org.alice)


def test_it_fetches_objects_for_members_and_refuses_or_hides_the_rest(org: SmallOrg) -> None:
    assert access.access_unit(org.alice, org.leeds.pk) == org.leeds
    with pytest.raises(Http404):
        access.access_unit(org.alice, 987654)
    with pytest.raises(PermissionDenied):
        access.access_unit(org.frank, org.leeds.pk)
    assert access.access_unit(org.bob, org.leeds.pk, capability="manage_members") == org.leeds
    with pytest.raises(PermissionDenied):
        access.access_unit(org.bob, org.york.pk, capability="manage_members")
    assert access.access_role_type(org.carol, org.chair_role.pk, capability="manage_roles") == org.chair_role
    with pytest.raises(PermissionDenied):
        access.access_role_type(org.bob, org.chair_role.pk, capability="manage_roles")
    term = org.bob.role_terms.get()
    assert access.access_role_term(org.dave, term.pk, capability="manage_roles") == term
    with pytest.raises(PermissionDenied):
        access.access_role_term(org.erin, term.pk, capability="manage_roles")
    assert access.access_member_profile(org.alice, org.frank.pk) == org.frank


def test_it_lets_only_the_owner_reach_an_api_token(org: SmallOrg) -> None:
    token, _raw = services.api_token_create(member=org.alice, name="sync")
    assert access.access_own_api_token(org.alice, token.pk) == token
    for other in (org.bob, org.dave, org.otto):
        with pytest.raises(Http404):
            access.access_own_api_token(other, token.pk)
    services.api_token_revoke(member=org.alice, token=token)
    with pytest.raises(Http404):
        access.access_own_api_token(org.alice, token.pk)
