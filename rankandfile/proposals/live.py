"""The live state of a proposal (docs/proposals.md): its co-signature count and status, to group `proposal-<id>`."""

from __future__ import annotations

from django.template.loader import render_to_string

from rankandfile.live.publish import Feed
from rankandfile.proposals import selectors


def _render(proposal_id: int) -> tuple[int, str] | None:
    proposal = selectors.proposal_by_id(proposal_id)
    if proposal is None:
        return None
    content = render_to_string("proposals/_live.html", {"proposal": proposal, "version": proposal.version})
    return proposal.version, content


feed = Feed("proposal", _render)
