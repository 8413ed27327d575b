"""`rankandfile simulate --members N --months M --seed S --rules fair|open --unit PATH [--truth FILE.json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rankandfile.insights.simulator.run import RULES, simulate


class Command(BaseCommand):
    help = "Simulate months of an organization's culture through the services; write the model's truth."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True)
        parser.add_argument("--months", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--rules", choices=RULES, default="fair")
        parser.add_argument("--unit", required=True, help="the unit's path; it and its parents are made if missing")
        parser.add_argument("--truth", type=Path, help="write what the model did to this JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = simulate(
                members=options["members"],
                months=options["months"],
                seed=options["seed"],
                rules=options["rules"],
                unit_path=options["unit"],
            )
        except (ValueError, ValidationError) as problem:
            raise CommandError(f"simulate: {problem}") from None
        if options["truth"]:
            options["truth"].write_text(json.dumps(result.truth, indent=1) + "\n", encoding="utf-8")
        rate = result.members * result.months / result.seconds if result.seconds else 0.0
        self.stdout.write(
            f"simulated {result.members} members for {result.months} months in {result.unit.path} "
            f"({result.seconds:.1f} s, {rate:.0f} member-months/s): {len(result.truth['pile_ons'])} pile-ons, "
            f"{len(result.truth['exits'])} exits"
        )
