"""The committee's keys: setting a case passphrase, unlocking, sealing case keys, re-sealing, losing them.

A lost passphrase is recovered only by a colleague re-sealing: `committee_key_reset` makes a new key pair for the
member, which has no case key until an unlocked colleague re-seals (`case_keys_reseal`). If every committee member
loses their passphrase, the cases are unreadable: nothing else holds their keys (docs/cases.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.cases import selectors
from rankandfile.cases.domain import crypto
from rankandfile.cases.domain.workflow import State
from rankandfile.cases.models import Case, CommitteeKey, Policy, Recusal, SealedKey
from rankandfile.org.access import units_where
from rankandfile.org.domain.capabilities import ACCOUNTABILITY_COMMITTEE, HEAR_APPEALS
from rankandfile.org.models import Member

PASSPHRASE_MIN_LENGTH = 12


def passphrase_cost() -> crypto.KdfCost:
    return crypto.KdfCost(settings.CASE_PASSPHRASE_OPSLIMIT, settings.CASE_PASSPHRASE_MEMLIMIT)


def policy_get() -> Policy:
    """The one policy row, made on first use with a random receipt salt and the configured receipt cost."""
    existing = selectors.policy()
    if existing is not None:
        return existing
    policy, _created = Policy.objects.get_or_create(
        pk=1,
        defaults={
            "receipt_salt": crypto.new_salt(),
            "receipt_opslimit": settings.CASE_RECEIPT_OPSLIMIT,
            "receipt_memlimit": settings.CASE_RECEIPT_MEMLIMIT,
        },
    )
    return policy


def receipt_cost(policy: Policy) -> crypto.KdfCost:
    return crypto.KdfCost(policy.receipt_opslimit, policy.receipt_memlimit)


def may_hold_case_keys(member: Member) -> bool:
    return units_where(member, ACCOUNTABILITY_COMMITTEE).exists() or units_where(member, HEAR_APPEALS).exists()


def _locked(key: CommitteeKey) -> crypto.LockedKeyPair:
    return crypto.LockedKeyPair(
        public_key=bytes(key.public_key),
        sealed_private_key=bytes(key.sealed_private_key),
        salt=bytes(key.salt),
        cost=crypto.KdfCost(key.opslimit, key.memlimit),
    )


def committee_key_create(*, member: Member, passphrase: str) -> bytes:
    """Set the member's case passphrase (first use): a new key pair. Returns the private key, unlocked."""
    if not may_hold_case_keys(member):
        raise PermissionDenied(_("Only the accountability committee and the appeal body hold case keys."))
    if selectors.committee_key_of(member) is not None:
        raise ValidationError({"passphrase": _("You already have a case passphrase: unlock with it.")})
    _check_passphrase(member, passphrase)
    locked, private = crypto.keypair_create(passphrase, passphrase_cost())
    with transaction.atomic():
        key = CommitteeKey(
            member=member,
            public_key=locked.public_key,
            sealed_private_key=locked.sealed_private_key,
            salt=locked.salt,
            opslimit=locked.cost.opslimit,
            memlimit=locked.cost.memlimit,
        )
        key.full_clean()
        key.save()
        record("case_key.create", actor=member, obj=key)
    return private


def committee_key_reset(*, member: Member, passphrase: str) -> bytes:
    """A lost passphrase: a new key pair, and every sealed case key of the old one dropped. The member reads
    cases again once an unlocked colleague re-seals them."""
    if not may_hold_case_keys(member):
        raise PermissionDenied(_("Only the accountability committee and the appeal body hold case keys."))
    _check_passphrase(member, passphrase)
    locked, private = crypto.keypair_create(passphrase, passphrase_cost())
    with transaction.atomic():
        SealedKey.objects.filter(member=member).delete()
        CommitteeKey.objects.filter(member=member).delete()
        key = CommitteeKey.objects.create(
            member=member,
            public_key=locked.public_key,
            sealed_private_key=locked.sealed_private_key,
            salt=locked.salt,
            opslimit=locked.cost.opslimit,
            memlimit=locked.cost.memlimit,
        )
        record("case_key.reset", actor=member, obj=key)
    return private


def _check_passphrase(member: Member, passphrase: str) -> None:
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise ValidationError({"passphrase": _("Use at least %(n)d characters.") % {"n": PASSPHRASE_MIN_LENGTH}})
    if member.check_password(passphrase):
        raise ValidationError({"passphrase": _("Not your login password: a different passphrase, known only to you.")})


def committee_key_unlock(*, member: Member, passphrase: str) -> bytes:
    """The member's private key for this session, or a ValidationError for a wrong passphrase (recorded)."""
    key = selectors.committee_key_of(member)
    if key is None:
        raise ValidationError({"passphrase": _("Set your case passphrase first.")})
    try:
        private = crypto.keypair_unlock(_locked(key), passphrase)
    except crypto.DecryptionFailed:
        record("case_key.unlock_refused", actor=member, obj=key)
        raise ValidationError({"passphrase": _("That is not your case passphrase.")}) from None
    record("case_key.unlock", actor=member, obj=key)
    return private


