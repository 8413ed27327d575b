"""Reading a members CSV file into checked rows and a list of problems. Pure Python: no Django, no database.

The caller (`org.services.importing`) passes what the parser cannot know by itself: the path of the unit the file is
imported into, the paths of the units under it, and today's date. The columns are documented in docs/import.md.

Problems carry a `Reason` code and parameters; `Problem.reason` is the English text, and `Problem.text(gettext)`
translates it (the templates are marked with `gettext_noop` below so that `makemessages` extracts them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


def gettext_noop(message: str) -> str:
    """Marks a message for extraction by `makemessages`; translated where it is shown (`Problem.text`)."""
    return message


# Limits mirror the model fields (org.models.Member / Membership): rows that pass here fit the database.
EMAIL_MAX = 254
FULL_NAME_MAX = 200
PHONE_MAX = 40
PRONOUNS_MAX = 40

REQUIRED_COLUMNS = ("email", "full_name")
OPTIONAL_COLUMNS = ("phone", "pronouns", "status", "joined_on", "unit")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
STATUSES = ("active", "lapsed", "left")


class Reason(StrEnum):
    # The file as a whole cannot be read: nothing can be imported, even when skipping bad rows.
    NOT_UTF8 = "not_utf8"
    EMPTY_FILE = "empty_file"
    UNREADABLE = "unreadable"
    NOT_COMMA_SEPARATED = "not_comma_separated"
    UNNAMED_COLUMN = "unnamed_column"
    UNKNOWN_COLUMN = "unknown_column"
    REPEATED_COLUMN = "repeated_column"
    MISSING_COLUMN = "missing_column"
    # One row is bad.
    CELL_COUNT = "cell_count"
    REQUIRED = "required"
    BAD_EMAIL = "bad_email"
    DUPLICATE_EMAIL = "duplicate_email"
    TOO_LONG = "too_long"
    UNKNOWN_STATUS = "unknown_status"
    BAD_DATE = "bad_date"
    FUTURE_DATE = "future_date"
    UNKNOWN_UNIT = "unknown_unit"
    DISSOLVED_UNIT = "dissolved_unit"


MESSAGES: dict[Reason, str] = {
    Reason.NOT_UTF8: gettext_noop("the file is not UTF-8 text; save it as “CSV UTF-8”"),
    Reason.EMPTY_FILE: gettext_noop("the file is empty; the first line must name the columns"),
    Reason.UNREADABLE: gettext_noop("the file cannot be read as CSV: %(error)s"),
    Reason.NOT_COMMA_SEPARATED: gettext_noop(
        "the header has no commas but has semicolons; save the file as comma-separated CSV"
    ),
    Reason.UNNAMED_COLUMN: gettext_noop("column %(position)s has no name in the header"),
    Reason.UNKNOWN_COLUMN: gettext_noop("unknown column; the columns are %(columns)s"),
    Reason.REPEATED_COLUMN: gettext_noop("this column is named twice in the header"),
    Reason.MISSING_COLUMN: gettext_noop("this column is required and missing from the header"),
    Reason.CELL_COUNT: gettext_noop("%(found)s cells where the header has %(expected)s"),
    Reason.REQUIRED: gettext_noop("required, and empty"),
    Reason.BAD_EMAIL: gettext_noop("“%(value)s” is not an email address"),
    Reason.DUPLICATE_EMAIL: gettext_noop("the same email as line %(first_line)s"),
    Reason.TOO_LONG: gettext_noop("longer than %(limit)s characters"),
    Reason.UNKNOWN_STATUS: gettext_noop("unknown status “%(value)s”; use active, lapsed or left"),
    Reason.BAD_DATE: gettext_noop("“%(value)s” is not a date written YYYY-MM-DD"),
    Reason.FUTURE_DATE: gettext_noop("%(value)s is in the future"),
    Reason.UNKNOWN_UNIT: gettext_noop("no unit “%(value)s” in or under %(base)s"),
    Reason.DISSOLVED_UNIT: gettext_noop("the unit %(value)s is dissolved"),
}

FILE_REASONS = frozenset(
    {
        Reason.NOT_UTF8,
        Reason.EMPTY_FILE,
        Reason.UNREADABLE,
        Reason.NOT_COMMA_SEPARATED,
        Reason.UNNAMED_COLUMN,
        Reason.UNKNOWN_COLUMN,
        Reason.REPEATED_COLUMN,
        Reason.MISSING_COLUMN,
    }
)


@dataclass(frozen=True)
class Problem:
    line: int  # physical line of the file where the row starts, counting the header as line 1
    column: str  # canonical column name, or "" when the problem is the whole row or file
    code: Reason
    params: Mapping[str, str | int] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.text()

    @property
    def is_fatal(self) -> bool:
        """True when the file as a whole is unusable (bad encoding or header), not just this row."""
        return self.code in FILE_REASONS

    def text(self, translate: Callable[[str], str] = gettext_noop) -> str:
        return translate(MESSAGES[self.code]) % dict(self.params)


@dataclass(frozen=True)
class MemberRow:
    """One good row. Empty optional cells are "" or None: the importer decides what that means for existing rows."""

    line: int
    email: str  # lower-cased
    full_name: str
    phone: str
    pronouns: str
    status: str | None  # active / lapsed / left, or None when not given
    joined_on: dt.date | None
    unit_path: str  # full path of the unit the membership is in


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[MemberRow, ...]
    problems: tuple[Problem, ...]
    data_lines: int  # rows read after the header, blank lines not counted

    @property
    def is_fatal(self) -> bool:
        return any(p.is_fatal for p in self.problems)

    @property
    def bad_lines(self) -> int:
        return len({p.line for p in self.problems if not p.is_fatal})


_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_email(value: str) -> bool:
    """A practical address check: one @, a dotted local part, and a domain of at least two labels."""
    if len(value) > EMAIL_MAX or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    if len(local) > 64 or not _LOCAL_PART.match(local):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_domain.split(".")
    return len(labels) >= 2 and all(_DOMAIN_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def normalize_column(name: str) -> str:
    """`Full Name`, `full-name` and `FULL_NAME` are all `full_name`."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def normalize_unit(value: str) -> str:
    return "/".join(part.strip() for part in value.strip().strip("/").lower().split("/"))


