"""Email a reminder to members who have not voted in a remote ballot closing soon (run it from cron, hourly)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rankandfile.ballots import selectors, services


class Command(BaseCommand):
    help = "Remind members on the roll who have not voted yet, once per ballot, when it closes within --hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=48, help="ballots closing within this many hours (48)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        total = 0
        for ballot in selectors.due_for_reminder(now, dt.timedelta(hours=options["hours"])):
            sent = services.ballot_send_reminders(ballot=ballot, now=now)
            total += sent
            self.stdout.write(f"ballot {ballot.pk} “{ballot.title}”: {sent} reminder(s)")
        self.stdout.write(f"{total} reminder(s) sent")
