"""Organization endpoints: the same access and service functions as the pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from rankandfile.api_errors import ERRORS
from rankandfile.api_pagination import BoundedLimitOffset
from rankandfile.org import access, api_auth, selectors, services
from rankandfile.org.domain.capabilities import MANAGE_ROLES
from rankandfile.org.models import Member, Membership, RoleTerm, Unit

router = Router(tags=["organization"])


class UnitOut(Schema):
    id: int
    name: str
    path: str
    kind: str
    parent_id: int | None
    dissolved_on: dt.date | None


class MembershipOut(Schema):
    unit_id: int
    unit: str = Field(..., alias="unit.name")
    status: str


class MemberOut(Schema):
    id: int
    full_name: str
    pronouns: str
    email: str | None = None
    phone: str | None = None


class DirectoryEntryOut(Schema):
    member_id: int
    full_name: str
    unit_id: int
    unit: str
    status: str
    roles: list[str]
    email: str | None = None
    phone: str | None = None


class RoleTypeOut(Schema):
    id: int
    unit_id: int
    name: str
    seats: int
    term_months: int
    term_limit: int | None
    capabilities: list[str]
    vacancies: int


class RoleTermOut(Schema):
    id: int
    role_type_id: int
    role: str = Field(..., alias="role_type.name")
    holder_id: int
    holder: str = Field(..., alias="holder.full_name")
    starts_on: dt.date
    ends_on: dt.date | None
    how_filled: str
    appointed_by_id: int | None
    reason: str
    ended_early_reason: str


class AppointmentIn(Schema):
    holder_id: int
    reason: str
    starts_on: dt.date | None = None  # default today
    ends_on: dt.date | None = None  # default the start of the next elected term, as on the page


def _member(request: HttpRequest) -> Member:
    return access.require_member(request.user)


@router.get("/units", response={200: list[UnitOut], **ERRORS})
@paginate(BoundedLimitOffset)
def list_units(request: HttpRequest) -> list[Unit]:
    """Every unit of the organization (members in good standing)."""
    _member(request)
    return selectors.unit_tree()


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    return access.access_unit(request.user, unit_id)


@router.get("/units/{unit_id}/members", response={200: list[DirectoryEntryOut], **ERRORS})
def unit_members(
    request: HttpRequest, unit_id: int, page: int = 1, q: str = Query("", max_length=100)
) -> list[dict[str, object]]:
    """The unit's directory, 50 per page; `q` searches names (100 characters at most, as on the page). Email and
    phone only with `manage_members` over the unit."""
    unit = access.access_unit(request.user, unit_id)
    show_contacts = access.has_capability(request.user, unit, "manage_members")
    entries = []
    for membership in selectors.directory_page(unit, page=page, query=q).object_list:
        entry = {
            "member_id": membership.member_id,
            "full_name": membership.member.full_name,
            "unit_id": membership.unit_id,
            "unit": membership.unit.name,
            "status": membership.status,
            "roles": membership.current_roles,
        }
        if show_contacts:
            entry |= {"email": membership.member.email, "phone": membership.member.phone}
        entries.append(entry)
    return entries


@router.get("/members/{member_id}", response={200: MemberOut, **ERRORS})
def get_member(request: HttpRequest, member_id: int) -> dict[str, object]:
    member = access.access_member_profile(request.user, member_id)
    out: dict[str, object] = {"id": member.pk, "full_name": member.full_name, "pronouns": member.pronouns}
    if access.can_see_contact_details(request.user, member):
        out |= {"email": member.email, "phone": member.phone}
    return out


@router.get("/members/{member_id}/memberships", response={200: list[MembershipOut], **ERRORS})
def member_memberships(request: HttpRequest, member_id: int) -> list[Membership]:
    member = access.access_member_profile(request.user, member_id)
    return selectors.memberships_of(member)


@router.get("/members/{member_id}/terms", response={200: list[RoleTermOut], **ERRORS})
def member_terms(request: HttpRequest, member_id: int) -> list[RoleTerm]:
    """A member's public role history."""
    member = access.access_member_profile(request.user, member_id)
    return selectors.role_history_of_member(member)


@router.get("/units/{unit_id}/roles", response={200: list[RoleTypeOut], **ERRORS})
def unit_roles(request: HttpRequest, unit_id: int) -> list[dict[str, object]]:
    unit = access.access_unit(request.user, unit_id)
    return [
        {
            "id": s.role_type.pk,
            "unit_id": unit.pk,
            "name": s.role_type.name,
            "seats": s.role_type.seats,
            "term_months": s.role_type.term_months,
            "term_limit": s.role_type.term_limit,
            "capabilities": s.role_type.capabilities,
            "vacancies": s.vacancies,
        }
        for s in selectors.roles_of_unit(unit)
    ]


@router.get("/units/{unit_id}/terms", response={200: list[RoleTermOut], **ERRORS})
def unit_terms(request: HttpRequest, unit_id: int) -> list[RoleTerm]:
    """The unit's public role history, newest first."""
    unit = access.access_unit(request.user, unit_id)
    return selectors.role_history_of_unit(unit)


@router.post("/roles/{role_type_id}/appointments", response={201: RoleTermOut, **ERRORS}, auth=api_auth.MANAGE)
def appoint(request: HttpRequest, role_type_id: int, body: AppointmentIn) -> Status[RoleTerm]:
    """Appoint a member to a role (needs `manage_roles`); the written reason is required and public. The term
    runs from `starts_on` (today) to `ends_on` (the start of the next elected term, as the page proposes)."""
    role_type = access.access_role_type(request.user, role_type_id, capability=MANAGE_ROLES)
    holder = selectors.candidates_for_role(role_type).filter(pk=body.holder_id).first()
    if holder is None:
        raise ValidationError({"holder_id": "Not an active member of this unit."})
    if not isinstance(request.user, Member):
        raise PermissionDenied
    term = services.seat_fill(
        role_type=role_type,
        holder=holder,
        how_filled="appointed",
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        appointed_by=request.user,
        reason=body.reason,
    )
    return Status(201, term)
