"""The chain detects every altered, removed or reordered entry (issue: audit tamper tests)."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEntry]:
    return [record(f"test.action{i}", object_type="thing", object_id=i, payload={"n": i}) for i in range(1, 6)]


def test_it_accepts_an_intact_chain(chain: list[AuditEntry], capsys: Any) -> None:
    assert verify_chain() is None
    call_command("verify_audit")
    assert "intact: 5 entries" in capsys.readouterr().out


def test_it_links_each_entry_to_the_one_before(chain: list[AuditEntry]) -> None:
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.entry_hash
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]


def test_it_detects_an_altered_field(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(seq=3).update(action="test.forged")
    problem = verify_chain()
    assert problem is not None and problem.seq == 3 and "altered" in problem.reason
    with pytest.raises(CommandError, match="broken at entry 3"):
        call_command("verify_audit")


def test_it_detects_an_altered_payload(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(seq=2).update(payload={"n": 99})
    problem = verify_chain()
    assert problem is not None and problem.seq == 2 and "payload" in problem.reason


def test_it_detects_a_removed_entry(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(seq=4).delete()
    problem = verify_chain()
    assert problem is not None and problem.seq == 4 and "missing" in problem.reason


def test_it_detects_a_removed_last_entry(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(seq=5).delete()
    problem = verify_chain()
    assert problem is not None and problem.seq == 5 and "missing" in problem.reason


def test_it_detects_swapped_entries(chain: list[AuditEntry]) -> None:
    # Swap the contents of entries 2 and 3 but keep their seq numbers: the links no longer follow.
    two, three = AuditEntry.objects.get(seq=2), AuditEntry.objects.get(seq=3)
    fields = ["action", "object_id", "payload", "payload_digest", "prev_hash", "entry_hash", "created_at"]
    values_two = {f: getattr(two, f) for f in fields}
    values_three = {f: getattr(three, f) for f in fields}
    AuditEntry.objects.filter(seq=2).update(entry_hash="x" * 64)
    AuditEntry.objects.filter(seq=3).update(**values_two)
    AuditEntry.objects.filter(seq=2).update(**values_three)
    problem = verify_chain()
    assert problem is not None and problem.seq == 2


def test_it_detects_a_rehashed_forgery_against_the_recorded_head(chain: list[AuditEntry]) -> None:
    # A forger who rewrites the last entry and recomputes its hash is caught by the separately kept head.
    from rankandfile.audit.domain.chain import Link, entry_hash

    last = AuditEntry.objects.get(seq=5)
    forged = Link(
        5,
        last.created_at.isoformat(timespec="microseconds"),
        last.actor,
        "test.forged",
        last.object_type,
        last.object_id,
        last.payload_digest,
        last.prev_hash,
    )
    AuditEntry.objects.filter(seq=5).update(action="test.forged", entry_hash=entry_hash(forged))
    problem = verify_chain()
    assert problem is not None and problem.seq == 5


@pytest.mark.django_db(transaction=True)
def test_it_verifies_through_the_cli(chain: list[AuditEntry], capsys: Any) -> None:
    # A real command closes every connection when it ends, so this test runs outside the test transaction.
    from rankandfile.cli import main

    assert main(["verify-audit"]) == 0
    AuditEntry.objects.filter(seq=1).update(actor="someone else")
    assert main(["verify-audit"]) == 1


def test_an_action_cannot_commit_without_its_entry(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry joins the action's transaction with no savepoint of its own: a caller that swallowed a failed
    write of the entry could otherwise commit the action unrecorded."""
    from django.db import DatabaseError, transaction
    from django.db.transaction import TransactionManagementError

    from rankandfile.org.models import Unit
    from rankandfile.testing import make_unit

    def disk_full(**_fields: Any) -> AuditEntry:
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEntry.objects, "create", disk_full)
    with pytest.raises(TransactionManagementError), transaction.atomic():
        unit = make_unit("Leeds", None, "branch")
        with contextlib.suppress(DatabaseError):  # a careless caller goes on
            record("unit.create", obj=unit)
        Unit.objects.count()  # refused: the transaction can only be rolled back
    assert not Unit.objects.filter(name="Leeds").exists()
