from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rankandfile.ballots.backup import BackupError, restore_sqlite


class Command(BaseCommand):
    help = (
        "Restore a SQLite backup made by `rankandfile backup` into the configured database (SQLite's online backup "
        "API), then check its audit chain. On PostgreSQL use pg_restore (docs/operations.md, 'Restore drill')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup's rankandfile.sqlite3")
        parser.add_argument("--replace", action="store_true", help="overwrite a database that is not empty")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pending = restore_sqlite(options["file"], replace=options["replace"])
        except (BackupError, OSError) as error:
            raise CommandError(f"restore failed: {error}") from error
        self.stdout.write(f"restored {options['file']}")
        if pending:
            self.stdout.write(f"{pending} migrations to apply: run `rankandfile manage migrate`, then verify-audit")
            return
        call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
