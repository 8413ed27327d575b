from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rankandfile.ballots.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database into DIRECTORY without linking votes to voters while ballots are open: "
        "participations and open ballot papers are written sorted by their random ids (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = backup(options["directory"])
        except (BackupError, OSError) as error:
            raise CommandError(f"backup failed: {error}") from error
        for path in written:
            self.stdout.write(f"wrote {path}")
