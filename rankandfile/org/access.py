"""Who may do what in the organization. Views and the API fetch objects only through these helpers.

Rules (DESIGN §3):
- A member's capabilities in a unit come from their *current* role terms in that unit or any ancestor.
- Any member in good standing (an active membership somewhere) may see the unit tree, directories (names, units,
  roles) and role history: transparency is symmetric. Contact details need `manage_members` over the unit.
- Site staff (`is_staff`) is for operators of the Django admin; it grants nothing here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from rankandfile.org.domain import capabilities as capability_rules
from rankandfile.org.models import ApiToken, Member, Membership, RoleTerm, RoleType, Unit, in_subtree

_CACHE_ATTR = "_rankandfile_capabilities"


def is_member_in_good_standing(member: Any) -> bool:
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        return False
    cached = getattr(member, "_rankandfile_good_standing", None)
    if cached is None:
        cached = Membership.objects.active().filter(member=member).exists()
        member._rankandfile_good_standing = cached
    return bool(cached)


def require_member(member: Any) -> Member:
    if not is_member_in_good_standing(member):
        raise PermissionDenied("Only members in good standing may see this.")
    return member


def capabilities_by_path(member: Member) -> dict[str, set[str]]:
    """Unit path → capabilities granted there by the member's current roles. One query, cached on the member."""
    cached: dict[str, set[str]] | None = getattr(member, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    result: dict[str, set[str]] = {}
    rows = (
        RoleTerm.objects.current()
        .filter(holder=member, role_type__unit__dissolved_on__isnull=True)
        .values_list("role_type__unit__path", "role_type__capabilities")
    )
    for path, caps in rows:
        result.setdefault(path, set()).update(caps or [])
    setattr(member, _CACHE_ATTR, result)
    return result


def capabilities_in(member: Any, unit: Unit) -> set[str]:
    if not is_member_in_good_standing(member):
        return set()
    by_path = capabilities_by_path(member)
    caps: set[str] = set()
    for path in unit.ancestor_paths():
        caps |= by_path.get(path, set())
    return caps


def has_capability(member: Any, unit: Unit, capability: str) -> bool:
    return capability in capabilities_in(member, unit)


def require_capability(member: Any, unit: Unit, capability: str) -> None:
    if not has_capability(member, unit, capability):
        raise PermissionDenied(f"You need the '{capability}' capability in {unit.name} for this.")


def units_where(member: Member, capability: str) -> QuerySet[Unit]:
    """Units (and their subtrees) in which the member holds `capability`."""
    paths = [path for path, caps in capabilities_by_path(member).items() if capability in caps]
    if not paths:
        return Unit.objects.none()
    condition = Q()
    for path in paths:
        condition |= in_subtree(path)
    return Unit.objects.filter(condition)


def needs_second_factor(member: Any) -> bool:
    """Site operators, and holders of a current role granting a second-factor capability anywhere (even while
    their membership lapses: the role is what makes the account worth taking over)."""
    if not getattr(member, "is_authenticated", False):
        return False
    held = set().union(*capabilities_by_path(member).values())
    return capability_rules.needs_second_factor(held, is_staff=member.is_staff)


def forget_cached_capabilities(member: Member) -> None:
    for attr in (_CACHE_ATTR, "_rankandfile_good_standing"):
        if hasattr(member, attr):
            delattr(member, attr)


# --- object access for views ----------------------------------------------------------------------------
def access_unit(member: Any, unit_id: int, *, capability: str | None = None) -> Unit:
    """Every member sees every unit; acting on one needs the capability the action names, held there or above."""
    require_member(member)
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise Http404("No such unit.")
    if capability:
        require_capability(member, unit, capability)
    return unit


def access_unit_by_path(member: Any, path: str) -> Unit:
    require_member(member)
    unit = Unit.objects.filter(path=path.strip("/")).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit


def access_member_profile(viewer: Any, member_id: int) -> Member:
    require_member(viewer)
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member.")
    return member


def can_see_contact_details(viewer: Any, member: Member) -> bool:
    """Own details, or `manage_members` over a unit the member belongs to."""
    if viewer.pk == member.pk:
        return True
    units = Unit.objects.filter(memberships__member=member)
    return any(has_capability(viewer, unit, "manage_members") for unit in units)


def access_role_type(member: Any, role_type_id: int, *, capability: str | None = None) -> RoleType:
    require_member(member)
    role_type = RoleType.objects.select_related("unit").filter(pk=role_type_id).first()
    if role_type is None:
        raise Http404("No such role.")
    if capability:
        require_capability(member, role_type.unit, capability)
    return role_type


def access_role_term(member: Any, term_id: int, *, capability: str) -> RoleTerm:
    require_member(member)
    term = RoleTerm.objects.select_related("role_type__unit", "holder").filter(pk=term_id).first()
    if term is None:
        raise Http404("No such role term.")
    require_capability(member, term.role_type.unit, capability)
    return term


def access_own_membership(member: Any, membership_id: int) -> Membership:
    """A member's own membership (to leave it, or contest an exit recorded for them); anyone else gets 404."""
    membership = Membership.objects.select_related("unit").filter(pk=membership_id, member_id=member.pk).first()
    if membership is None:
        raise Http404("No such membership.")
    return membership


def access_own_api_token(member: Any, token_id: int) -> ApiToken:
    """Only the owner reaches a token; anyone else gets 404, so token ids reveal nothing."""
    token = ApiToken.objects.filter(pk=token_id, member_id=member.pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404("No such token.")
    return token
