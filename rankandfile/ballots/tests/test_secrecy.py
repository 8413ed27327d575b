"""Ballot secrecy in the data model (DESIGN §5): nothing in the database links a voter to their ballot.

The test reads the tables as a database administrator would after close: every column the database has (not
just the model's fields), the foreign keys, the column types, the values, and the order in which the database
keeps the rows. While a ballot is open its papers are in the open box (CastBallot); the close moves them to the
published box (PublishedBallot) and leaves none behind (the pages themselves: test_unlinking_under_app_role.py).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from rankandfile.ballots import services
from rankandfile.ballots.models import Ballot, CastBallot, Participation, PublishedBallot
from rankandfile.ballots.tests.helpers import open_ballot, voters

LABELS = tuple(f"Candidate {c}" for c in "ABCDEFGHIJ")
TIME_TYPES = ("time", "timestamp", "datetime", "interval")


def table_columns(model: Any) -> dict[str, str]:
    """Column name → the database's own type name, from introspection."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
                [model._meta.db_table],
            )
            return dict(cursor.fetchall())
        cursor.execute(f"PRAGMA table_info({model._meta.db_table})")
        types = {row[1]: row[2].lower() for row in cursor.fetchall()}
    return {column.name: types[column.name] for column in description}


def foreign_keys(model: Any) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}


def rows(model: Any, ballot: Ballot) -> list[dict[str, Any]]:
    columns = list(table_columns(model))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {model._meta.db_table} WHERE ballot_id = %s",  # noqa: S608
            [ballot.pk],
        )
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def voted(org: Any) -> tuple[Ballot, list[list[str]]]:
    """Ten members vote, in a known order, ten different rankings; then the ballot closes."""
    members = [org.alice, org.bob, org.erin, *voters(org.leeds, 7)]
    ballot = open_ballot(org, labels=LABELS)
    order = [list(LABELS[i:] + LABELS[:i]) for i in range(10)]
    for member, ranking in zip(members, order, strict=True):
        services.ballot_cast(voter=member, ballot=ballot, names=ranking)
    return services.ballot_close(actor=org.dave, ballot=ballot), order


def test_it_has_no_foreign_key_between_participation_and_the_box(voted: Any) -> None:
    member_table = Participation._meta.get_field("member").related_model._meta.db_table
    assert foreign_keys(CastBallot) == {Ballot._meta.db_table}
    assert foreign_keys(PublishedBallot) == {Ballot._meta.db_table}
    assert foreign_keys(Participation) == {Ballot._meta.db_table, member_table}


def test_it_keeps_no_time_of_day_in_either_table(voted: Any) -> None:
    for model in (Participation, CastBallot, PublishedBallot):
        for column, kind in table_columns(model).items():
            assert not any(t in kind for t in TIME_TYPES), f"{model.__name__}.{column} is a {kind} column"


def test_it_uses_random_ids_in_both_tables(voted: Any) -> None:
    ballot, _order = voted
    assert rows(CastBallot, ballot) == []
    for model in (Participation, PublishedBallot):
        ids = [uuid.UUID(str(row["id"])) for row in rows(model, ballot)]
        assert len(ids) == 10 and all(i.version == 4 for i in ids), model.__name__


def test_it_shares_no_value_that_varies_between_voters(voted: Any) -> None:
    """Only a column that takes different values on different rows can tell voters apart; no such column of
    Participation has any value in common with any such column of the box."""
    ballot, _order = voted
    participation, box = rows(Participation, ballot), rows(PublishedBallot, ballot)

    def varying(table: list[dict[str, Any]]) -> dict[str, set[str]]:
        values = {column: {str(row[column]) for row in table} for column in table[0]}
        return {column: found for column, found in values.items() if len(found) > 1}

    for p_column, p_values in varying(participation).items():
        for c_column, c_values in varying(box).items():
            assert not p_values & c_values, f"participation.{p_column} and castballot.{c_column} share values"
    assert set(table_columns(CastBallot)) == {"id", "ballot_id", "content", "receipt"}
    assert set(table_columns(PublishedBallot)) == {"id", "ballot_id", "content", "receipt"}
    assert set(table_columns(Participation)) == {"id", "ballot_id", "member_id"}


def test_it_keeps_no_order_of_casting_in_the_box(voted: Any) -> None:
    """Read the box in the database's own physical order: after close it is not the order of casting."""
    ballot, order = voted
    table = PublishedBallot._meta.db_table
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT content FROM {table} WHERE ballot_id = %s ORDER BY {position}", [ballot.pk])  # noqa: S608
        physical = [
            PublishedBallot._meta.get_field("content").from_db_value(r[0], None, connection) for r in cursor.fetchall()
        ]
    # A shuffle of ten returns the original order once in 3,628,800 runs.
    assert [p["ranking"] for p in physical] != order
    assert sorted(p["ranking"] for p in physical) == sorted(order)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's")
def test_it_leaves_no_shared_transaction_id_on_postgresql(voted: Any) -> None:
    """The cast wrote both rows in one transaction (same xmin); the close rewrote the box in its own."""
    ballot, _order = voted
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT xmin::text FROM {PublishedBallot._meta.db_table} WHERE ballot_id = %s",  # noqa: S608
            [ballot.pk],
        )
        box_xmins = {r[0] for r in cursor.fetchall()}
        cursor.execute(
            f"SELECT DISTINCT xmin::text FROM {Participation._meta.db_table} WHERE ballot_id = %s",  # noqa: S608
            [ballot.pk],
        )
        voter_xmins = {r[0] for r in cursor.fetchall()}
    assert len(box_xmins) == 1 and len(voter_xmins) == 10
    assert not box_xmins & voter_xmins


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections at once")
def test_it_counts_two_simultaneous_casts_by_one_member_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from rankandfile.testing import build_small_org

    real_create = CastBallot.objects.create

    def slow_create(**kwargs: Any) -> Any:
        time.sleep(0.3)  # both transactions are now in flight together
        return real_create(**kwargs)

    monkeypatch.setattr(CastBallot.objects, "create", slow_create)

    org = build_small_org()
    ballot = open_ballot(org)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def cast(ranking: list[str]) -> None:
        try:
            start.wait()
            services.ballot_cast(voter=org.alice, ballot=ballot, names=ranking)
            outcomes.append("cast")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(r,)) for r in (["Ann"], ["Ben"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == sorted(["cast", "You have already voted in this ballot. A ballot once cast is final."])
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert CastBallot.objects.filter(ballot=ballot).count() == 1
