"""Importing members from a CSV file (docs/import.md): all or nothing, one transaction, one audit entry.

The file is read and checked by the pure parser (`org.domain.member_csv`); this module adds what needs the
database: which units exist, which members already exist (matched by email), and the writes, in batches.
A 100,000-row file makes a fixed handful of reads and a few hundred batched writes, never one query per row.

A status the file changes is recorded as an officer's change is (`members.membership_ending_apply`): a membership
made `lapsed` or `left` records its kind (`Membership.end_kind`: `lapsed`, `left_recorded`, which the member may
contest) and the reason "recorded by a member import"; `active` ends neither a suspension nor an expulsion (the
row is refused, as `membership_set_status` refuses it).

An importer reaches only members of the units they manage: a row whose email belongs to anyone else (a member of
another unit only, or an account with no membership) is refused as "not in your units", the same words whatever
the reason, and that member is left untouched (issue 9; docs/import.md, "Who may import").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.org.access import require_capability, units_where
from rankandfile.org.domain.capabilities import MANAGE_MEMBERS
from rankandfile.org.domain.member_csv import MemberRow, Problem, parse_members
from rankandfile.org.models import Member, Membership, Unit
from rankandfile.org.services.departures import departures_record
from rankandfile.org.services.members import (
    ENDING_FIELDS,
    OFFICER_END_KINDS,
    membership_ending_apply,
    officer_status_refusal,
)

BATCH_SIZE = 1000


@dataclass(frozen=True)
class ImportProblem:
    """One bad row (or the file itself, when the header or encoding is wrong), with a translated reason."""

    line: int
    column: str
    code: str
    reason: str

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)s, column %(column)s: %(reason)s") % {
                "line": self.line,
                "column": self.column,
                "reason": self.reason,
            }
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class ImportReport:
    unit_path: str
    sha256: str
    rows: int  # data rows read (blank lines not counted)
    created: int = 0  # new members
    updated: int = 0  # existing members whose details or membership changed
    unchanged: int = 0  # existing members already as the file says
    skipped: int = 0  # bad rows left out (only with skip_bad_rows)
    problems: tuple[ImportProblem, ...] = ()
    written: bool = False
    is_fatal: bool = False  # the file as a whole is unusable (encoding, header): nothing can be imported

    @property
    def bad_rows(self) -> int:
        return len({p.line for p in self.problems}) if not self.is_fatal else 0

    @property
    def is_refused(self) -> bool:
        return not self.written


def unit_for_path(path: str) -> Unit | None:
    """The unit with this path ("national/north"), for the command line; None when there is none."""
    return Unit.objects.filter(path=path.strip().strip("/").lower()).first()


def members_import(
    *, actor: Member | None, unit: Unit, file: bytes | str | IO[bytes], skip_bad_rows: bool = False
) -> ImportReport:
    """Import members into `unit` and the units under it from a CSV file.

    Rule: `manage_members` over `unit` when an actor is given (the command line runs as the operator, actor None).
    All or nothing: when any row is bad, nothing is written and the report lists every problem, unless
    `skip_bad_rows`, which writes the good rows and reports the bad ones as skipped. A file whose header or
    encoding is wrong is always refused. Members are matched by email: existing ones are updated, never duplicated.
    """
    if actor is not None:
        require_capability(actor, unit, MANAGE_MEMBERS)
    if unit.is_dissolved:
        raise ValidationError({"file": _("%s is dissolved and cannot take members.") % unit.name})
    data = _read(file)
    digest = hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()
    today = timezone.localdate()

    units = list(Unit.objects.subtree(unit).values_list("pk", "path", "dissolved_on"))
    unit_ids = {path: pk for pk, path, dissolved_on in units if dissolved_on is None}
    dissolved = {path for _pk, path, dissolved_on in units if dissolved_on is not None}
    parsed = parse_members(
        data, base_path=unit.path, unit_paths=unit_ids.keys(), dissolved_paths=dissolved, today=today
    )
    problems = tuple(_translated(p) for p in parsed.problems)
    report = ImportReport(
        unit_path=unit.path, sha256=digest, rows=parsed.data_lines, problems=problems, is_fatal=parsed.is_fatal
    )
    if parsed.is_fatal or (parsed.problems and not skip_bad_rows):
        return report

    # Read and compare outside the transaction, so that the write lock (SQLite takes it at BEGIN) is held only
    # for the writes. A member added meanwhile with one of these emails makes the insert fail: nothing is written.
    reach = None if actor is None else _members_in_reach(actor, [row.email for row in parsed.rows])
    plan = _plan(parsed.rows, unit_ids, today, reach)
    if plan.refused:
        problems = tuple(sorted(problems + plan.refused, key=lambda p: p.line))
        if not skip_bad_rows:
            return ImportReport(unit_path=unit.path, sha256=digest, rows=parsed.data_lines, problems=problems)
    skipped = parsed.bad_lines + len(plan.refused)
    try:
        with transaction.atomic():
            counts = _write(plan, unit_ids, today)
            record(
                "member.import",
                actor=actor,
                obj=unit,
                payload={
                    "unit": unit.path,
                    "file_sha256": digest,
                    "rows": parsed.data_lines,
                    "skip_bad_rows": skip_bad_rows,
                    "skipped": skipped,
                    **counts._asdict(),
                    "ended": plan.ended,
                },
            )
    except IntegrityError as error:
        raise ValidationError(
            {"file": _("The members changed while the file was being imported; nothing was written. Try again.")}
        ) from error
    return ImportReport(
        unit_path=unit.path,
        sha256=digest,
        rows=parsed.data_lines,
        skipped=skipped,
        problems=problems,
        written=True,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )


def _read(file: bytes | str | IO[bytes]) -> bytes | str:
    if isinstance(file, bytes | str):
        return file
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _translated(problem: Problem) -> ImportProblem:
    return ImportProblem(problem.line, problem.column, problem.code.value, problem.text(_))


def _emails_in(emails: list[str]) -> Any:
    """The right-hand side of `email__in` for any number of emails, as ONE query parameter (a JSON array).

    A plain list becomes one SQL parameter per email: SQLite builds may allow only 32,766 of them, so a
    100,000-row file would fail. Both SQLite and PostgreSQL can read a JSON array as a set of rows.
    """
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(emails)])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT jsonb_array_elements_text(%s::jsonb)", [json.dumps(emails)])
    return emails


def _unusable_password() -> str:
    """What `set_unusable_password()` stores, without its 40 `secrets.choice` calls per member (100,000 rows)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


