"""The restore drill (issue 16): a backup taken while a ballot is open restores, whole, into an empty database, and
`verify-audit` passes on the copy. SQLite through `rankandfile restore`; PostgreSQL through pg_restore and psql as
docs/operations.md says. The restored copy is checked in a fresh process, as an operator would run it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import chain_head
from rankandfile.ballots import services
from rankandfile.ballots.backup import backup_sqlite
from rankandfile.ballots.tests.helpers import open_ballot, voters

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`rankandfile ARGS` in a fresh process on the given database, with this test session's audit key."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env |= {"DATABASE_URL": database_url, "AUDIT_SIGNING_KEY_FILE": str(settings.AUDIT_SIGNING_KEY_FILE)}
    return subprocess.run(
        [sys.executable, "-m", "rankandfile.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def vote_a_little(org: Any) -> tuple[int, int]:
    """An open ballot with four papers cast, a closed one with three, and the audit chain's head."""
    extra = voters(org.leeds, 3)  # before the ballots open: the roll freezes then
    closed = open_ballot(org, title="Closed")
    for member in (org.alice, org.bob, org.erin):
        services.ballot_cast(voter=member, ballot=closed, names=["Ann", "Cat"])
    services.ballot_close(actor=org.dave, ballot=closed)
    still_open = open_ballot(org, title="Open", unit=org.north)
    for member in [org.alice, *extra]:
        services.ballot_cast(voter=member, ballot=still_open, names=["Ben"])
    head = chain_head()
    assert head is not None
    return head


def test_the_drill_documented_for_sqlite_restores_a_whole_copy(org: Any, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite drill (PostgreSQL's is below)")
    seq, entry_hash = vote_a_little(org)
    [copy] = backup_sqlite(tmp_path)
    target = tmp_path / "restored.sqlite3"

    restored = cli(f"sqlite:///{target}", "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert f"audit chain intact: {seq} entries, head {entry_hash}" in restored.stdout

    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*) FROM ballots_participation").fetchone() == (7,)
        assert db.execute("SELECT count(*) FROM ballots_castballot").fetchone() == (4,)
        assert db.execute("SELECT count(*) FROM audit_auditentry").fetchone() == (AuditEntry.objects.count(),)
        db.execute("UPDATE audit_auditentry SET action = 'ballot.nothing' WHERE seq = 2")
    tampered = cli(f"sqlite:///{target}", "verify-audit")
    assert tampered.returncode == 1
    assert "audit chain broken" in tampered.stderr


def test_restore_refuses_to_overwrite_a_database_unless_told(org: Any, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("restore is SQLite's; on PostgreSQL it says to use pg_restore")
    [copy] = backup_sqlite(tmp_path)
    with pytest.raises(CommandError, match="not empty: pass --replace"):
        call_command("restore", str(copy))
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CommandError, match="restore failed"):
        call_command("restore", str(garbage), "--replace")


def test_restore_on_postgresql_points_to_the_drill(org: Any, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with pytest.raises(CommandError, match="pg_restore drill"):
        call_command("restore", str(tmp_path / "rankandfile.sqlite3"))


def test_the_drill_documented_for_postgresql_restores_and_verifies(org: Any, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore are PostgreSQL's")
    seq, entry_hash = vote_a_little(org)
    call_command("backup", str(tmp_path))
    db = connection.settings_dict
    restored = f"{db['NAME']}_drill"
    server = ["--host", db["HOST"] or "127.0.0.1", "--username", db["USER"] or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *server, restored], check=True)
    subprocess.run(["createdb", *server, restored], check=True)
    try:
        # docs/operations.md, "Restore drill", step 1
        subprocess.run(["pg_restore", *server, "-d", restored, tmp_path / "rankandfile.dump"], check=True)
        subprocess.run(["psql", *server, "-q", "-v", "ON_ERROR_STOP=1", "-d", restored, "-f", tmp_path / "votes.sql"],
                       check=True)  # fmt: skip
        # step 2
        url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{restored}"
        verified = cli(url, "verify-audit")
        assert verified.returncode == 0, verified.stderr
        # step 3: the head printed is the head recorded when the backup was taken
        assert f"audit chain intact: {seq} entries, head {entry_hash}" in verified.stdout
        counts = subprocess.run(
            ["psql", *server, "-At", "-d", restored, "-c",
             "SELECT (SELECT count(*) FROM ballots_participation) || ' ' || (SELECT count(*) FROM ballots_castballot)"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        assert counts == ["7", "4"]
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", *server, restored], check=True)
