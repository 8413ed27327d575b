"""Reminders to voters on the roll who have not voted yet, through notifications (kind `ballot.reminder`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rankandfile.ballots import selectors
from rankandfile.ballots.models import Ballot
from rankandfile.notifications import services as notifications


# --- reminders ----------------------------------------------------------------------------------------------
def ballot_send_reminders(*, ballot: Ballot, now: dt.datetime | None = None) -> int:
    """Remind every member on the roll who has not voted yet, once per ballot. Returns how many are reminded.

    The claim (`reminded_at`) and the list are taken under the ballot's row lock; the notifications go out after
    commit, each to the member concerned only (docs/notifications.md, "Ballot secrecy").
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.status != Ballot.Status.OPEN or locked.reminded_at is not None:
            return 0
        locked.reminded_at = now
        locked.save(update_fields=["reminded_at"])
        recipients = list(selectors.members_to_remind(locked).values_list("pk", flat=True))
        notifications.notify_on_commit(kind="ballot.reminder", object_id=locked.pk, recipients=recipients)
    return len(recipients)


def ballots_remind_due(*, now: dt.datetime | None = None, within: dt.timedelta | None = None) -> int:
    """Remind for every open remote ballot closing within `within` (BALLOT_REMINDER_HOURS). Returns the reminders."""
    now = now or timezone.now()
    within = within if within is not None else dt.timedelta(hours=settings.BALLOT_REMINDER_HOURS)
    return sum(ballot_send_reminders(ballot=ballot, now=now) for ballot in selectors.due_for_reminder(now, within))