def decode(data: bytes | str) -> tuple[str | None, Problem | None]:
    """UTF-8 text, with the byte-order mark removed if there is one."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, Problem(line, "", Reason.NOT_UTF8)


def parse_members(
    data: bytes | str,
    *,
    base_path: str,
    unit_paths: Collection[str],
    dissolved_paths: Collection[str] = (),
    today: dt.date | None = None,
) -> ParsedFile:
    """Read `data` (a whole CSV file) into good rows and problems.

    `base_path` is the unit the file is imported into; `unit_paths` the paths of that unit and the units under it
    that can take members; `dissolved_paths` those under it that are dissolved (for a clearer message). A `unit`
    cell is a path relative to `base_path` ("leeds") or a full path inside it ("national/north/leeds"); empty means
    `base_path` itself. With `today`, a `joined_on` after it is refused.
    """
    text, problem = decode(data)
    if text is None:
        return ParsedFile((), (problem,) if problem else (), 0)
    reader = csv.reader(io.StringIO(text, newline=""))
    records = _numbered_records(reader)
    try:
        header_line, header = next(records, (0, []))
        if not header:
            return ParsedFile((), (Problem(1, "", Reason.EMPTY_FILE),), 0)
        columns, header_problems = _read_header(header_line, header)
        if header_problems:
            return ParsedFile((), tuple(header_problems), 0)
        checker = _RowChecker(
            columns=columns,
            base_path=normalize_unit(base_path),
            unit_paths=frozenset(unit_paths),
            dissolved_paths=frozenset(dissolved_paths),
            today=today,
        )
        for line, cells in records:
            checker.check(line, cells)
    except csv.Error as error:
        # Only malformed input the csv module refuses outright (a NUL byte, a huge cell) ends here.
        bad_line = max(reader.line_num, 1)
        return ParsedFile((), (Problem(bad_line, "", Reason.UNREADABLE, {"error": str(error)}),), 0)
    return ParsedFile(tuple(checker.rows), tuple(checker.problems), checker.data_lines)


class _Reader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


def _numbered_records(reader: _Reader) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with the line it starts on (a quoted cell may span several lines)."""
    previous_end = 0
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if any(cell.strip() for cell in record):
            yield start, record


def _read_header(line: int, header: list[str]) -> tuple[list[str], list[Problem]]:
    problems: list[Problem] = []
    if len(header) == 1 and ";" in header[0]:
        return [], [Problem(line, "", Reason.NOT_COMMA_SEPARATED)]
    columns = [normalize_column(name) for name in header]
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if not name:
            problems.append(Problem(line, "", Reason.UNNAMED_COLUMN, {"position": position}))
        elif name not in COLUMNS:
            problems.append(Problem(line, name, Reason.UNKNOWN_COLUMN, {"columns": ", ".join(COLUMNS)}))
        elif name in seen:
            problems.append(Problem(line, name, Reason.REPEATED_COLUMN))
        seen.add(name)
    problems.extend(Problem(line, name, Reason.MISSING_COLUMN) for name in REQUIRED_COLUMNS if name not in seen)
    return columns, problems


