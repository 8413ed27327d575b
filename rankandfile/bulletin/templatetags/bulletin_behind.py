"""`{% documents_behind proposal_id as documents %}`: the bulletin documents behind a proposal.

Proposals and ballots sit below the bulletin and import nothing from it (the "apps" import contract); their pages
ask for the documents through this tag, so the bulletin adds itself to their pages without them knowing it.
"""

from __future__ import annotations

from typing import Any

from django import template

from rankandfile.bulletin import selectors

register = template.Library()


@register.simple_tag
def documents_behind(proposal_id: int | None) -> list[Any]:
    return list(selectors.documents_behind([proposal_id])) if proposal_id else []
