"""What needs a member in the ballots app (rankandfile/needs.py says how sources work): ballots to vote in,
nominations open, and nominations of them to accept or decline.

Secrecy: the member hears only that *they* have not voted yet, never anything about anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from rankandfile.ballots import selectors
from rankandfile.needs import Need, register
from rankandfile.org.models import Member, Unit


def ballot_needs(member: Member, units: Sequence[Unit]) -> list[Need]:
    needs = [
        Need(
            kind="ballot",
            title=ballot.title,
            link=ballot.get_absolute_url(),
            action=_("Vote"),
            unit_id=ballot.unit_id,
            unit_name=ballot.unit.name,
            due_at=ballot.closes_at,
            due_label=_("closes"),
            detail=_("You are on the roll."),
            tag=_("not voted yet"),
        )
        for ballot in selectors.ballots_awaiting_vote(member, units)
    ]
    to_answer = selectors.nominations_to_answer(member, units)
    mine = {n.election_id for n in to_answer}
    for nomination in to_answer:
        election = nomination.election
        needs.append(
            Need(
                kind="nomination",
                title=_("You were nominated for %(role)s") % {"role": election.role_type.name},
                link=reverse("ballots:nomination_accept", args=[nomination.pk]),
                action=_("Accept or decline"),
                unit_id=election.role_type.unit_id,
                unit_name=election.role_type.unit.name,
                due_at=election.nominations_close_at,
                due_label=_("nominations close"),
            )
        )
    for election in selectors.elections_nominating(units):
        if election.pk in mine:
            continue
        needs.append(
            Need(
                kind="election",
                title=_("Nominations are open for %(role)s") % {"role": election.role_type.name},
                link=election.get_absolute_url(),
                action=_("Nominate someone"),
                unit_id=election.role_type.unit_id,
                unit_name=election.role_type.unit.name,
                due_at=election.nominations_close_at,
                due_label=_("nominations close"),
                detail=_("Any member may nominate a member, themselves included."),
            )
        )
    return needs


register("ballots", ballot_needs)