class _RowChecker:
    def __init__(
        self,
        *,
        columns: list[str],
        base_path: str,
        unit_paths: frozenset[str],
        dissolved_paths: frozenset[str],
        today: dt.date | None,
    ) -> None:
        self.columns = columns
        self.base_path = base_path
        self.unit_paths = unit_paths
        self.dissolved_paths = dissolved_paths
        self.today = today
        self.rows: list[MemberRow] = []
        self.problems: list[Problem] = []
        self.data_lines = 0
        self.first_line_of_email: dict[str, int] = {}
        self.unit_cache: dict[str, tuple[str | None, Problem | None]] = {}

    def check(self, line: int, cells: list[str]) -> None:
        self.data_lines += 1
        if len(cells) != len(self.columns):
            found = {"found": len(cells), "expected": len(self.columns)}
            self.problems.append(Problem(line, "", Reason.CELL_COUNT, found))
            return
        values = {name: cell.strip() for name, cell in zip(self.columns, cells, strict=True)}
        problems: list[Problem] = []

        email = values["email"].lower()
        if not email:
            problems.append(Problem(line, "email", Reason.REQUIRED))
        elif not is_email(email):
            problems.append(Problem(line, "email", Reason.BAD_EMAIL, {"value": values["email"][:100]}))
        elif email in self.first_line_of_email:
            first_line = self.first_line_of_email[email]
            problems.append(Problem(line, "email", Reason.DUPLICATE_EMAIL, {"first_line": first_line}))
        else:
            self.first_line_of_email[email] = line

        for name in ("full_name", "phone", "pronouns"):
            if name in values:
                values[name] = " ".join(values[name].split())  # no line breaks or runs of spaces in a name
        full_name = values["full_name"]
        if not full_name:
            problems.append(Problem(line, "full_name", Reason.REQUIRED))
        for name, limit in (("full_name", FULL_NAME_MAX), ("phone", PHONE_MAX), ("pronouns", PRONOUNS_MAX)):
            if len(values.get(name, "")) > limit:
                problems.append(Problem(line, name, Reason.TOO_LONG, {"limit": limit}))

        status = values.get("status", "").lower() or None
        if status is not None and status not in STATUSES:
            problems.append(Problem(line, "status", Reason.UNKNOWN_STATUS, {"value": values["status"][:40]}))

        joined_on, date_problem = self._date(line, values.get("joined_on", ""))
        if date_problem:
            problems.append(date_problem)

        unit_path, unit_problem = self._unit(line, values.get("unit", ""))
        if unit_problem:
            problems.append(unit_problem)

        if problems:
            self.problems.extend(problems)
            return
        self.rows.append(
            MemberRow(
                line=line,
                email=email,
                full_name=full_name,
                phone=values.get("phone", ""),
                pronouns=values.get("pronouns", ""),
                status=status,
                joined_on=joined_on,
                unit_path=unit_path or self.base_path,
            )
        )

    def _date(self, line: int, value: str) -> tuple[dt.date | None, Problem | None]:
        if not value:
            return None, None
        try:
            if not _ISO_DATE.match(value):
                raise ValueError(value)
            day = dt.date.fromisoformat(value)
        except ValueError:
            return None, Problem(line, "joined_on", Reason.BAD_DATE, {"value": value[:40]})
        if self.today is not None and day > self.today:
            return None, Problem(line, "joined_on", Reason.FUTURE_DATE, {"value": value})
        return day, None

    def _unit(self, line: int, value: str) -> tuple[str | None, Problem | None]:
        if not value:
            return self.base_path, None
        if value not in self.unit_cache:
            self.unit_cache[value] = self._resolve_unit(value)
        path, problem = self.unit_cache[value]
        if problem is not None:
            problem = Problem(line, problem.column, problem.code, problem.params)
        return path, problem

    def _resolve_unit(self, value: str) -> tuple[str | None, Problem | None]:
        cell = normalize_unit(value)
        candidates = [f"{self.base_path}/{cell}"]
        if cell == self.base_path or cell.startswith(self.base_path + "/"):
            candidates.append(cell)
        for candidate in candidates:
            if candidate in self.unit_paths:
                return candidate, None
        for candidate in candidates:
            if candidate in self.dissolved_paths:
                return None, Problem(0, "unit", Reason.DISSOLVED_UNIT, {"value": candidate})
        return None, Problem(0, "unit", Reason.UNKNOWN_UNIT, {"value": value[:200], "base": self.base_path})


__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "STATUSES",
    "MemberRow",
    "ParsedFile",
    "Problem",
    "Reason",
    "is_email",
    "parse_members",
]
