"""The committee's keys: setting a case passphrase, unlocking, sealing case keys, re-sealing, losing them.

A lost passphrase is recovered only by a colleague re-sealing: `committee_key_reset` makes a new key pair for the
member, which has no case key until an unlocked colleague re-seals (`case_keys_reseal`). If every committee member
loses their passphrase, the cases are unreadable: nothing else holds their keys (docs/cases.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.cases import selectors
from rankandfile.cases.access import may_hold_case_keys
from rankandfile.cases.domain import crypto
from rankandfile.cases.domain.workflow import State
from rankandfile.cases.models import Case, CommitteeKey, ComplainantKey, Policy, Recusal, SealedKey
from rankandfile.org.models import Member

PASSPHRASE_MIN_LENGTH = 12


def audit_case(action: str, case: Case, *, actor: object = None, payload: dict[str, object]) -> None:
    record(action, actor=actor, object_type=selectors.CASE_OBJECT, object_id=case.reference, payload=payload)


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


def case_key_of(*, member: Member, case: Case, private_key: bytes) -> crypto.CaseKeys | None:
    """Every generation of the case key sealed to the member, opened with their unlocked private key; None unless
    they hold the newest (a member waiting for a colleague's re-seal, or dropped)."""
    generations: dict[int, bytes] = {}
    for sealed in selectors.sealed_keys_for(case, member):
        try:
            generations[sealed.generation] = crypto.unseal_with(private_key, bytes(sealed.sealed))
        except crypto.DecryptionFailed:
            continue
    keys = crypto.CaseKeys(generations, case.key_generation)
    return keys if keys.has_current else None


def seal_case_key(*, case: Case, keys: crypto.CaseKeys, members: list[Member], purpose: str) -> int:
    """Seal every generation in `keys` to each member with a key pair, not recused, who lacks it. Returns how many
    members got a key."""
    recused = set(Recusal.objects.filter(case=case).values_list("member_id", flat=True))
    holding = set(SealedKey.objects.filter(case=case).values_list("member_id", "generation"))
    public = dict(CommitteeKey.objects.filter(member__in=members).values_list("member_id", "public_key"))
    made = 0
    for member in members:
        if member.pk not in public or member.pk in recused:
            continue
        missing = [g for g in sorted(keys.generations) if (member.pk, g) not in holding]
        SealedKey.objects.bulk_create(
            SealedKey(
                case=case,
                member=member,
                purpose=purpose,
                generation=g,
                sealed=crypto.seal_to(bytes(public[member.pk]), keys.generations[g]),
            )
            for g in missing
        )
        made += bool(missing)
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
    held = Case.objects.filter(sealed_keys__member=actor, sealed_keys__generation=F("key_generation"))
    for case in held.select_related("unit"):
        keys = case_key_of(member=actor, case=case, private_key=private_key)
        if keys is not None:
            made += case_key_share(case=case, keys=keys, actor=actor)
    return made


def case_key_share(*, case: Case, keys: crypto.CaseKeys, actor: object) -> int:
    """Seal the case key, every generation, to everyone waiting for it, by whoever holds it (a committee member,
    or the complainant when they come back with the receipt: a case filed before any committee member set a
    passphrase is sealed this way). A waiting member the complaint names is recused instead. The complainant's
    copy of a later generation is made here too when it is missing (a case filed before key generations)."""
    from rankandfile.cases.services.working import complaint_of

    _complainant_copies_fill(case, keys)
    holding = set(
        SealedKey.objects.filter(case=case, generation=case.key_generation).values_list("member_id", flat=True)
    )
    missing = [(m, p) for m, p in recipients(case) if m.pk not in holding]
    if not missing or not keys.has_current:
        return 0
    named = set(complaint_of(case, keys).get("named", []))
    made = 0
    with transaction.atomic():
        for member, purpose in missing:
            if member.pk in named:
                Recusal.objects.get_or_create(case=case, member=member, defaults={"kind": Recusal.Kind.NAMED})
                continue
            count = seal_case_key(case=case, keys=keys, members=[member], purpose=purpose)
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


def _complainant_copies_fill(case: Case, keys: crypto.CaseKeys) -> None:
    if case.complainant_public_key is None or case.key_generation == 1:
        return
    have = set(ComplainantKey.objects.filter(case=case).values_list("generation", flat=True))
    ComplainantKey.objects.bulk_create(
        ComplainantKey(case=case, generation=g, sealed=crypto.seal_to(bytes(case.complainant_public_key), key))
        for g, key in keys.generations.items()
        if g > 1 and g not in have
    )


def case_key_rotate(*, case: Case, departed: set[int], actor: object = None) -> int | None:
    """Drop every key the departed members hold of the case and, if they held any, seal a new generation of the
    case key to everyone who still holds the newest one and to the complainant: what is written from now on is
    sealed under a key the departed never held, while older material stays readable to those who remain (they
    keep the older generations). Needs no private key: sealing takes public keys only. Returns the new
    generation, or None when none of them held a key (nothing to rotate: so a departure rotates exactly once).

    Runs in the caller's transaction, with the case row locked, so that a write in flight either comes first
    (under the old generation) or sees the new one (`sealing_key`)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        dropped = list(
            SealedKey.objects.filter(case=locked, member_id__in=departed).values_list("member_id", flat=True)
        )
        if not dropped:
            return None
        SealedKey.objects.filter(case=locked, member_id__in=departed).delete()
        for member_id in sorted(set(dropped)):
            audit_case("case.key_drop", locked, actor=actor, payload={"from": member_id})
        generation = locked.key_generation + 1
        new_key = crypto.new_key()
        remaining = list(
            SealedKey.objects.filter(case=locked, generation=locked.key_generation)
            .values_list("member_id", "purpose")
            .order_by("member_id")
        )
        public = dict(
            CommitteeKey.objects.filter(member_id__in=[m for m, _p in remaining]).values_list("member_id", "public_key")
        )
        SealedKey.objects.bulk_create(
            SealedKey(
                case=locked,
                member_id=member_id,
                purpose=purpose,
                generation=generation,
                sealed=crypto.seal_to(bytes(public[member_id]), new_key),
            )
            for member_id, purpose in remaining
            if member_id in public
        )
        if locked.complainant_public_key is not None:
            ComplainantKey.objects.create(
                case=locked,
                generation=generation,
                sealed=crypto.seal_to(bytes(locked.complainant_public_key), new_key),
            )
        locked.key_generation = generation
        locked.save(update_fields=["key_generation"])
        case.key_generation = generation
        audit_case(
            "case.key_rotate",
            locked,
            actor=actor,
            payload={"generation": generation, "holders": len(public), "departed": sorted(set(dropped))},
        )
    return generation


def sealing_key(case: Case, keys: crypto.CaseKeys) -> bytes:
    """The key to seal new material with, inside the writing transaction: the newest generation, checked against
    the case row (locked) so that nothing is sealed under a generation rotated away meanwhile."""
    current = Case.objects.select_for_update().filter(pk=case.pk).values_list("key_generation", flat=True).get()
    if current != keys.current or not keys.has_current:
        raise ValidationError(
            {"text": _("This case's key was renewed a moment ago (a committee member left): open the case again.")}
        )
    return keys.key


def case_keys_rotate_departed(member_ids: Iterable[int] | None = None) -> int:
    """Everyone who left the committee (or the appeal body) loses every sealed case key at once, and each case
    they held gets a new key generation; a member who may hold case keys nowhere any more loses their key pair
    too, so their passphrase opens nothing. `member_ids`: only these members (a departure just recorded); None:
    everyone (the task worker's sweep, which also catches terms that simply ran out). Returns the rotations."""
    held = SealedKey.objects.all() if member_ids is None else SealedKey.objects.filter(member_id__in=member_ids)
    rotated = 0
    for case in Case.objects.filter(pk__in=held.values("case_id")).select_related("unit"):
        allowed = {m.pk for m, _purpose in recipients(case)}
        holders = set(SealedKey.objects.filter(case=case).values_list("member_id", flat=True))
        if case_key_rotate(case=case, departed=holders - allowed) is not None:
            rotated += 1
    keys = CommitteeKey.objects.select_related("member")
    for key in keys if member_ids is None else keys.filter(member_id__in=member_ids):
        if not may_hold_case_keys(key.member):
            with transaction.atomic():
                record("case_key.drop", obj=key, payload={"member": key.member_id})
                SealedKey.objects.filter(member=key.member).delete()
                key.delete()
    return rotated


def departures_handle(member_ids: frozenset[int]) -> None:
    """Registered with org (`departure_handler_register`, in the app's ready()): a term, seat or membership just
    ended, in the ending's transaction."""
    case_keys_rotate_departed(member_ids)


def waiting_for_key(case: Case) -> list[Member]:
    """Committee members (with a key pair, not recused) still waiting for a colleague to re-seal this case."""
    recused = set(Recusal.objects.filter(case=case).values_list("member_id", flat=True))
    holding = set(
        SealedKey.objects.filter(case=case, generation=case.key_generation).values_list("member_id", flat=True)
    )
    return [m for m, _p in recipients(case) if m.pk not in recused and m.pk not in holding]
