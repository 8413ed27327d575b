"""The recall app's kinds of notification (rankandfile/notifications/kinds.py says how kinds work).

The officer is told when a petition against them starts (never who signs); the signers when the recall ballot
opens (their signatures are public from then on).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.notifications.kinds import Kind, Notice, register
from rankandfile.recall import selectors


def _started(petition_id: int, event: str) -> Notice | None:
    petition = selectors.petition_by_id(petition_id)
    if petition is None:
        return None
    return Notice(
        title=_("A recall petition names you as %(role)s (%(unit)s)")
        % {"role": petition.term.role_type.name, "unit": petition.unit.name},
        link=petition.get_absolute_url(),
        body=_(
            "Members of %(unit)s started a petition to recall you. It needs %(n)d signatures by %(when)s. You may "
            "publish a response beside its statement."
        )
        % {
            "unit": petition.unit.name,
            "n": petition.signatures_required,
            "when": petition.lapses_at.strftime("%Y-%m-%d"),
        },
    )


def _ballot_opened(petition_id: int, event: str) -> Notice | None:
    petition = selectors.petition_by_id(petition_id)
    if petition is None or petition.ballot is None:
        return None
    return Notice(
        title=_("The recall you signed goes to a vote: %(who)s as %(role)s")
        % {"who": petition.term.holder.full_name, "role": petition.term.role_type.name},
        link=petition.ballot.get_absolute_url(),
        body=_("The petition reached its threshold and the recall ballot opened by itself. Your vote is secret."),
    )


STARTED = register(Kind("recall.started", gettext_lazy("A recall petition against me"), describe=_started))
BALLOT_OPENED = register(
    Kind("recall.ballot_opened", gettext_lazy("A recall I signed goes to a vote"), describe=_ballot_opened)
)
