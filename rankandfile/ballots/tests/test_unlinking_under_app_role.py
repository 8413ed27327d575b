"""After the close, nothing in the database's pages links a paper to a voter, under the documented role (issue 9,
item 2).

The close runs as the least-privilege role that docs/deploy.md tells operators to create (the SQL is read from
that file, so the test and the documentation cannot drift apart). Then, as the superuser, the test reads every page
of every table and index that has held ballot papers with `pageinspect`, dead row versions included, and asserts:
no row version carries the transaction id (`xmin`) of a participation of that ballot, and the bytes of each
receipt are found exactly once (the live, published paper), in no old copy and in no old index entry.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections

from rankandfile.ballots import services
from rankandfile.ballots.models import Ballot, CastBallot, Participation
from rankandfile.ballots.tests.helpers import open_ballot, voters

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row versions, xmin and roles are PostgreSQL's; SQLite overwrites deleted rows (secure_delete), "
        "tested in test_secrecy.py",
    ),
]

DEPLOY_DOC = Path(settings.BASE_DIR).parent / "docs" / "deploy.md"
ROLE = f"rf_test_app_{os.getpid()}"


def documented_grants(role: str) -> list[str]:
    """The SQL block under "Database rights" in docs/deploy.md, for `role` instead of rankandfile_app."""
    text = DEPLOY_DOC.read_text()
    block = re.search(r"## Database rights.*?```sql\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md lost its Database rights SQL block"
    statements = [s.strip() for s in block.group(1).split(";") if s.strip()]
    return [s.replace("rankandfile_app", role).replace("PASSWORD '...'", "PASSWORD 'test'") for s in statements]


@pytest.fixture
def app_role() -> Iterator[str]:
    """The documented role, created in this database; the connection switches to it with SET ROLE."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        for statement in documented_grants(ROLE):
            cursor.execute(statement)
    yield ROLE
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


class As:
    def __init__(self, role: str) -> None:
        self.role = role

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {self.role}")

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def box_tables() -> list[str]:
    """Every table of this app with a receipt column: each has held ballot papers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'receipt' "
            "AND table_name LIKE 'ballots%%' ORDER BY table_name"
        )
        return [row[0] for row in cursor.fetchall()]


def box_relations() -> list[str]:
    """The box tables and each of their indexes."""
    tables = box_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid::regclass::text = ANY(%s)", [tables]
        )
        return tables + [row[0] for row in cursor.fetchall()]


def pages(relation: str) -> Iterator[bytes]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [relation])
        (count,) = cursor.fetchone()
        for block in range(count):
            cursor.execute("SELECT get_raw_page(%s, %s)", [relation, block])
            yield bytes(cursor.fetchone()[0])


def heap_xmins(table: str) -> set[str]:
    """The xmin of every row version still in the table's pages, live or dead."""
    found: set[str] = set()
    with connection.cursor() as cursor:
        for page in pages(table):
            cursor.execute("SELECT t_xmin::text FROM heap_page_items(%s) WHERE t_xmin IS NOT NULL", [page])
            found |= {row[0] for row in cursor.fetchall()}
    return found


def participation_xmins(ballot: Ballot) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {Participation._meta.db_table} WHERE ballot_id = %s", [ballot.pk])  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def cast_and_close(org: Any, role: str) -> tuple[Ballot, list[str]]:
    members = [org.alice, org.bob, org.erin, *voters(org.leeds, 9)]
    ballot = open_ballot(org)
    rankings = [["Ann", "Ben"], ["Ben", "Cat"], ["Cat", "Ann"]]
    with As(role):
        for i, member in enumerate(members):
            services.ballot_cast(voter=member, ballot=ballot, names=rankings[i % 3])
        receipts = list(CastBallot.objects.filter(ballot=ballot).values_list("receipt", flat=True))
        services.ballot_close(actor=org.dave, ballot=ballot)
    return ballot, receipts


