"""A member who leaves the committee (term ended or recalled, membership ended, recusal) keeps nothing that opens
what comes after: their sealed keys go and the case key gets a new generation sealed to those who remain
(services/keys.py `case_key_rotate`), once per departure, through org's departure registry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.cases import services
from rankandfile.cases.domain import crypto
from rankandfile.cases.models import Case, CommitteeKey, Entry, SealedKey
from rankandfile.cases.tests.helpers import (
    complainant_client,
    file_case,
    passphrase_of,
    second_committee_member,
    set_passphrase,
)
from rankandfile.org import services as org_services
from rankandfile.org.models import Member, Membership
from rankandfile.org.services.departures import DEPARTURE_HANDLERS
from rankandfile.testing import SmallOrg

pytestmark = pytest.mark.django_db


def keys_of(member: Member, case: Case) -> crypto.CaseKeys:
    private = services.committee_key_unlock(member=member, passphrase=passphrase_of(member))
    case.refresh_from_db()
    keys = services.case_key_of(member=member, case=case, private_key=private)
    assert keys is not None
    return keys


def note(member: Member, case: Case, text: str) -> Entry:
    return services.entry_add(actor=member, case=case, keys=keys_of(member, case), kind="note", text=text)


def rotations(case: Case) -> int:
    return AuditEntry.objects.filter(object_id=case.reference, action="case.key_rotate").count()


@pytest.fixture
def committee(org: SmallOrg) -> tuple[Member, Member]:
    """Erin and Cora on the national committee, each with a passphrase."""
    cora = second_committee_member(org)
    set_passphrase(org.erin)
    set_passphrase(cora)
    return org.erin, cora


def test_the_case_handler_is_registered_with_org() -> None:
    assert services.departures_handle in DEPARTURE_HANDLERS


def test_a_departed_members_passphrase_opens_neither_new_material_nor_their_key(
    org: SmallOrg, committee: tuple[Member, Member]
) -> None:
    erin, cora = committee
    case = file_case(org).case
    before = note(cora, case, "Before Cora left.")
    cora_private = services.committee_key_unlock(member=cora, passphrase=passphrase_of(cora))
    what_cora_had = keys_of(cora, case)  # all she could ever have copied: her private key and generation 1

    org_services.term_end(actor=org.dave, term=cora.role_terms.get(), reason="Resigned from the committee.")
    case.refresh_from_db()
    assert case.key_generation == 2
    after = note(erin, case, "After Cora left.")

    # Her passphrase unlocks nothing any more: her key pair is gone, and with it every sealed copy.
    with pytest.raises(ValidationError):
        services.committee_key_unlock(member=cora, passphrase=passphrase_of(cora))
    assert not CommitteeKey.objects.filter(member=cora).exists()
    assert not SealedKey.objects.filter(member=cora).exists()
    # What she kept from before opens the old note, not the new one, nor any copy of the new generation.
    assert crypto.unseal(what_cora_had.of(1), bytes(before.sealed_body)) == b"Before Cora left."
    assert after.key_generation == 2
    with pytest.raises(crypto.DecryptionFailed):
        crypto.unseal(what_cora_had.of(1), bytes(after.sealed_body))
    for sealed in SealedKey.objects.filter(case=case, generation=2):
        with pytest.raises(crypto.DecryptionFailed):
            crypto.unseal_with(cora_private, bytes(sealed.sealed))
    assert verify_chain() is None


def test_the_remaining_members_and_the_complainant_read_old_and_new_material(
    org: SmallOrg, committee: tuple[Member, Member]
) -> None:
    erin, cora = committee
    filed = file_case(org, text="The complaint itself.")
    case = filed.case
    note(cora, case, "Old note.")
    org_services.term_end(actor=org.dave, term=cora.role_terms.get(), reason="Stood down.")
    case.refresh_from_db()
    services.entry_add(
        actor=erin, case=case, keys=keys_of(erin, case), kind="to_complainant", text="New message to you."
    )
    opened = services.case_read(actor=erin, case=case, keys=keys_of(erin, case))
    assert opened.text == "The complaint itself."
    assert [e.text for e in opened.entries] == ["Old note.", "New message to you."]

    browser = complainant_client(filed.receipt)
    assert "New message to you." in browser.get(reverse("cases:mine")).content.decode()
    browser.post(reverse("cases:mine_message"), {"text": "My answer, after the change."})
    answer = Entry.objects.get(case=case, kind=Entry.Kind.FROM_COMPLAINANT)
    assert answer.key_generation == 2
    assert "My answer, after the change." in [
        e.text for e in services.case_read(actor=erin, case=case, keys=keys_of(erin, case)).entries
    ]


def test_a_departure_rotates_each_case_exactly_once(org: SmallOrg, committee: tuple[Member, Member]) -> None:
    erin, cora = committee
    first, second = file_case(org).case, file_case(org, text="Another.").case
    org_services.term_end(actor=org.dave, term=cora.role_terms.get(), reason="Stood down.")
    assert services.case_keys_rotate_departed() == 0  # the worker's sweep finds nothing left to do
    org_services.departures_record([cora.pk, erin.pk])  # nor does another ending
    for case in (first, second):
        case.refresh_from_db()
        assert (case.key_generation, rotations(case)) == (2, 1)
        drop = AuditEntry.objects.get(object_id=case.reference, action="case.key_drop")
        assert drop.payload == {"from": cora.pk}
        rotate = AuditEntry.objects.get(object_id=case.reference, action="case.key_rotate")
        assert rotate.payload == {"generation": 2, "holders": 1, "departed": [cora.pk]}
        assert set(SealedKey.objects.filter(case=case).values_list("member_id", "generation")) == {
            (erin.pk, 1),
            (erin.pk, 2),
        }


def test_a_term_that_runs_out_on_its_date_rotates_at_the_next_sweep_once(
    org: SmallOrg, committee: tuple[Member, Member]
) -> None:
    _erin, cora = committee
    term = cora.role_terms.get()
    term.ends_on = timezone.localdate() + dt.timedelta(days=3)
    term.save(update_fields=["ends_on"])
    case = file_case(org).case
    assert services.case_keys_rotate_departed() == 0  # still on the committee
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        assert services.case_keys_rotate_departed() == 1
        assert services.case_keys_rotate_departed() == 0
    case.refresh_from_db()
    assert (case.key_generation, rotations(case)) == (2, 1)
    assert not SealedKey.objects.filter(member=cora).exists()


def test_a_recall_rotates_at_once(org: SmallOrg, committee: tuple[Member, Member]) -> None:
    _erin, cora = committee
    case = file_case(org).case
    org_services.term_recall(term=cora.role_terms.get(), ballot_ref=1, reason="recalled by ballot 1")
    case.refresh_from_db()
    assert (case.key_generation, rotations(case)) == (2, 1)


def test_a_membership_that_ends_rotates_at_once(org: SmallOrg, committee: tuple[Member, Member]) -> None:
    _erin, cora = committee
    case = file_case(org).case
    membership = Membership.objects.get(member=cora)
    org_services.membership_leave(member=cora, membership=membership, reason="Moving away.")
    case.refresh_from_db()
    assert (case.key_generation, rotations(case)) == (2, 1)
    assert not SealedKey.objects.filter(member=cora).exists()


def test_a_membership_ended_by_a_member_import_rotates_at_once(org: SmallOrg, committee: tuple[Member, Member]) -> None:
    _erin, cora = committee
    case = file_case(org).case
    org_services.members_import(
        actor=org.dave,
        unit=org.national,
        file=f"email,full_name,status,unit\n{cora.email},{cora.full_name},left,{org.york.path}\n",
    )
    case.refresh_from_db()
    assert (case.key_generation, rotations(case)) == (2, 1)
    assert not SealedKey.objects.filter(member=cora).exists()


def test_a_recusal_rotates_the_case_it_concerns_only(org: SmallOrg, committee: tuple[Member, Member]) -> None:
    erin, cora = committee
    case, other = file_case(org).case, file_case(org, text="Another.").case
    services.recusal_declare(actor=cora, case=case, keys=keys_of(cora, case), reason="She is my sister.")
    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.key_generation, rotations(case)) == (2, 1)
    assert (other.key_generation, rotations(other)) == (1, 0)
    assert not SealedKey.objects.filter(case=case, member=cora).exists()
    assert CommitteeKey.objects.filter(member=cora).exists()  # still on the committee, for the other cases
    recusal = case.recusals.get()
    assert services.recusal_reason(recusal, keys_of(erin, case)) == "She is my sister."


def test_nothing_is_sealed_under_a_generation_rotated_away_meanwhile(
    org: SmallOrg, committee: tuple[Member, Member]
) -> None:
    erin, cora = committee
    case = file_case(org).case
    stale = keys_of(erin, case)  # opened just before Cora left
    org_services.term_end(actor=org.dave, term=cora.role_terms.get(), reason="Stood down.")
    with pytest.raises(ValidationError, match="renewed"):
        services.entry_add(actor=erin, case=case, keys=stale, kind="note", text="Written with the old key.")
    assert not Entry.objects.filter(case=case).exists()


def test_a_newcomer_gets_every_generation_from_a_colleague(org: SmallOrg, committee: tuple[Member, Member]) -> None:
    from rankandfile.cases.tests.helpers import unlocked_client
    from rankandfile.testing import give_role, make_member

    erin, cora = committee
    case = file_case(org).case
    note(cora, case, "Old note.")
    org_services.term_end(actor=org.dave, term=cora.role_terms.get(), reason="Stood down.")
    note(erin, case, "New note.")
    nina = make_member("Nina Newcomer", org.york)
    give_role(nina, org.committee_role)
    set_passphrase(nina)
    unlocked_client(erin).get(reverse("cases:list"))  # Erin's browser re-seals
    opened = services.case_read(actor=nina, case=case, keys=keys_of(nina, case))
    assert [e.text for e in opened.entries] == ["Old note.", "New note."]
