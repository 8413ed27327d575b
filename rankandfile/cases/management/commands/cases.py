"""`rankandfile cases intake --unit PATH --category SLUG --text-file FILE [--attach FILE ...]`

A committee member records a complaint received on paper or by phone. Prints `receipt: NNNN-NNNN-NNNN-NNNN` and
nothing else on stdout (hand the receipt to the complainant); bad input exits 2 with one line on stderr. The text
and the files are encrypted before anything is stored (attachments chunk by chunk, uploads.seal_stream).
"""

from __future__ import annotations

import mimetypes
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rankandfile.cases import selectors, services, uploads
from rankandfile.cases.models import Case
from rankandfile.org.models import Unit


def _one_line_error(message: str) -> NoReturn:
    sys.stderr.write(f"rankandfile cases: {message}\n")
    raise SystemExit(2)


class Command(BaseCommand):
    help = "Confidential cases: `intake` records a complaint received outside the site and prints its receipt."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = _one_line_error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["intake"])
        parser.add_argument("--unit", required=True, help="the unit's path, e.g. national/north/leeds")
        parser.add_argument("--category", required=True, help="a category's short name, e.g. harassment")
        parser.add_argument("--text-file", required=True, help="a UTF-8 text file holding the complaint")
        parser.add_argument("--attach", action="append", default=[], help="a PDF, image or audio file (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._intake(options)
        except CommandError as refused:
            _one_line_error(str(refused))

    def _intake(self, options: dict[str, Any]) -> None:
        unit = Unit.objects.filter(path=options["unit"].strip("/"), dissolved_on__isnull=True).first()
        if unit is None:
            raise CommandError(f"no unit at path {options['unit']!r}")
        category = selectors.category_by_slug(options["category"])
        if category is None:
            known = ", ".join(c.slug for c in selectors.active_categories())
            raise CommandError(f"unknown category {options['category']!r} (one of: {known})")
        text = _read_text(Path(options["text_file"]))
        files = [Path(name) for name in options["attach"]]
        for path in files:
            if not path.is_file():
                raise CommandError(f"cannot read attachment {str(path)!r}")
            if not uploads.is_allowed_type(_type_of(path)):
                raise CommandError(f"{path.name}: attach PDF, image or audio files only")
        sealed: list[uploads.SealedUpload] = []
        try:
            for path in files:
                with path.open("rb") as source:
                    sealed.append(uploads.seal_stream(source, name=path.name, content_type=_type_of(path)))
            filed = services.case_file(
                unit=unit, category=category, text=text, channel=Case.Channel.RECORDED, attachments=sealed
            )
        except (ValueError, ValidationError) as refused:
            for upload in sealed:
                upload.discard()
            message = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
            raise CommandError(message) from None
        self.stdout.write(filed.receipt_line)


def _type_of(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _read_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise CommandError(f"cannot read the text file {str(path)!r} as UTF-8") from None
    if not text.strip():
        raise CommandError(f"the text file {str(path)!r} is empty")
    return text
