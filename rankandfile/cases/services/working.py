"""Working a case: reading it, notes and interview records, messages both ways, states and deadlines, the
decision with its sanctions (through the org's services), the appeal, recusal, closing and deletion.

Every read and action is an audit entry carrying only the case's reference and the actor (`intake.audit`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.cases import selectors
from rankandfile.cases.domain import crypto, workflow
from rankandfile.cases.domain.workflow import Sanction as SanctionKind
from rankandfile.cases.domain.workflow import State
from rankandfile.cases.models import Attachment, Case, Entry, Recusal, RetainedFigure, Sanction, SealedKey
from rankandfile.cases.services.intake import MAX_TEXT, attach, audit
from rankandfile.cases.services.keys import case_key_rotate, policy_get, recipients, seal_case_key, sealing_key
from rankandfile.cases.uploads import SealedUpload, storage_path
from rankandfile.org import services as org_services
from rankandfile.org.models import Member, Membership, RoleTerm


# --- reading ---------------------------------------------------------------------------------------------------
def complaint_of(case: Case, keys: crypto.CaseKeys) -> dict[str, Any]:
    value = crypto.unseal_json(keys.of(1), bytes(case.sealed_complaint))  # filed under the first generation
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class OpenEntry:
    entry: Entry
    text: str
    files: list[OpenFile]


@dataclass(frozen=True)
class OpenFile:
    attachment: Attachment
    name: str
    content_type: str


@dataclass(frozen=True)
class OpenCase:
    case: Case
    text: str
    named: list[Member]
    others: str
    filed_by: Member | None
    files: list[OpenFile]  # filed with the complaint
    entries: list[OpenEntry]


def _file(attachment: Attachment, keys: crypto.CaseKeys) -> OpenFile:
    meta = crypto.unseal_json(keys.of(attachment.key_generation), bytes(attachment.sealed_meta))
    return OpenFile(attachment, str(meta.get("name", "")), str(meta.get("content_type", "")))


def _open(case: Case, keys: crypto.CaseKeys, *, complainant_view: bool) -> OpenCase:
    complaint = complaint_of(case, keys)
    entries = list(case.entries.select_related("author").prefetch_related("attachments"))
    if complainant_view:
        entries = [e for e in entries if e.complainant_sees]
    people = {m.pk: m for m in selectors.members_by_ids([*complaint.get("named", []), complaint.get("filed_by") or 0])}
    return OpenCase(
        case=case,
        text=str(complaint.get("text", "")),
        named=[people[pk] for pk in complaint.get("named", []) if pk in people],
        others=str(complaint.get("others", "")),
        filed_by=people.get(complaint.get("filed_by") or 0),
        files=[_file(a, keys) for a in case.attachments.filter(entry__isnull=True)],
        entries=[
            OpenEntry(
                e,
                crypto.unseal(keys.of(e.key_generation), bytes(e.sealed_body)).decode(),
                [_file(a, keys) for a in e.attachments.all()],
            )
            for e in entries
        ],
    )


def case_read(*, actor: Member, case: Case, keys: crypto.CaseKeys) -> OpenCase:
    """A committee member (or the appeal body) reads the case; recorded."""
    opened = _open(case, keys, complainant_view=False)
    audit("case.read", case, actor=actor)
    return opened


def case_read_by_complainant(*, case: Case, keys: crypto.CaseKeys) -> OpenCase:
    opened = _open(case, keys, complainant_view=True)
    audit("case.read", case, actor="complainant")
    return opened


def attachment_open(
    *, actor: Member | str, case: Case, keys: crypto.CaseKeys, attachment: Attachment
) -> tuple[OpenFile, Any]:
    """The file's name and type, and an iterator over its decrypted chunks; the download is recorded."""
    opened = _file(attachment, keys)
    meta = crypto.unseal_json(keys.of(attachment.key_generation), bytes(attachment.sealed_meta))
    file_key = bytes.fromhex(meta["file_key"])
    audit("case.download", case, actor=actor, attachment=attachment.pk)

    def chunks() -> Any:
        with storage_path(attachment.storage_name).open("rb") as source:
            yield from crypto.stream_open(file_key, source)

    return opened, chunks()


