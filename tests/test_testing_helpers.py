"""The test suite's own machinery (rankandfile/testing.py, conftest.py): what it promises the tests that use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from rankandfile.audit.models import AuditEntry
from rankandfile.org.models import Member, Membership, RoleTerm, Unit
from rankandfile.testing import build_small_org, emptied_by_delete_on_postgresql


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_empties_every_table_linked_by_foreign_keys() -> None:
    build_small_org()  # units, members, memberships, role terms and audit entries, all pointing at each other
    assert Member.objects.exists() and RoleTerm.objects.exists() and AuditEntry.objects.exists()

    call_command(
        "flush", verbosity=0, interactive=False
    )  # what the test's teardown runs (Django's TransactionTestCase)

    for model in (AuditEntry, RoleTerm, Membership, Member, Unit):
        assert not model.objects.exists(), model.__name__


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's flush statement")
def test_on_postgresql_the_flush_deletes_rows_and_truncates_only_to_restart_the_ids(db: Any) -> None:
    with emptied_by_delete_on_postgresql():
        plain = connection.ops.sql_flush(no_style(), ["org_member", "org_unit"])
        restarting = connection.ops.sql_flush(no_style(), ["org_member"], reset_sequences=True)

    assert plain == ['DELETE FROM "org_member";', 'DELETE FROM "org_unit";']
    assert restarting[0].startswith("TRUNCATE") and "RESTART IDENTITY" in restarting[0]
