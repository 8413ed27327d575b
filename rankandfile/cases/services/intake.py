"""Filing a complaint: by a member (named or anonymous), by anyone on a unit's public page, or recorded by the
committee from paper or a phone call. Each ends with a 16-digit receipt, shown once and stored only as a hash.

Anonymous means no link anywhere: the case has no member field; the audit entry's actor is "intake"; a named
complainant's id is inside the sealed complaint, for the committee only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.cases import selectors
from rankandfile.cases.domain import crypto, workflow
from rankandfile.cases.models import Attachment, Case, Category, Entry, Recusal
from rankandfile.cases.services.keys import policy_get, receipt_cost, seal_case_key
from rankandfile.cases.uploads import SealedUpload
from rankandfile.org.models import Member, Unit

MAX_TEXT = 50_000


@dataclass(frozen=True)
class Filed:
    case: Case
    receipt: str  # the 16 digits, grouped by four: shown once, never stored, never emailed

    @property
    def receipt_line(self) -> str:
        return f"receipt: {self.receipt}"


DEFAULT_CATEGORIES = [
    ("harassment", "Harassment"),
    ("sexual-misconduct", "Sexual misconduct"),
    ("discrimination", "Discrimination"),
    ("financial", "Financial"),
    ("other", "Other"),
]


def categories_ensure() -> None:
    """The default categories, if missing (migration 0001 adds them; a flushed test database has none)."""
    for position, (slug, name) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def audit(action: str, case: Case, actor: object = None, **payload: object) -> None:
    """An audit entry about a case: its opaque reference and the actor, nothing of its content or parties."""
    record(action, actor=actor, object_type=selectors.CASE_OBJECT, object_id=case.reference, payload=payload)


def attach(
    *, case: Case, keys: crypto.CaseKeys, uploads: Sequence[SealedUpload], entry: Entry | None, from_complainant: bool
) -> None:
    """Inside the writing transaction, after `sealing_key` checked the generation."""
    for upload in uploads:
        meta = {"name": upload.name or "", "content_type": upload.content_type or "", "file_key": upload.file_key.hex()}
        Attachment.objects.create(
            case=case,
            entry=entry,
            storage_name=upload.storage_name,
            sealed_meta=crypto.seal_json(keys.key, meta),
            key_generation=keys.current,
            size=upload.size or 0,
            from_complainant=from_complainant,
        )


def case_file(
    *,
    unit: Unit,
    category: Category,
    text: str,
    channel: str,
    filed_by: Member | None = None,
    named: Sequence[Member] = (),
    others: str = "",
    attachments: Sequence[SealedUpload] = (),
    recorded_by: Member | None = None,
) -> Filed:
    """File a complaint and seal its key to every committee member over the unit who is not named in it."""
    if not text.strip():
        raise ValidationError({"text": _("Say what happened.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("Keep the complaint under %(n)d characters; attach the rest.") % {"n": MAX_TEXT}}
        )
    if unit.is_dissolved:
        raise ValidationError({"unit": _("This unit is dissolved.")})
    if not category.is_active:
        raise ValidationError({"category": _("Choose one of the categories offered.")})
    if channel not in Case.Channel.values:
        raise ValidationError({"channel": _("Unknown intake channel.")})
    policy = policy_get()
    case_key = crypto.new_key()
    digits = crypto.receipt_new()
    lookup, receipt_key = crypto.receipt_secrets(digits, bytes(policy.receipt_salt), receipt_cost(policy))
    today = timezone.localdate()
    due = workflow.deadlines(
        today, workflow.Policy(policy.acknowledge_days, policy.decide_days, policy.retention_years)
    )
    complaint: dict[str, Any] = {
        "text": text.strip(),
        "named": sorted({m.pk for m in named}),
        "others": others.strip(),
        "filed_by": filed_by.pk if filed_by is not None else None,
    }
    with transaction.atomic():
        case = Case(
            reference=_unused_reference(),
            unit=unit,
            category=category,
            channel=channel,
            received_on=today,
            acknowledge_by=due.acknowledge_by,
            decide_by=due.decide_by,
            receipt_hash=lookup,
            complainant_key=crypto.seal(receipt_key, case_key),
            complainant_public_key=crypto.complainant_keypair(receipt_key)[1],
            sealed_complaint=crypto.seal_json(case_key, complaint),
        )
        case.full_clean()
        case.save()
        committee = selectors.committee_for(unit)
        named_ids = set(complaint["named"])
        for member in committee:
            if member.pk in named_ids:
                Recusal.objects.create(case=case, member=member, kind=Recusal.Kind.NAMED)
        keys = crypto.CaseKeys({1: case_key}, 1)
        seal_case_key(case=case, keys=keys, members=committee, purpose="committee")
        attach(case=case, keys=keys, uploads=attachments, entry=None, from_complainant=True)
        audit("case.file", case, actor=recorded_by or "intake")
        _notify_committee(case, "received")
    return Filed(case, crypto.receipt_format(digits))


def _unused_reference() -> str:
    while True:
        reference = workflow.reference_new()
        if not Case.objects.filter(reference=reference).exists():
            return reference


def _notify_committee(case: Case, event: str) -> None:
    from rankandfile.notifications.services import notify_on_commit

    notify_on_commit(kind="case.committee", object_id=case.pk, event=event)


def complainant_enter(*, receipt: str) -> tuple[Case, bytes] | None:
    """The case and the receipt's key (which opens the complainant's copies of the case key:
    `access.access_complainant_case`)
    for a receipt, or None. The read is recorded with the actor "complainant". A case filed before key generations
    gets the complainant's public key now, so that later generations are sealed to them too."""
    digits = crypto.receipt_normalize(receipt)
    if digits is None:
        return None
    policy = policy_get()
    lookup, receipt_key = crypto.receipt_secrets(digits, bytes(policy.receipt_salt), receipt_cost(policy))
    case = selectors.case_by_receipt_hash(lookup)
    if case is None:
        return None
    crypto.unseal(receipt_key, bytes(case.complainant_key))  # the receipt's key opens the first generation
    if case.complainant_public_key is None:
        case.complainant_public_key = crypto.complainant_keypair(receipt_key)[1]
        case.save(update_fields=["complainant_public_key"])
    audit("case.complainant_enter", case, actor="complainant")
    return case, receipt_key
