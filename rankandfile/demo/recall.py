"""Demo recalls, in the Ashford Junction branch (not Millbrook, where the other demo activity is):

1. a failed recall of the branch chair: the petition reached its threshold, the recall ballot opened by itself,
   the members voted, most of them no, and the ballot closed; the chair stays, and no new petition against her may
   start for the organization's waiting period;
2. a pending recall of the branch secretary: a petition collecting signatures, with the secretary's response.

Everything goes through the recall and ballots services. The recall ballot opens for days and no one may close it
early; here, standing for the days that passed, its closing time is moved to just now before the scheduled close
runs (the one write outside a service, demo data only). Loading twice does nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from rankandfile.ballots import services as ballots
from rankandfile.ballots.models import Ballot
from rankandfile.demo.shape import ROOT_SLUG
from rankandfile.org.models import Member, RoleTerm, Unit
from rankandfile.recall import selectors, services
from rankandfile.recall.models import Petition

BRANCH_PATH = f"{ROOT_SLUG}/riverside/ashford-junction"
FAILED_ROLE = "Branch chair"
PENDING_ROLE = "Branch secretary"
RNG_SEED = 2027

FAILED_STATEMENT = """The chair cancelled the **March and April branch meetings** without consulting anyone, and
the motion on the depot closures passed in February has still not been sent to the district.

- Two meetings cancelled in a row
- The February motion not acted on

We ask the members to decide whether she should continue as chair."""

PENDING_STATEMENT = """The secretary has not circulated the minutes of the last **three** meetings, and members
who asked for the membership list of their own workplace were refused without a reason.

Minutes are how members who could not attend know what was decided. We think the branch needs a secretary who
publishes them."""

PENDING_RESPONSE = """The minutes of January and February are written and waiting for the chair's approval; March's
will follow within the week. The workplace lists contain members' contact details, which only officers with the
right to manage members may see: I offered to pass on messages instead."""


def recalls_loaded() -> bool:
    return Petition.objects.filter(unit__path=BRANCH_PATH).exists()


def _terms(branch: Unit) -> list[RoleTerm]:
    """Current terms of the branch, the chair's and the secretary's first (a seat may be vacant in the demo)."""
    order = {FAILED_ROLE: 0, PENDING_ROLE: 1}
    terms = RoleTerm.objects.current().filter(role_type__unit=branch).select_related("holder", "role_type__unit")
    return sorted(terms, key=lambda t: (order.get(t.role_type.name, 2), t.pk))


def load_recalls() -> bool:
    """Create the demo recalls in one transaction; False (changing nothing) when they are already there."""
    with transaction.atomic():
        if recalls_loaded():
            return False
        branch = Unit.objects.get(path=BRANCH_PATH)
        first, second = _terms(branch)[:2]
        _failed_recall(branch, first)
        _pending_recall(branch, second)
    return True


def _members(petition: Petition, exclude: RoleTerm) -> list[Member]:
    ids = [pk for pk in selectors.roll_member_ids(petition) if pk != exclude.holder_id]
    return list(Member.objects.filter(pk__in=ids).order_by("pk"))


def _failed_recall(branch: Unit, term: RoleTerm) -> Petition:
    members = list(selectors.members_in_good_standing(branch))
    starter = Member.objects.get(pk=next(pk for pk in members if pk != term.holder_id))
    petition = services.petition_start(actor=starter, term=term, statement=FAILED_STATEMENT)
    services.petition_respond(
        actor=term.holder,
        petition=petition,
        response="Both meetings fell on the depot strike days; the February motion went to the district on 3 May.",
    )
    others = [m for m in _members(petition, term) if m.pk != starter.pk]
    for signer in others[: petition.signatures_required - 1]:
        services.petition_sign(actor=signer, petition=petition)
    petition.refresh_from_db()
    ballot = petition.ballot
    assert ballot is not None
    rng = random.Random(RNG_SEED)
    voters = list(Member.objects.filter(pk__in=selectors.roll_member_ids(petition)).order_by("pk"))
    for voter in voters[: max(len(voters) * 2 // 3, 1)]:
        choice = rng.choices(["Yes", "No", "Abstain"], weights=[3, 6, 1])[0]
        ballots.ballot_cast(voter=voter, ballot=ballot, names=[choice])
    # As if the ballot's days had passed (see the module's docstring), then the scheduled close.
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    ballots.ballot_close(actor=None, ballot=ballot)
    petition.refresh_from_db()
    return petition


def _pending_recall(branch: Unit, term: RoleTerm) -> Petition:
    members = list(selectors.members_in_good_standing(branch))
    starters = [pk for pk in members if pk != term.holder_id]
    starter = Member.objects.get(pk=starters[-1])
    petition = services.petition_start(actor=starter, term=term, statement=PENDING_STATEMENT)
    others = [m for m in _members(petition, term) if m.pk != starter.pk]
    for signer in others[: max(petition.signatures_required // 2, 1)]:
        services.petition_sign(actor=signer, petition=petition)
    services.petition_respond(actor=term.holder, petition=petition, response=PENDING_RESPONSE)
    return petition
