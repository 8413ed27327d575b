"""`rankandfile import-members FILE.csv --unit PATH [--skip-bad-rows]` (columns: docs/import.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rankandfile.org.services.importing import ImportReport, members_import, unit_for_path
from rankandfile.web import first_message


class Command(BaseCommand):
    help = (
        "Import members from a CSV file into a unit and the units under it. All or nothing: when a row is bad, "
        "nothing is written, unless --skip-bad-rows. Members are matched by email, so importing again updates them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", help="UTF-8 CSV file with a header row (see docs/import.md)")
        parser.add_argument("--unit", required=True, metavar="PATH", help="path of the unit, e.g. national/north")
        parser.add_argument("--skip-bad-rows", action="store_true", help="import the good rows, report the bad")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_for_path(options["unit"])
        if unit is None:
            raise CommandError(_("No unit has the path “%s”.") % options["unit"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from error
        try:
            # The command runs as the operator of the installation: no actor, no capability check.
            report = members_import(actor=None, unit=unit, file=data, skip_bad_rows=options["skip_bad_rows"])
        except ValidationError as error:
            raise CommandError(first_message(error)) from error
        if not report.written:
            raise CommandError("\n".join([_refusal(report, path), *map(str, report.problems)]))
        self.stdout.write(_summary(report))
        if report.problems:
            self.stdout.write(
                ngettext("Skipped %d bad row:", "Skipped %d bad rows:", report.bad_rows) % report.bad_rows
            )
            for problem in report.problems:
                self.stdout.write(f"  {problem}")


def _refusal(report: ImportReport, path: Path) -> str:
    if report.is_fatal:
        return _("Nothing was imported: %s cannot be read as a members file.") % path
    return _(
        "Nothing was imported: %(bad)d of %(rows)d rows in %(file)s are bad. "
        "Fix them, or use --skip-bad-rows to import the others."
    ) % {"bad": report.bad_rows, "rows": report.rows, "file": path}


def _summary(report: ImportReport) -> str:
    return _(
        "Imported into %(unit)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
        "%(skipped)d skipped."
    ) % {
        "unit": report.unit_path,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
    }
