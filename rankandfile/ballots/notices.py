"""The ballots app's kinds of notification (rankandfile/notifications/kinds.py says how kinds work).

Secrecy: every kind here speaks to a member about a ballot on whose roll they are, and never about who voted. The
reminder goes to each member who had not voted when it was claimed, and only to them (services/reminders.py).
Ballots held during a meeting are not notified: the members are in the room.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.ballots import selectors
from rankandfile.ballots.models import Ballot
from rankandfile.notifications.kinds import Kind, Notice, register


def _closing(ballot: Ballot) -> str:
    return timezone.localtime(ballot.closes_at).strftime("%Y-%m-%d %H:%M") if ballot.closes_at else ""


def _remote_ballot(ballot_id: int, status: str) -> Ballot | None:
    ballot = selectors.ballot_by_id(ballot_id)
    if ballot is None or ballot.mode != Ballot.Mode.REMOTE or ballot.status != status:
        return None
    return ballot


def _opened(ballot_id: int, event: str) -> Notice | None:
    ballot = _remote_ballot(ballot_id, Ballot.Status.OPEN)
    if ballot is None:
        return None
    return Notice(
        title=_("Vote now: “%(title)s” (%(unit)s)") % {"title": ballot.title, "unit": ballot.unit.name},
        link=ballot.get_absolute_url(),
        body=_("You are on the roll. The ballot closes at %(when)s.") % {"when": _closing(ballot)},
    )


def _reminder(ballot_id: int, event: str) -> Notice | None:
    ballot = _remote_ballot(ballot_id, Ballot.Status.OPEN)
    if ballot is None:
        return None
    return Notice(
        title=_("Reminder: vote in “%(title)s” before %(when)s") % {"title": ballot.title, "when": _closing(ballot)},
        link=ballot.get_absolute_url(),
        body=_("You have not voted yet. Your vote is secret: nobody can see how you voted, only that you did."),
    )


def _results(ballot_id: int, event: str) -> Notice | None:
    ballot = _remote_ballot(ballot_id, Ballot.Status.CLOSED)
    if ballot is None:
        return None
    return Notice(
        title=_("Results published: “%(title)s”") % {"title": ballot.title},
        link=ballot.get_absolute_url(),
        body=_("The ballot box and the count are published: anyone can check them."),
    )


def _nominated(nomination_id: int, event: str) -> Notice | None:
    nomination = selectors.nomination_by_id(nomination_id)
    if nomination is None or nomination.election.status != nomination.election.Status.NOMINATING:
        return None
    election = nomination.election
    return Notice(
        title=_("You were nominated for %(role)s (%(unit)s)")
        % {"role": election.role_type.name, "unit": election.role_type.unit.name},
        link=reverse("ballots:nomination_accept", args=[nomination.pk]),
        body=_("Accept or decline before nominations close at %(when)s.")
        % {"when": timezone.localtime(election.nominations_close_at).strftime("%Y-%m-%d %H:%M")},
    )


def _roll(ballot_id: int, event: str) -> list[int]:
    return selectors.roll_member_ids(ballot_id)


BALLOT_OPENED = register(
    Kind("ballot.opened", gettext_lazy("A ballot opened on my roll"), describe=_opened, recipients=_roll)
)
BALLOT_REMINDER = register(Kind("ballot.reminder", gettext_lazy("A reminder before a ballot closes"), _reminder))
BALLOT_RESULTS = register(
    Kind("ballot.results", gettext_lazy("Results published of a ballot on my roll"), _results, recipients=_roll)
)
NOMINATION = register(Kind("ballot.nomination", gettext_lazy("A nomination of me"), _nominated))