NOT_IN_YOUR_UNITS = "not_in_your_units"
CASE_ENDING = "case_ending"


def _exit_reason() -> str:
    return _("recorded by a member import")


def _members_in_reach(actor: Member, emails: list[str]) -> set[int]:
    """Of the file's existing members, those with a membership (any status) in a unit the actor holds
    `manage_members` over: the members whose contact details the actor may already see. One query."""
    return set(
        Membership.objects.filter(
            member__email__in=_emails_in(emails), unit__in=units_where(actor, MANAGE_MEMBERS)
        ).values_list("member_id", flat=True)
    )


def _refused(row: MemberRow) -> ImportProblem:
    """The same words whether the email is a member elsewhere or an account in no unit: nothing more is told."""
    return ImportProblem(row.line, "email", NOT_IN_YOUR_UNITS, _("not in your units"))


def _case_ending(row: MemberRow, reason: str) -> ImportProblem:
    return ImportProblem(row.line, "status", CASE_ENDING, reason)


class _Counts(NamedTuple):
    created: int
    updated: int
    unchanged: int


@dataclass
class _Plan:
    new_members: list[Member] = field(default_factory=list)
    new_member_rows: list[MemberRow] = field(default_factory=list)
    changed_members: list[Member] = field(default_factory=list)
    new_memberships: list[Membership] = field(default_factory=list)
    changed_memberships: list[Membership] = field(default_factory=list)
    refused: tuple[ImportProblem, ...] = ()  # existing members outside the importer's units, case endings
    ended: dict[str, int] = field(default_factory=dict)  # memberships the import ended, by kind
    updated: int = 0
    unchanged: int = 0

    def count_ending(self, kind: str) -> None:
        if kind:
            self.ended[kind] = self.ended.get(kind, 0) + 1


def _plan(
    rows: tuple[MemberRow, ...], unit_ids: dict[str, int], today: dt.date, reach: set[int] | None = None
) -> _Plan:
    """Compare the rows with what the database holds (two queries) and prepare every object to write.

    `reach`: the existing members the importer may update (None: anyone, for the operator)."""
    emails = [row.email for row in rows]
    existing = {
        member.email.lower(): member
        for member in Member.objects.filter(email__in=_emails_in(emails)).only(
            "pk", "email", "full_name", "phone", "pronouns"
        )
    }
    memberships = {
        (m.member_id, m.unit_id): m
        for m in Membership.objects.filter(
            member__email__in=_emails_in(emails), unit_id__in={unit_ids[row.unit_path] for row in rows}
        ).only("pk", "member_id", "unit_id", "joined_on", *ENDING_FIELDS)
    }
    plan = _Plan()
    refused = []
    now = timezone.now()
    for row in rows:
        member = existing.get(row.email)
        if member is not None and reach is not None and member.pk not in reach:
            refused.append(_refused(row))
            continue
        if member is None:
            plan.new_members.append(
                Member(
                    email=row.email,
                    full_name=row.full_name,
                    phone=row.phone,
                    pronouns=row.pronouns,
                    password=_unusable_password(),
                    date_joined=now,
                )
            )
            plan.new_member_rows.append(row)
            continue
        member_changed = _apply_member(member, row)
        membership = memberships.get((member.pk, unit_ids[row.unit_path]))
        if (
            membership is not None
            and row.status
            and row.status != membership.status
            and (refusal := officer_status_refusal(membership))
        ):
            refused.append(_case_ending(row, refusal))
            continue
        if member_changed:
            plan.changed_members.append(member)
        if membership is None:
            membership = _new_membership(member.pk, unit_ids[row.unit_path], row, today)
            plan.new_memberships.append(membership)
            plan.count_ending(membership.end_kind)
            membership_changed = True
        else:
            status_before = membership.status
            membership_changed = _apply_membership(membership, row, today)
            if membership.status != status_before:
                plan.count_ending(membership.end_kind)
            if membership_changed:
                plan.changed_memberships.append(membership)
        if member_changed or membership_changed:
            plan.updated += 1
        else:
            plan.unchanged += 1
    plan.refused = tuple(refused)
    for row in plan.new_member_rows:
        plan.count_ending(OFFICER_END_KINDS[Membership.Status(row.status or Membership.Status.ACTIVE)])
    return plan


