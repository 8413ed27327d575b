"""Reminders to voters on the roll who have not voted yet."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.ballots import selectors
from rankandfile.ballots.models import Ballot

log = logging.getLogger(__name__)


# --- reminders ----------------------------------------------------------------------------------------------
def ballot_send_reminders(*, ballot: Ballot, now: dt.datetime | None = None) -> int:
    """Email every member on the roll who has not voted yet, once per ballot. Returns the number of emails."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.status != Ballot.Status.OPEN or locked.reminded_at is not None:
            return 0
        locked.reminded_at = now
        locked.save(update_fields=["reminded_at"])
        recipients = list(selectors.members_to_remind(locked).values_list("email", "full_name"))
        link = settings.SITE_URL + locked.get_absolute_url()
        subject = _("Reminder: vote in “%(title)s” before %(when)s") % {
            "title": locked.title,
            "when": timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M") if locked.closes_at else "",
        }
        messages = [
            EmailMessage(
                subject,
                render_to_string("ballots/reminder_email.txt", {"ballot": locked, "name": name, "link": link}),
                None,
                [email],
            )
            for email, name in recipients
        ]
        get_connection().send_messages(messages)
    return len(messages)