# --- writing on a case -------------------------------------------------------------------------------------------
COMMITTEE_KINDS = {Entry.Kind.NOTE, Entry.Kind.INTERVIEW, Entry.Kind.TO_COMPLAINANT}


def _check_text(text: str) -> str:
    if not text.strip():
        raise ValidationError({"text": _("Write something first.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("Keep it under %(n)d characters; attach the rest.") % {"n": MAX_TEXT}})
    return text.strip()


def _bump(case: Case) -> None:
    case.version += 1
    case.save(update_fields=["version"])


def entry_add(
    *, actor: Member, case: Case, keys: crypto.CaseKeys, kind: str, text: str, attachments: Sequence[SealedUpload] = ()
) -> Entry:
    """A note, an interview record, or a message to the complainant."""
    if kind not in COMMITTEE_KINDS:
        raise ValidationError({"kind": _("Choose a note, an interview record or a message.")})
    body = _check_text(text)
    with transaction.atomic():
        key = sealing_key(case, keys)
        entry = Entry.objects.create(
            case=case, kind=kind, author=actor, sealed_body=crypto.seal(key, body.encode()), key_generation=keys.current
        )
        attach(case=case, keys=keys, uploads=attachments, entry=entry, from_complainant=False)
        _bump(case)
        audit(f"case.{kind}", case, actor=actor)
    return entry


def complainant_message(
    *, case: Case, keys: crypto.CaseKeys, text: str, attachments: Sequence[SealedUpload] = ()
) -> Entry:
    """The complainant answers or adds information (and files), with the receipt's key."""
    body = _check_text(text)
    if case.state == State.CLOSED:
        raise ValidationError({"text": _("This case is closed.")})
    with transaction.atomic():
        key = sealing_key(case, keys)
        entry = Entry.objects.create(
            case=case,
            kind=Entry.Kind.FROM_COMPLAINANT,
            sealed_body=crypto.seal(key, body.encode()),
            key_generation=keys.current,
        )
        attach(case=case, keys=keys, uploads=attachments, entry=entry, from_complainant=True)
        _bump(case)
        audit("case.from_complainant", case, actor="complainant")
        from rankandfile.cases.services.intake import _notify_committee

        _notify_committee(case, "message")
    return entry


def case_move(*, actor: Member, case: Case, to: str) -> Case:
    """Acknowledge, start investigating, or close (the decision and the appeal have their own services)."""
    target = State(to)
    if target not in {State.ACKNOWLEDGED, State.INVESTIGATING, State.CLOSED}:
        raise ValidationError({"state": _("Use the decision form to decide.")})
    if not workflow.can_move(State(case.state), target):
        raise ValidationError(
            {"state": _("A case that is %(state)s cannot move to %(to)s.") % {"state": case.state, "to": target}}
        )
    today = timezone.localdate()
    with transaction.atomic():
        case.state = target
        fields = ["state", "version"]
        if target == State.ACKNOWLEDGED:
            case.acknowledged_on = today
            fields.append("acknowledged_on")
        if target == State.CLOSED:
            policy = policy_get()
            case.closed_on = today
            case.delete_after = workflow.delete_after(today, workflow.Policy(retention_years=policy.retention_years))
            fields += ["closed_on", "delete_after"]
        case.version += 1
        case.save(update_fields=fields)
        audit(f"case.{target.value}", case, actor=actor)
    return case


@dataclass(frozen=True)
class SanctionOrder:
    member: Member
    kind: str  # workflow.Sanction


def case_decide(
    *, actor: Member, case: Case, keys: crypto.CaseKeys, text: str, sanctions: Sequence[SanctionOrder] = ()
) -> Case:
    """The committee's decision with its reasons; sanctions are applied through the org's services, each with the
    case's reference as the recorded reason. Open to appeal."""
    if not workflow.can_move(State(case.state), State.DECIDED):
        raise ValidationError({"state": _("Only a case under investigation can be decided.")})
    body = _check_text(text)
    today = timezone.localdate()
    with transaction.atomic():
        Entry.objects.create(
            case=case,
            kind=Entry.Kind.DECISION,
            author=actor,
            sealed_body=crypto.seal(sealing_key(case, keys), body.encode()),
            key_generation=keys.current,
        )
        for order in sanctions:
            _apply(actor=actor, case=case, order=order, on=today)
        case.state, case.decided_on = State.DECIDED, today
        case.version += 1
        case.save(update_fields=["state", "decided_on", "version"])
        audit("case.decided", case, actor=actor)
    return case


def _apply(*, actor: Member, case: Case, order: SanctionOrder, on: dt.date) -> None:
    kind = SanctionKind(order.kind)
    if kind in {SanctionKind.SUSPENSION, SanctionKind.EXPULSION}:
        ending = Membership.EndKind.SUSPENDED if kind == SanctionKind.SUSPENSION else Membership.EndKind.EXPELLED
        memberships = Membership.objects.filter(member=order.member, status=Membership.Status.ACTIVE).select_related(
            "unit"
        )
        for membership in memberships:
            org_services.membership_sanction(
                actor=actor, membership=membership, kind=ending, reference=case.reference, on=on
            )
    elif kind == SanctionKind.ROLE_REMOVAL:
        for term in RoleTerm.objects.current(on).filter(holder=order.member).select_related("role_type__unit"):
            org_services.term_remove(actor=actor, term=term, reference=case.reference, on=on)
    Sanction.objects.create(case=case, member=order.member, kind=kind, applied_on=on)


def appeal_lodge(*, case: Case, keys: crypto.CaseKeys, text: str, actor: Member | str = "complainant") -> Case:
    """An appeal against the decision goes to the appeal body (holders of `hear_appeals` over the unit, not on
    its committee), which receives the case key now and not before."""
    if not workflow.can_move(State(case.state), State.APPEALED):
        raise ValidationError({"state": _("Only a decided case can be appealed.")})
    body = _check_text(text)
    appeal_body = selectors.appeal_body_for(case.unit)
    if not appeal_body:
        raise ValidationError({"text": _("No appeal body is elected over this unit yet: ask the committee.")})
    with transaction.atomic():
        Entry.objects.create(
            case=case,
            kind=Entry.Kind.APPEAL,
            author=actor if isinstance(actor, Member) else None,
            sealed_body=crypto.seal(sealing_key(case, keys), body.encode()),
            key_generation=keys.current,
        )
        case.state, case.appeal_unit = State.APPEALED, case.unit
        case.version += 1
        case.save(update_fields=["state", "appeal_unit", "version"])
        seal_case_key(case=case, keys=keys, members=appeal_body, purpose=SealedKey.Purpose.APPEAL)
        audit("case.appealed", case, actor=actor)
    return case


def appeal_decide(*, actor: Member, case: Case, keys: crypto.CaseKeys, text: str, reinstate: bool) -> Case:
    """The appeal body decides; upholding the member reinstates every membership the decision ended."""
    if not SealedKey.objects.filter(case=case, member=actor, purpose=SealedKey.Purpose.APPEAL).exists():
        raise PermissionDenied(_("Only the appeal body decides an appeal."))
    if not workflow.can_move(State(case.state), State.APPEAL_DECIDED):
        raise ValidationError({"state": _("There is no appeal to decide.")})
    body = _check_text(text)
    with transaction.atomic():
        Entry.objects.create(
            case=case,
            kind=Entry.Kind.APPEAL_DECISION,
            author=actor,
            sealed_body=crypto.seal(sealing_key(case, keys), body.encode()),
            key_generation=keys.current,
        )
        if reinstate:
            sanctioned = case.sanctions.filter(kind__in=[SanctionKind.SUSPENSION, SanctionKind.EXPULSION]).values(
                "member"
            )
            for membership in Membership.objects.filter(member__in=sanctioned).select_related("unit"):
                if membership.end_kind in {Membership.EndKind.SUSPENDED, Membership.EndKind.EXPELLED}:
                    org_services.membership_reinstate(actor=actor, membership=membership, reference=case.reference)
        case.state = State.APPEAL_DECIDED
        case.version += 1
        case.save(update_fields=["state", "version"])
        audit("case.appeal_decided", case, actor=actor)
    return case


def recusal_declare(*, actor: Member, case: Case, keys: crypto.CaseKeys, reason: str) -> Recusal:
    """A committee member declares a conflict: the committee sees the reason; their keys are dropped at once and
    the case key gets a new generation, sealed to the others, that the recused member never holds."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the conflict is; the committee sees it.")})
    with transaction.atomic():
        recusal, _created = Recusal.objects.update_or_create(
            case=case,
            member=actor,
            defaults={
                "kind": Recusal.Kind.DECLARED,
                "sealed_reason": crypto.seal(sealing_key(case, keys), reason.strip().encode()),
                "key_generation": keys.current,
            },
        )
        audit("case.recused", case, actor=actor)
        case_key_rotate(case=case, departed={actor.pk}, actor=actor)
    return recusal


def recusal_reason(recusal: Recusal, keys: crypto.CaseKeys) -> str:
    if not recusal.sealed_reason:
        return ""
    return crypto.unseal(keys.of(recusal.key_generation), bytes(recusal.sealed_reason)).decode()


# --- scheduled work ------------------------------------------------------------------------------------------------
def cases_delete_due(*, today: dt.date | None = None) -> int:
    """Delete closed cases past their retention, files included; only the aggregate figures remain."""
    day = today or timezone.localdate()
    deleted = 0
    for case in selectors.cases_due_for_deletion(day):
        names = list(case.attachments.values_list("storage_name", flat=True))
        with transaction.atomic():
            RetainedFigure.objects.create(
                unit_id=case.unit_id,
                category_id=case.category_id,
                received_on=case.received_on,
                days_to_acknowledge=(case.acknowledged_on - case.received_on).days if case.acknowledged_on else None,
                days_to_decide=(case.decided_on - case.received_on).days if case.decided_on else None,
            )
            audit("case.delete", case)
            case.delete()
            transaction.on_commit(partial(_unlink_all, names))
        deleted += 1
    return deleted


def _unlink_all(names: list[str]) -> None:
    for name in names:
        storage_path(name).unlink(missing_ok=True)


def cases_remind_due(*, today: dt.date | None = None) -> int:
    """Remind the committee, once a day, of each case past a deadline (the notice names only the reference)."""
    from rankandfile.notifications.services import notify_on_commit

    day = today or timezone.localdate()
    reminded = 0
    for case in selectors.overdue_cases_to_remind(day):
        with transaction.atomic():
            claimed = Case.objects.filter(pk=case.pk).exclude(reminded_on=day).update(reminded_on=day)
            if claimed:
                notify_on_commit(kind="case.committee", object_id=case.pk, event="overdue")
                reminded += 1
    return reminded


def attachments_sweep(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Remove ciphertext files no attachment row names (uploads of a refused form): their keys were never kept."""
    from rankandfile.cases.uploads import storage_dir

    known = set(Attachment.objects.values_list("storage_name", flat=True))
    cutoff = timezone.now().timestamp() - older_than.total_seconds()
    removed = 0
    for path in storage_dir().iterdir():
        if path.name not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def uploads_discard_unused(uploads: Sequence[SealedUpload]) -> None:
    """Remove the ciphertext of uploads no attachment row took (the form was refused)."""
    taken = set(
        Attachment.objects.filter(storage_name__in=[u.storage_name for u in uploads]).values_list(
            "storage_name", flat=True
        )
    )
    for upload in uploads:
        if upload.storage_name not in taken:
            upload.discard()


def keys_for_appeal(case: Case) -> list[Member]:
    return [m for m, purpose in recipients(case) if purpose == SealedKey.Purpose.APPEAL]
