"""Demo cases: the committee login finds a few confidential cases in different states, all made through the
cases services, and `make demo` prints its case passphrase (and one complainant's receipt, the first time)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from rankandfile.cases import services
from rankandfile.cases.domain.crypto import CaseKeys
from rankandfile.cases.models import Category, CommitteeKey
from rankandfile.cases.services.intake import categories_ensure
from rankandfile.demo.activity import BRANCH_PATH, _persona, _pool
from rankandfile.org.models import Member, Unit

CASE_PASSPHRASE = "demo-case-passphrase-2026"  # noqa: S105 (printed by `make demo`: it is a demo)


@dataclass(frozen=True)
class DemoCases:
    created: bool
    passphrase: str
    receipt: str  # one complainant's receipt, only on the run that made the cases


def load_cases() -> DemoCases:
    """Set the committee login's case passphrase and file four cases in Millbrook; nothing if already done."""
    committee = _persona("committee")
    with transaction.atomic():
        if CommitteeKey.objects.filter(member=committee).exists():
            return DemoCases(False, CASE_PASSPHRASE, "")
        categories_ensure()
        private = services.committee_key_create(member=committee, passphrase=CASE_PASSPHRASE)
        branch = Unit.objects.get(path=BRANCH_PATH)
        people = list(_pool(branch)[:3])
        receipt = _cases(committee, private, branch, people)
    return DemoCases(True, CASE_PASSPHRASE, receipt)


def _category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def _key(committee: Member, private: bytes, case: object) -> CaseKeys:
    key = services.case_key_of(member=committee, case=case, private_key=private)  # type: ignore[arg-type]
    assert key is not None
    return key


def _cases(committee: Member, private: bytes, branch: Unit, people: list[Member]) -> str:
    first = services.case_file(
        unit=branch,
        category=_category("harassment"),
        text="After the September branch meeting a steward followed me to the car park and kept shouting at me "
        "about my vote. It has happened twice.",
        channel="member",
    )
    second = services.case_file(
        unit=branch,
        category=_category("discrimination"),
        text="I was told I could not stand for the steering committee 'because of my accent'.",
        channel="public",
    )
    case = second.case
    services.case_move(actor=committee, case=case, to="acknowledged")
    services.entry_add(
        actor=committee,
        case=case,
        keys=_key(committee, private, case),
        kind="to_complainant",
        text="Thank you for telling us. Who said it, and was anyone else there?",
    )
    third = services.case_file(
        unit=branch,
        category=_category("financial"),
        text="Receipts for the May social do not add up: about £240 is unaccounted for.",
        channel="recorded",
        named=people[:1],
    )
    case = third.case
    services.case_move(actor=committee, case=case, to="acknowledged")
    services.case_move(actor=committee, case=case, to="investigating")
    services.entry_add(
        actor=committee,
        case=case,
        keys=_key(committee, private, case),
        kind="interview",
        text="Spoke with the treasurer: the receipts are in a box at the depot; she will bring them.",
    )
    fourth = services.case_file(
        unit=branch,
        category=_category("other"),
        text="Members' phone numbers were shared in a public chat group.",
        channel="member",
        named=people[1:2],
    )
    case = fourth.case
    key = _key(committee, private, case)
    services.case_move(actor=committee, case=case, to="acknowledged")
    services.case_move(actor=committee, case=case, to="investigating")
    services.case_decide(
        actor=committee,
        case=case,
        keys=key,
        text="Upheld: the list was shared by mistake. A warning; the branch adopts a data checklist.",
        sanctions=[services.SanctionOrder(people[1], "warning")] if len(people) > 1 else [],
    )
    services.case_move(actor=committee, case=case, to="closed")
    return first.receipt
