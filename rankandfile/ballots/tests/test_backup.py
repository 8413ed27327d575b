"""`rankandfile backup` while a ballot is open: the copy says who voted and what was voted, not whose is which
(issue 9, item 7). First the premise: in the live tables both lie in the order of casting."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rankandfile.ballots import services
from rankandfile.ballots.models import Ballot, CastBallot, Participation
from rankandfile.ballots.tests.helpers import open_ballot, voters

pytestmark = pytest.mark.django_db(transaction=True)

LABELS = tuple(f"Candidate {c}" for c in "ABCDEFGHIJ")


def cast_in_order(org: Any) -> tuple[Ballot, list[int], list[list[str]]]:
    members = [org.alice, org.bob, org.erin, *voters(org.leeds, 7)]
    ballot = open_ballot(org, labels=LABELS)
    rankings = [list(LABELS[i:] + LABELS[:i]) for i in range(10)]
    for member, ranking in zip(members, rankings, strict=True):
        services.ballot_cast(voter=member, ballot=ballot, names=ranking)
    return ballot, [m.pk for m in members], rankings


def physical(sql: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def test_the_live_tables_keep_the_order_of_casting_while_the_ballot_is_open(org: Any) -> None:
    """What the code cannot change: a heap (or SQLite's rowid) follows insertion, so a plain copy links."""
    _ballot, member_ids, rankings = cast_in_order(org)
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    participation, box = Participation._meta.db_table, CastBallot._meta.db_table
    assert physical(f"SELECT member_id FROM {participation} ORDER BY {position}") == member_ids  # noqa: S608
    papers = physical(f"SELECT content FROM {box} ORDER BY {position}")  # noqa: S608
    content = CastBallot._meta.get_field("content")
    assert [content.from_db_value(p, None, connection)["ranking"] for p in papers] == rankings


def test_the_ids_of_both_tables_are_random_so_sorting_by_them_hides_the_order(org: Any) -> None:
    cast_in_order(org)
    for model in (Participation, CastBallot):
        ids = [uuid.UUID(str(i)) for i in model.objects.values_list("id", flat=True)]
        assert all(i.version == 4 for i in ids), model.__name__


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore are PostgreSQL's")
def test_the_postgresql_backup_writes_the_two_tables_sorted_by_id_and_restores(org: Any, tmp_path: Path) -> None:
    ballot, member_ids, _rankings = cast_in_order(org)
    call_command("backup", str(tmp_path))
    dump = tmp_path / "rankandfile.dump"
    listing = subprocess.run(["pg_restore", "-l", dump], capture_output=True, text=True, check=True)
    assert "TABLE DATA public ballots_ballot " in listing.stdout
    assert "TABLE DATA public ballots_participation " not in listing.stdout
    assert "TABLE DATA public ballots_castballot " not in listing.stdout

    votes = (tmp_path / "votes.sql").read_text()
    for model in (Participation, CastBallot):
        section = re.search(rf"COPY {model._meta.db_table} \(.*?\) FROM stdin;\n(.*?)\\\.\n", votes, re.S)
        assert section is not None
        ids = [line.split("\t")[0] for line in section.group(1).splitlines()]
        assert len(ids) == 10 and ids == sorted(ids), model.__name__

    settings = connection.settings_dict
    restored = f"{settings['NAME']}_restore"
    server = ["--host", settings["HOST"] or "127.0.0.1", "--username", settings["USER"] or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *server, restored], check=True)
    subprocess.run(["createdb", *server, restored], check=True)
    try:
        subprocess.run(["pg_restore", *server, "-d", restored, tmp_path / "rankandfile.dump"], check=True)
        subprocess.run(["psql", *server, "-q", "-v", "ON_ERROR_STOP=1", "-d", restored, "-f", tmp_path / "votes.sql"],
                       check=True)  # fmt: skip
        count = subprocess.run(
            ["psql", *server, "-At", "-d", restored, "-c",
             f"SELECT count(*) FROM ballots_castballot WHERE ballot_id = {ballot.pk}; "  # noqa: S608
             "SELECT string_agg(member_id::text, ',' ORDER BY ctid) FROM ballots_participation"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        assert count[0] == "10"
        assert count[1] != ",".join(map(str, member_ids))  # the restored copy lies in id order, not cast order
    finally:
        subprocess.run(["dropdb", "--if-exists", *server, restored], check=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own backup")
def test_the_sqlite_backup_rewrites_both_tables_in_id_order(org: Any, tmp_path: Path) -> None:
    cast_in_order(org)
    call_command("backup", str(tmp_path))
    copy = sqlite3.connect(tmp_path / "rankandfile.sqlite3")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for model in (Participation, CastBallot):
            ids = [row[0] for row in copy.execute(f"SELECT id FROM {model._meta.db_table} ORDER BY rowid")]  # noqa: S608
            assert len(ids) == 10 and ids == sorted(ids), model.__name__
    finally:
        copy.close()
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(tmp_path))
