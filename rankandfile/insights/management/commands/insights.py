"""`rankandfile insights --unit PATH --format json`: the measures of a unit, computed from the database alone.

For the operator of the installation (who can read the database anyway): it lists pile-on events by speech, which
the pages never do; members see the suppressed figures on the insights pages, the CSV and the API.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rankandfile.insights.figures import report
from rankandfile.org.models import Unit


class Command(BaseCommand):
    help = "Print a unit's culture measures (pile-ons by speech, retention of dissenters and others) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="the unit's path, e.g. national/north/leeds")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(path=options["unit"].strip("/")).first()
        if unit is None:
            raise CommandError(f"insights: no unit with the path {options['unit']!r}")
        self.stdout.write(json.dumps(report(unit, as_of=timezone.localdate()), indent=1))
