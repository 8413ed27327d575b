"""Who may see and act on proposals. Views and the API fetch proposals only through these helpers.

Rules (docs/proposals.md):
- Members in good standing see every submitted proposal, counter-proposal and amendment of every unit; a draft
  only its author (anyone else gets 404, so drafts do not even show that they exist).
- Members in good standing *of the unit* (an active membership in it or a unit inside it) file proposals,
  counter-proposals and amendments, and co-sign.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from rankandfile.org import selectors as org_selectors
from rankandfile.org.access import require_member
from rankandfile.org.models import Unit
from rankandfile.proposals import selectors
from rankandfile.proposals.models import Amendment, Proposal


def access_proposal(member: Any, proposal_id: int, *, for_write: bool = False) -> Proposal:
    """To see it (a draft only its author), or for_write: the author's own actions (edit, submit, withdraw, accept
    amendments), where anyone else gets 403."""
    require_member(member)
    proposal = selectors.proposal_by_id(proposal_id)
    if proposal is None:
        raise Http404("No such proposal.")
    if proposal.status == Proposal.Status.DRAFT and proposal.author_id != member.pk:
        raise Http404("No such proposal.")
    if for_write and proposal.author_id != member.pk:
        raise PermissionDenied(_("Only the proposal's author may do this."))
    return proposal


def access_amendment(member: Any, amendment_id: int) -> Amendment:
    require_member(member)
    amendment = selectors.amendment_by_id(amendment_id)
    if amendment is None or amendment.proposal.status == Proposal.Status.DRAFT:
        raise Http404("No such amendment.")
    return amendment


def require_unit_member(member: Any, unit: Unit) -> None:
    require_member(member)
    if not org_selectors.is_active_member(member, unit):
        raise PermissionDenied(_("Only members of %s may do this.") % unit.name)


def can_take_part(member: Any, unit: Unit) -> bool:
    try:
        require_unit_member(member, unit)
    except PermissionDenied:
        return False
    return True


def may_watch(member: Any, proposal_id: int) -> bool:
    try:
        access_proposal(member, proposal_id)
    except (PermissionDenied, Http404):
        return False
    return True
