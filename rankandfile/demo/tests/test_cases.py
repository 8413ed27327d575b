"""The demo cases (rankandfile/demo/cases.py): the committee login unlocks with the printed passphrase and finds
cases in different states; the printed receipt opens the first; loading again changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from rankandfile.audit.selectors import verify_chain
from rankandfile.cases import services
from rankandfile.cases.models import Case
from rankandfile.demo.activity import load_activity
from rankandfile.demo.cases import CASE_PASSPHRASE, load_cases
from rankandfile.demo.organization import DEMO_DOMAIN, load_demo
from rankandfile.org.models import Member

FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "CASE_PASSPHRASE_OPSLIMIT": 1,
    "CASE_PASSPHRASE_MEMLIMIT": 8192,
    "CASE_RECEIPT_OPSLIMIT": 1,
    "CASE_RECEIPT_MEMLIMIT": 8192,
}


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, **FAST), transaction.atomic():
        load_demo()
        load_activity()
        yield load_cases()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: Any, db: Any) -> Any:
    return loaded


def test_the_committee_login_unlocks_with_the_printed_passphrase_and_reads_every_case(demo: Any) -> None:
    assert demo.created and demo.passphrase == CASE_PASSPHRASE
    committee = Member.objects.get(email=f"committee@{DEMO_DOMAIN}")
    with override_settings(**FAST):
        private = services.committee_key_unlock(member=committee, passphrase=CASE_PASSPHRASE)
    states = sorted(Case.objects.values_list("state", flat=True))
    assert states == ["acknowledged", "closed", "investigating", "received"]
    for case in Case.objects.all():
        assert services.case_key_of(member=committee, case=case, private_key=private) is not None


def test_the_printed_receipt_opens_the_first_case(demo: Any) -> None:
    with override_settings(**FAST):
        found = services.complainant_enter(receipt=demo.receipt)
    assert found is not None and found[0].state == "received"


def test_loading_again_changes_nothing(demo: Any) -> None:
    again = load_cases()
    assert (again.created, again.receipt, Case.objects.count()) == (False, "", 4)
    assert verify_chain() is None
