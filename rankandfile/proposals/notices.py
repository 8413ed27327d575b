"""The proposals app's kinds of notification (rankandfile/notifications/kinds.py says how kinds work)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.notifications.kinds import Kind, Notice, register
from rankandfile.proposals import selectors


def _cosigned(proposal_id: int, event: str) -> Notice | None:
    """`event` is `by-<member id>`: co-signatures are public to members, so the author is told who signed."""
    proposal = selectors.proposal_by_id(proposal_id)
    signer = selectors.signer_of(proposal, int(event.removeprefix("by-"))) if proposal is not None else None
    if proposal is None or signer is None:  # gone, or the signature was withdrawn before the task ran
        return None
    count, needed = selectors.signature_count(proposal), selectors.cosigners_required(proposal.unit)
    return Notice(
        title=_("%(who)s co-signed your proposal “%(title)s”") % {"who": signer.full_name, "title": proposal.title},
        link=proposal.get_absolute_url(),
        body=_("%(count)d of the %(needed)d co-signatures needed.") % {"count": count, "needed": needed}
        if needed
        else _("%(count)d co-signature(s).") % {"count": count},
    )


COSIGNED = register(Kind("proposal.cosigned", gettext_lazy("A co-signature on my proposal"), describe=_cosigned))