def case_key_of(*, member: Member, case: Case, private_key: bytes) -> bytes | None:
    """The case key, opened with the member's unlocked private key; None if no key was sealed to them."""
    sealed = selectors.sealed_key_for(case, member)
    if sealed is None:
        return None
    try:
        return crypto.unseal_with(private_key, bytes(sealed.sealed))
    except crypto.DecryptionFailed:
        return None


def seal_case_key(*, case: Case, case_key: bytes, members: list[Member], purpose: str) -> int:
    """Seal the case key to each member with a key pair, not recused, who lacks it. Returns how many got it."""
    recused = set(Recusal.objects.filter(case=case).values_list("member_id", flat=True))
    holding = set(SealedKey.objects.filter(case=case).values_list("member_id", flat=True))
    keys = {k.member_id: k for k in CommitteeKey.objects.filter(member__in=members)}
    made = 0
    for member in members:
        key = keys.get(member.pk)
        if key is None or member.pk in recused or member.pk in holding:
            continue
        SealedKey.objects.create(
            case=case, member=member, purpose=purpose, sealed=crypto.seal_to(bytes(key.public_key), case_key)
        )
        made += 1
    return made


def recipients(case: Case) -> list[tuple[Member, str]]:
    """Who should hold the case key now: the committee, and the appeal body once an appeal is lodged."""
    wanted = [(m, SealedKey.Purpose.COMMITTEE.value) for m in selectors.committee_for(case.unit)]
    if case.state in {State.APPEALED, State.APPEAL_DECIDED} or (case.state == State.CLOSED and case.appeal_unit):
        wanted += [(m, SealedKey.Purpose.APPEAL.value) for m in selectors.appeal_body_for(case.unit)]
    return wanted


def case_keys_reseal(*, actor: Member, private_key: bytes) -> int:
    """An unlocked member gives the key of each case they hold to colleagues who should and do not: a new
    committee member, a colleague who reset a lost passphrase, the appeal body of an appealed case. A colleague
    the complaint names is recused instead. Returns how many keys were sealed."""
    made = 0
    for sealed in SealedKey.objects.filter(member=actor).select_related("case__unit"):
        case_key = case_key_of(member=actor, case=sealed.case, private_key=private_key)
        if case_key is not None:
            made += case_key_share(case=sealed.case, case_key=case_key, actor=actor)
    return made


def case_key_share(*, case: Case, case_key: bytes, actor: object) -> int:
    """Seal the case key to everyone waiting for it, by whoever holds it (a committee member, or the complainant
    when they come back with the receipt: a case filed before any committee member set a passphrase is sealed
    this way). A waiting member the complaint names is recused instead."""
    from rankandfile.cases.services.working import complaint_of

    holding = set(SealedKey.objects.filter(case=case).values_list("member_id", flat=True))
    missing = [(m, p) for m, p in recipients(case) if m.pk not in holding]
    if not missing:
        return 0
    named = set(complaint_of(case, case_key).get("named", []))
    made = 0
    with transaction.atomic():
        for member, purpose in missing:
            if member.pk in named:
                Recusal.objects.get_or_create(case=case, member=member, defaults={"kind": Recusal.Kind.NAMED})
                continue
            count = seal_case_key(case=case, case_key=case_key, members=[member], purpose=purpose)
            if count:
                record(
                    "case.key_reseal",
                    actor=actor,
                    object_type=selectors.CASE_OBJECT,
                    object_id=case.reference,
                    payload={"to": member.pk},
                )
            made += count
    return made


def sealed_keys_drop_departed() -> int:
    """Everyone who left the committee (or the appeal body) loses every sealed case key at once."""
    dropped = 0
    cases = Case.objects.filter(sealed_keys__isnull=False).distinct().select_related("unit")
    for case in cases:
        allowed = {m.pk for m, _purpose in recipients(case)}
        stale = SealedKey.objects.filter(case=case).exclude(member_id__in=allowed)
        for key in stale:
            record(
                "case.key_drop",
                object_type=selectors.CASE_OBJECT,
                object_id=case.reference,
                payload={"from": key.member_id},
            )
        dropped += stale.delete()[0]
    return dropped


def waiting_for_key(case: Case) -> list[Member]:
    """Committee members (with a key pair, not recused) still waiting for a colleague to re-seal this case."""
    recused = set(Recusal.objects.filter(case=case).values_list("member_id", flat=True))
    holding = set(SealedKey.objects.filter(case=case).values_list("member_id", flat=True))
    return [m for m, _p in recipients(case) if m.pk not in recused and m.pk not in holding]
