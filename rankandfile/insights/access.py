"""Who sees insights: every member in good standing sees the same figures of every unit as officers do
(transparency is symmetric, DESIGN principles); a member's own figures are theirs alone. Opening a climate
survey needs `manage_ballots` in the unit. The exit survey is reached by its link only."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from rankandfile.insights import selectors
from rankandfile.insights.models import ExitInvitation
from rankandfile.org.access import access_unit, require_member
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Unit

__all__ = ["access_exit_invitation", "access_insights", "access_survey_unit", "require_member"]


def access_insights(member: Any, unit_id: int) -> Unit:
    return access_unit(member, unit_id)


def access_survey_unit(member: Any, unit_id: int) -> Unit:
    return access_unit(member, unit_id, capability=MANAGE_BALLOTS)


def access_exit_invitation(raw_token: str) -> ExitInvitation:
    invitation = selectors.exit_invitation_find(raw_token)
    if invitation is None:
        raise Http404("No such survey link.")
    return invitation
