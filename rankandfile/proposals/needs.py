"""What needs a member in the proposals app (rankandfile/needs.py says how sources work): proposals and
counter-proposals open for co-signing, with a counter-proposal's progress toward the co-signers that put it on the
ballot beside the proposal it answers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rankandfile.needs import Need, register
from rankandfile.org.models import Member, Unit
from rankandfile.proposals import selectors


def proposal_needs(member: Member, units: Sequence[Unit]) -> list[Need]:
    needed: dict[int, int] = {}
    needs = []
    for proposal in selectors.open_for_signing(member, units):
        signatures = proposal.n_signatures  # type: ignore[attr-defined]  # annotated by the selector
        if proposal.answers_id is None:
            title, progress = proposal.title, None
            detail = ngettext("%(n)d co-signer so far.", "%(n)d co-signers so far.", signatures) % {"n": signatures}
        else:
            if proposal.unit_id not in needed:
                needed[proposal.unit_id] = selectors.cosigners_required(proposal.unit)
            title = _("Counter-proposal: %(title)s") % {"title": proposal.title}
            progress = (signatures, needed[proposal.unit_id])
            detail = _("%(have)d of %(need)d co-signers needed to be on the same ballot as “%(answers)s”.") % {
                "have": signatures,
                "need": needed[proposal.unit_id],
                "answers": proposal.answers.title if proposal.answers else "",
            }
        needs.append(
            Need(
                kind="proposal",
                title=title,
                link=proposal.get_absolute_url(),
                action=_("Read and co-sign"),
                unit_id=proposal.unit_id,
                unit_name=proposal.unit.name,
                detail=detail,
                progress=progress,
            )
        )
    return needs


register("proposals", proposal_needs)