def _write(plan: _Plan, unit_ids: dict[str, int], today: dt.date) -> _Counts:
    """Create and update members and memberships in batches. Runs inside the caller's transaction."""
    Member.objects.bulk_create(plan.new_members, batch_size=BATCH_SIZE)
    _ensure_pks(plan.new_members)
    new_memberships = plan.new_memberships + [
        _new_membership(member.pk, unit_ids[row.unit_path], row, today)
        for member, row in zip(plan.new_members, plan.new_member_rows, strict=True)
    ]
    Membership.objects.bulk_create(new_memberships, batch_size=BATCH_SIZE)
    _bulk_set(Member, ["full_name", "phone", "pronouns"], plan.changed_members)
    _bulk_set(Membership, ["joined_on", *ENDING_FIELDS], plan.changed_memberships)
    # An ending here ends what apps above keep for role holders (case keys), as an officer's change does.
    departures_record(m.member_id for m in plan.changed_memberships if m.status != Membership.Status.ACTIVE)
    return _Counts(created=len(plan.new_members), updated=plan.updated, unchanged=plan.unchanged)


def _bulk_set(model: type[Model], fields: list[str], objects: list[Any]) -> None:
    """Save `fields` of existing rows: one `UPDATE … WHERE id = %s` statement, sent with executemany in batches.

    Instead of `QuerySet.bulk_update`, which builds a CASE/WHEN expression per object and field in Python:
    measured on SQLite, 73 s for 100,000 members and their memberships, against about 2 s this way.
    """
    if not objects:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [field for field in meta.concrete_fields if field.name in fields]
    pk_column = meta.pk.column if meta.pk else "id"
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk_column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH_SIZE):
            cursor.executemany(
                sql,
                [
                    [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns] + [obj.pk]
                    for obj in objects[start : start + BATCH_SIZE]
                ],
            )


def _ensure_pks(members: Iterable[Member]) -> None:
    """Backends that cannot return ids from a bulk insert (SQLite before 3.35): read them back, one query."""
    missing = [m for m in members if m.pk is None]
    if not missing:
        return
    pks = dict(Member.objects.filter(email__in=_emails_in([m.email for m in missing])).values_list("email", "pk"))
    for member in missing:
        member.pk = pks[member.email]


def _apply_member(member: Member, row: MemberRow) -> bool:
    """Name always follows the file; phone and pronouns only when the cell is filled (empty keeps what is there)."""
    changed = False
    for name, value in (("full_name", row.full_name), ("phone", row.phone), ("pronouns", row.pronouns)):
        if value and getattr(member, name) != value:
            setattr(member, name, value)
            changed = True
    return changed


def _new_membership(member_id: int, unit_id: int, row: MemberRow, today: dt.date) -> Membership:
    membership = Membership(member_id=member_id, unit_id=unit_id, joined_on=row.joined_on or today)
    status = row.status or Membership.Status.ACTIVE
    if status != Membership.Status.ACTIVE:  # joining as lapsed or left: an ending, with its kind
        _apply_status(membership, status, today)
    return membership


def _apply_status(membership: Membership, status: str, today: dt.date) -> None:
    kind = OFFICER_END_KINDS[Membership.Status(status)]
    membership_ending_apply(membership, status=status, kind=kind, reason=_exit_reason() if kind else "", day=today)


def _apply_membership(membership: Membership, row: MemberRow, today: dt.date) -> bool:
    """Status and joining date only when the file gives them; a status change is dated the day of the import and
    records its kind, as an officer's change does."""
    changed = False
    if row.status and membership.status != row.status:
        _apply_status(membership, row.status, today)
        changed = True
    if row.joined_on and membership.joined_on != row.joined_on:
        membership.joined_on = row.joined_on
        changed = True
    return changed
