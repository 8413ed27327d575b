"""Who may see, manage and vote in ballots and elections. Views, the API and the consumer fetch through here.

Rules (docs/ballots.md):
- Members in good standing see every ballot that is not a draft, and every election; a draft ballot only those
  with `manage_ballots` in its unit (others get 404).
- Creating, opening and closing ballots and elections needs `manage_ballots` in the unit.
- Voting needs a place on the ballot's roll, frozen when it opened; the roll, not today's status, decides.
- Results, the published box and receipt checks exist only once the ballot is closed.
- A ballot is set up on a proposal or amendment of its own unit only (others get 404 on the set-up page; the
  service refuses them too: services/setup.py, `unit_refusals`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from rankandfile.ballots import selectors
from rankandfile.ballots.models import Ballot, Election, Nomination
from rankandfile.org.access import has_capability, is_member_in_good_standing, require_capability, require_member
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Unit
from rankandfile.proposals import access as proposal_access
from rankandfile.proposals.models import Amendment, Proposal


def can_manage(member: Any, ballot: Ballot) -> bool:
    return has_capability(member, ballot.unit, MANAGE_BALLOTS)


def _visible(member: Any, ballot: Ballot | None) -> Ballot:
    if ballot is None:
        raise Http404("No such ballot.")
    if ballot.status == Ballot.Status.DRAFT and not can_manage(member, ballot):
        raise Http404("No such ballot.")
    return ballot


def access_ballot(member: Any, ballot_id: int, *, for_write: bool = False) -> Ballot:
    """To see it (a draft only with `manage_ballots`), or for_write: to set it up, open or close it."""
    require_member(member)
    ballot = _visible(member, selectors.ballot_by_id(ballot_id))
    if for_write:
        require_capability(member, ballot.unit, MANAGE_BALLOTS)
    return ballot


def access_ballot_to_vote(member: Any, ballot_id: int) -> Ballot:
    """A member in good standing, or anyone on the roll (a membership that lapsed after the roll froze)."""
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Log in to vote."))
    ballot = selectors.ballot_by_id(ballot_id)
    if ballot is not None and ballot.status != Ballot.Status.DRAFT and selectors.is_on_roll(ballot, member):
        return ballot
    require_member(member)
    return _visible(member, ballot)


def access_ballot_to_cast(member: Any, ballot_id: int) -> selectors.Paper:
    """The cast itself: the ballot and its options, in as few queries as can be; the service checks the status
    and the roll inside its transaction, and the page showing a refusal applies `access_ballot_to_vote`."""
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Log in to vote."))
    paper = selectors.paper_for_cast(ballot_id)
    if paper is None:
        raise Http404("No such ballot.")
    return paper


def access_published_ballot(member: Any, ballot_id: int) -> Ballot:
    """The published box and receipt checks: closed ballots only, and never a survey's (aggregate only)."""
    ballot = access_ballot(member, ballot_id)
    if not ballot.is_closed or ballot.kind == Ballot.Kind.SURVEY:
        raise Http404("The ballot box is published when the ballot closes (never for surveys).")
    return ballot


def access_proposal_to_decide(member: Any, proposal_id: int, *, unit: Unit) -> Proposal:
    """A proposal the unit's ballot may decide: one of that very unit (a sibling's or a child's is not found)."""
    proposal = proposal_access.access_proposal(member, proposal_id)
    if proposal.unit_id != unit.pk:
        raise Http404("No such proposal in this unit.")
    return proposal


def access_amendment_to_decide(member: Any, amendment_id: int, *, unit: Unit) -> Amendment:
    """An amendment to a proposal of the unit, as `access_proposal_to_decide`."""
    amendment = proposal_access.access_amendment(member, amendment_id)
    if amendment.proposal.unit_id != unit.pk:
        raise Http404("No such amendment in this unit.")
    return amendment


def access_election(member: Any, election_id: int, *, for_write: bool = False) -> Election:
    """To see it, or for_write: to move it on (`manage_ballots` in the role's unit)."""
    require_member(member)
    election = selectors.election_by_id(election_id)
    if election is None:
        raise Http404("No such election.")
    if for_write:
        require_capability(member, election.role_type.unit, MANAGE_BALLOTS)
    return election


def access_own_nomination(member: Any, nomination_id: int) -> Nomination:
    """The nominee accepts or withdraws; anyone else gets 404."""
    nomination = selectors.nomination_by_id(nomination_id)
    if nomination is None or nomination.nominee_id != member.pk or not is_member_in_good_standing(member):
        raise Http404("No such nomination.")
    return nomination


def may_watch(member: Any, ballot_id: int) -> bool:
    """The live count's subscription: whoever may see the ballot page."""
    try:
        access_ballot_to_vote(member, ballot_id)
    except (PermissionDenied, Http404):
        return False
    return True