def test_the_documented_role_does_not_own_the_box(app_role: str) -> None:
    # The premise of the finding: VACUUM by a role that does not own the table only warns and does nothing.
    with As(app_role), connection.cursor() as cursor:
        cursor.execute("SELECT pg_has_role(%s, (SELECT relowner FROM pg_class WHERE relname = %s), 'USAGE')",
                       [app_role, CastBallot._meta.db_table])  # fmt: skip
        assert cursor.fetchone()[0] is False


def test_no_row_version_of_the_box_keeps_a_voters_transaction_id(org: Any, app_role: str) -> None:
    ballot, _receipts = cast_and_close(org, app_role)
    linked = participation_xmins(ballot)
    assert len(linked) == 12
    tables = box_tables()
    assert CastBallot._meta.db_table in tables
    for table in tables:
        assert not heap_xmins(table) & linked, f"{table} still holds row versions written by the casts"


def test_each_receipt_is_left_once_in_the_pages_of_the_box(org: Any, app_role: str) -> None:
    _ballot, receipts = cast_and_close(org, app_role)
    raw = [page for relation in box_relations() for page in pages(relation)]
    for receipt in receipts:
        copies = sum(page.count(receipt.encode()) for page in raw)
        # One live paper in its table, one entry in the (ballot, receipt) unique index: nothing older.
        assert copies == 2, f"receipt {receipt[:8]}… appears {copies} times in the box's pages"


def test_it_refuses_to_close_when_the_role_cannot_unlink_the_box(org: Any, app_role: str, caplog: Any) -> None:
    """A role without the documented TRUNCATE right: the close is refused, nothing changes, a line is logged."""
    members = [org.alice, org.bob, org.erin]
    ballot = open_ballot(org)
    for member in members:
        services.ballot_cast(voter=member, ballot=ballot, names=["Ann"])
    with connection.cursor() as cursor:
        cursor.execute(f"REVOKE TRUNCATE ON {CastBallot._meta.db_table} FROM {app_role}")
    with As(app_role), caplog.at_level(logging.ERROR), pytest.raises(ValidationError, match="TRUNCATE"):
        services.ballot_close(actor=org.dave, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert "not closed" in caplog.text and str(ballot.pk) in caplog.text


def test_it_refuses_to_close_while_another_session_holds_the_box(org: Any, settings: Any, caplog: Any) -> None:
    """A backup (pg_dump) or a long query reading the box: the close waits a little, then refuses and logs."""
    settings.BALLOT_BOX_LOCK_TIMEOUT_MS = 200
    ballot = open_ballot(org)
    services.ballot_cast(voter=org.alice, ballot=ballot, names=["Ann"])
    reader = connections.create_connection("default")
    try:
        reader.set_autocommit(False)
        with reader.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {CastBallot._meta.db_table}")  # noqa: S608
        with caplog.at_level(logging.ERROR), pytest.raises(ValidationError, match="ballot box is in use"):
            services.ballot_close(actor=org.dave, ballot=ballot)
    finally:
        reader.rollback()
        reader.close()
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN and "stayed locked" in caplog.text
    assert services.ballot_close(actor=org.dave, ballot=ballot).cast_count == 1


def test_a_cast_in_flight_and_a_close_do_not_deadlock(org: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cast takes the box's table before the ballot's row, as the close does: the close waits, then counts it."""
    import threading
    import time

    ballot = open_ballot(org)
    real_create = Participation.objects.create
    inside = threading.Event()

    def slow_create(**kwargs: Any) -> Any:
        inside.set()
        time.sleep(0.5)  # the cast holds the ballot's row lock; the close starts now
        return real_create(**kwargs)

    monkeypatch.setattr(Participation.objects, "create", slow_create)
    errors: list[BaseException] = []

    def cast() -> None:
        try:
            services.ballot_cast(voter=org.alice, ballot=ballot, names=["Ann"])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=cast)
    thread.start()
    assert inside.wait(10)
    closed = services.ballot_close(actor=org.dave, ballot=ballot)
    thread.join(20)
    assert errors == [] and closed.cast_count == 1
