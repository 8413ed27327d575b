"""Who may see and act on recall petitions. Views fetch petitions only through these helpers (docs/recall.md).

Rules:
- A petition is seen by the members in good standing of its unit (an active membership in it or a unit inside
  it) and by officers holding a capability over the unit; anyone else gets 404.
- Members of the unit in good standing start petitions and sign them; the officer named may do neither.
- Only the officer named writes the response.
- The organization's rules are set by `manage_ballots` at its top unit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from rankandfile.org import access as org_access
from rankandfile.org.models import RoleTerm, Unit
from rankandfile.org.selectors import is_active_member
from rankandfile.recall import selectors
from rankandfile.recall.models import Petition


def may_see_unit(member: Any, unit: Unit) -> bool:
    if not org_access.is_member_in_good_standing(member):
        return False
    return is_active_member(member, unit) or bool(org_access.capabilities_in(member, unit))


def access_unit_recalls(member: Any, unit_id: int) -> Unit:
    unit = org_access.access_unit(member, unit_id)
    if not may_see_unit(member, unit):
        raise Http404("No recalls to show here.")
    return unit


def access_petition(member: Any, petition_id: int) -> Petition:
    org_access.require_member(member)
    petition = selectors.petition_by_id(petition_id)
    if petition is None:
        raise Http404("No such petition.")
    if not may_see_unit(member, petition.unit):
        raise Http404("No such petition.")
    return petition


def access_own_petition(member: Any, petition_id: int) -> Petition:
    """For the officer's response: anyone else gets 403."""
    petition = access_petition(member, petition_id)
    if petition.term.holder_id != member.pk:
        raise PermissionDenied(_("Only the officer named in the petition may respond."))
    return petition


def access_term_for_recall(member: Any, term_id: int) -> RoleTerm:
    """The term a member wants to start a petition against: members of the role's unit in good standing."""
    org_access.require_member(member)
    term = RoleTerm.objects.select_related("holder", "role_type__unit").filter(pk=term_id).first()
    if term is None or not may_see_unit(member, term.role_type.unit):
        raise Http404("No such term.")
    require_unit_member(member, term.role_type.unit)
    if term.holder_id == member.pk:
        raise PermissionDenied(_("You cannot start a recall petition against yourself."))
    return term


def require_unit_member(member: Any, unit: Unit) -> None:
    org_access.require_member(member)
    if not is_active_member(member, unit):
        raise PermissionDenied(_("Only members of %s in good standing may do this.") % unit.name)


def can_take_part(member: Any, unit: Unit) -> bool:
    try:
        require_unit_member(member, unit)
    except PermissionDenied:
        return False
    return True


def may_watch(member: Any, petition_id: int) -> bool:
    try:
        access_petition(member, petition_id)
    except (PermissionDenied, Http404):
        return False
    return True
