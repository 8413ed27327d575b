"""Close, count and publish every ballot whose closing time has passed (run it from cron, every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rankandfile.ballots import services


class Command(BaseCommand):
    help = "Close, count and publish every open ballot past its closing time."

    def handle(self, *args: Any, **options: Any) -> None:
        for ballot in services.ballots_close_due():
            self.stdout.write(f"ballot {ballot.pk} “{ballot.title}” closed: {ballot.cast_count} ballot(s)")
