"""The committee's keys: recusal, re-sealing for a new member, a departed member, a wrong passphrase, an expired
unlock, a lost passphrase."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.cases import services
from rankandfile.cases.models import Recusal, SealedKey
from rankandfile.cases.tests.helpers import (
    file_case,
    passphrase_of,
    second_committee_member,
    set_passphrase,
    unlocked_client,
)
from rankandfile.org import services as org_services
from rankandfile.testing import SmallOrg, log_in


def test_it_seals_the_case_key_to_each_committee_member_with_a_key(org: SmallOrg) -> None:
    cora = second_committee_member(org)
    set_passphrase(org.erin)
    set_passphrase(cora)
    case = file_case(org).case
    assert set(case.sealed_keys.values_list("member_id", flat=True)) == {org.erin.pk, cora.pk}


def test_a_committee_member_named_in_the_complaint_never_gets_the_key(org: SmallOrg) -> None:
    cora = second_committee_member(org)
    set_passphrase(org.erin)
    set_passphrase(cora)
    case = file_case(org, named=[cora]).case
    assert list(case.sealed_keys.values_list("member_id", flat=True)) == [org.erin.pk]
    assert Recusal.objects.get(case=case).member == cora
    client = Client()
    log_in(client, cora)
    assert client.get(reverse("cases:case", args=[case.reference])).status_code == 404
    # Even an unlocked colleague's re-seal leaves her out.
    private = services.committee_key_unlock(member=org.erin, passphrase=passphrase_of(org.erin))
    assert services.case_keys_reseal(actor=org.erin, private_key=private) == 0
    assert not case.sealed_keys.filter(member=cora).exists()


def test_a_declared_conflict_drops_the_members_key_and_the_committee_sees_the_reason(org: SmallOrg) -> None:
    cora = second_committee_member(org)
    set_passphrase(org.erin)
    set_passphrase(cora)
    case = file_case(org).case
    cora_browser = unlocked_client(cora)
    cora_browser.post(reverse("cases:recuse", args=[case.reference]), {"reason": "The respondent is my partner."})
    assert not case.sealed_keys.filter(member=cora).exists()
    assert cora_browser.get(reverse("cases:case", args=[case.reference])).status_code == 404
    page = unlocked_client(org.erin).get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "The respondent is my partner." in page


def test_a_new_committee_member_waits_until_an_unlocked_colleague_reseals(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    case = file_case(org).case
    cora = second_committee_member(org)
    cora_browser = unlocked_client(cora)  # sets her passphrase now
    page = cora_browser.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "Waiting for a colleague" in page
    assert "It happened at the branch social." not in page
    unlocked_client(org.erin).get(reverse("cases:list"))  # erin, unlocked, opens the list: re-seal
    assert case.sealed_keys.filter(member=cora).exists()
    page = cora_browser.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "It happened at the branch social." in page
    assert AuditEntry.objects.filter(object_id=case.reference, action="case.key_reseal", actor_id=org.erin.pk).exists()


def test_a_case_filed_before_anyone_had_a_key_is_sealed_when_the_complainant_returns(org: SmallOrg) -> None:
    filed = file_case(org)
    set_passphrase(org.erin)
    assert not filed.case.sealed_keys.exists()
    client = Client()
    client.post(reverse("cases:receipt"), {"receipt": filed.receipt})
    client.get(reverse("cases:mine"))
    assert filed.case.sealed_keys.filter(member=org.erin).exists()


def test_a_member_who_leaves_the_committee_loses_every_key_at_once(org: SmallOrg) -> None:
    cora = second_committee_member(org)
    set_passphrase(org.erin)
    set_passphrase(cora)
    first, second = file_case(org).case, file_case(org, text="Second complaint.").case
    cora_browser = unlocked_client(cora)
    term = cora.role_terms.get()
    org_services.term_end(actor=org.dave, term=term, reason="Resigned from the committee.")
    assert not SealedKey.objects.filter(member=cora).exists()
    assert services.case_keys_rotate_departed() == 0  # the ending itself did it (test_key_rotation.py)
    assert SealedKey.objects.filter(member=org.erin).count() == 4  # two generations of each case
    # She cannot open new material either: nothing new is sealed to her, and the pages answer 404.
    third = file_case(org, text="Third complaint.").case
    assert not third.sealed_keys.filter(member=cora).exists()
    for case in (first, second, third):
        assert cora_browser.get(reverse("cases:case", args=[case.reference])).status_code == 404
    assert AuditEntry.objects.filter(object_id=third.reference, action="case.refused", actor_id=cora.pk).exists()


def test_a_wrong_passphrase_is_refused_and_recorded(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    with pytest.raises(ValidationError):
        services.committee_key_unlock(member=org.erin, passphrase="not the passphrase at all")
    client = Client()
    log_in(client, org.erin)
    response = client.post(reverse("cases:key"), {"passphrase": "still not the passphrase"})
    assert response.status_code == 422
    assert "rf_case_unlock" not in response.cookies
    assert AuditEntry.objects.filter(action="case_key.unlock_refused", actor_id=org.erin.pk).count() == 2


def test_the_passphrase_must_be_long_and_not_the_login_password(org: SmallOrg) -> None:
    from rankandfile.testing import PASSWORD

    with pytest.raises(ValidationError):
        services.committee_key_create(member=org.erin, passphrase="short")
    with pytest.raises(ValidationError):
        services.committee_key_create(member=org.erin, passphrase=PASSWORD)
    with pytest.raises(PermissionDenied):
        services.committee_key_create(member=org.dave, passphrase="dave is not on the committee")


def test_an_unlock_expires_after_30_minutes_idle_and_each_use_moves_it_on(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    case = file_case(org).case
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = unlocked_client(org.erin)
        clock.shift(dt.timedelta(minutes=25))
        assert (
            "It happened at the branch social."
            in browser.get(reverse("cases:case", args=[case.reference])).content.decode()
        )
        clock.shift(dt.timedelta(minutes=25))  # 50 minutes since unlocking, 25 since the last use
        assert (
            "It happened at the branch social."
            in browser.get(reverse("cases:case", args=[case.reference])).content.decode()
        )
        clock.shift(dt.timedelta(minutes=31))
        page = browser.get(reverse("cases:case", args=[case.reference])).content.decode()
        assert "It happened at the branch social." not in page
        assert "Unlock your case key" in page


def test_logging_out_voids_the_unlock_cookie(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    case = file_case(org).case
    browser = unlocked_client(org.erin)
    cookie = browser.cookies["rf_case_unlock"].value
    browser.post(reverse("logout"))
    again = Client()
    log_in(again, org.erin)
    again.cookies["rf_case_unlock"] = cookie  # the old cookie in a new login session
    again.cookies["rf_case_unlock"]["path"] = "/cases/"
    page = again.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "It happened at the branch social." not in page


def test_a_lost_passphrase_is_recovered_only_through_a_colleague(org: SmallOrg) -> None:
    cora = second_committee_member(org)
    set_passphrase(org.erin)
    set_passphrase(cora)
    case = file_case(org).case
    services.committee_key_reset(member=cora, passphrase="cora's brand new passphrase")
    assert not case.sealed_keys.filter(member=cora).exists()
    private = services.committee_key_unlock(member=org.erin, passphrase=passphrase_of(org.erin))
    assert services.case_keys_reseal(actor=org.erin, private_key=private) == 1
    cora_private = services.committee_key_unlock(member=cora, passphrase="cora's brand new passphrase")
    assert services.case_key_of(member=cora, case=case, private_key=cora_private) is not None
