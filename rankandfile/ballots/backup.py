"""A backup that does not link votes to voters while ballots are open (issue 9, item 7; docs/operations.md).

While a ballot is open, the participations and the papers of the open box lie in the database's files in the order
they were cast, and `pg_dump` (or SQLite's `.backup`) copies them in that order: row n of one matches row n of the
other. This backup writes everything else as usual and those two tables sorted by their random ids, from one
snapshot, so the file says who voted and what was voted but not which is whose.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from rankandfile.ballots.models import CastBallot, Participation

# The tables whose physical order follows casting while a ballot is open; written sorted by their random ids.
ORDERED_BY_CASTING = (Participation, CastBallot)
DUMP_NAME = "rankandfile.dump"
VOTES_NAME = "votes.sql"
SQLITE_NAME = "rankandfile.sqlite3"


class BackupError(Exception):
    """One line saying what failed."""


def _columns(model: Any) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


def backup_postgresql(directory: Path) -> list[Path]:
    """`pg_dump` of everything but the two tables' rows, and those rows sorted by id, from one snapshot."""
    settings_dict = connection.settings_dict
    dump, votes = directory / DUMP_NAME, directory / VOTES_NAME
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        command = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"]
        command += [f"--exclude-table-data={model._meta.db_table}" for model in ORDERED_BY_CASTING]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings_dict.get(key):
                command.append(f"{option}={settings_dict[key]}")
        command.append(settings_dict["NAME"])
        env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or os.environ.get("PGPASSWORD", "")}
        # The exported snapshot lives as long as this transaction: pg_dump runs inside it.
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        except FileNotFoundError as error:
            raise BackupError("pg_dump is not installed (it comes with the PostgreSQL client)") from error
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise BackupError(f"pg_dump failed: {last}")
        with votes.open("wb") as out:
            out.write(b"-- Rank & File: participations and open ballot papers, sorted by their random ids.\n")
            out.write(b"-- Restore after the dump: pg_restore ... rankandfile.dump && psql ... -f votes.sql\n")
            for model in ORDERED_BY_CASTING:
                table, columns = model._meta.db_table, ", ".join(_columns(model))
                out.write(f"COPY {table} ({columns}) FROM stdin;\n".encode())
                sql = f"COPY (SELECT {columns} FROM {table} ORDER BY id) TO STDOUT"  # noqa: S608
                with cursor.cursor.copy(sql) as copy:
                    for data in copy:
                        out.write(bytes(data))
                out.write(b"\\.\n")
    return [dump, votes]


def backup_sqlite(directory: Path) -> list[Path]:
    """SQLite's online backup, then in the copy only: the two tables rewritten in id order, and VACUUM, so that
    neither their rowids nor any freed page keep the order of casting."""
    target = directory / SQLITE_NAME
    if target.exists():
        raise BackupError(f"{target} exists already")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA secure_delete = ON")
        for model in ORDERED_BY_CASTING:
            table, columns = model._meta.db_table, ", ".join(_columns(model))
            copy.execute(f"CREATE TEMP TABLE sorted AS SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608
            copy.execute(f"DELETE FROM {table}")  # noqa: S608
            copy.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM sorted ORDER BY id")  # noqa: S608
            copy.execute("DROP TABLE sorted")
            copy.commit()
        copy.execute("VACUUM")
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
    return [target]


def _applied_migrations(db: sqlite3.Connection) -> set[tuple[str, str]]:
    try:
        return {(app, name) for app, name in db.execute("SELECT app, name FROM django_migrations")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"not a Rank & File database: {error}") from error


def restore_sqlite(source: Path, *, replace: bool = False) -> int:
    """Copy a backup made by `backup_sqlite` into the configured SQLite database with SQLite's online backup API
    (page by page, under SQLite's own locks: a server still running sees the old or the new database, never half).

    Refuses a file that is not an intact Rank & File database, one written by a newer version of the code (it holds
    migrations this code does not know), and a target that already holds tables unless `replace`. Returns the
    number of the backup's migrations this code has not applied yet (0, or run `migrate`)."""
    if connection.vendor != "sqlite":
        raise BackupError(
            f"`restore` is for SQLite; on {connection.vendor} follow the pg_restore drill in docs/operations.md"
        )
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    from django.db.migrations.loader import MigrationLoader

    backup_db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if backup_db.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError(f"{source} fails SQLite's integrity check")
        applied = _applied_migrations(backup_db)
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        unknown = applied - known
        if unknown:
            app, name = sorted(unknown)[0]
            raise BackupError(f"the backup is from a newer version ({len(unknown)} unknown migrations, {app}.{name})")
        if connection.introspection.table_names() and not replace:
            raise BackupError("the database is not empty: pass --replace to overwrite it with the backup")
        connection.close()  # nothing of the old database stays cached in this process
        connection.ensure_connection()
        backup_db.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"cannot read {source}: {error}") from error
    finally:
        backup_db.close()
    connection.close()
    return len(known - applied)


def backup(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        return backup_postgresql(directory)
    if connection.vendor == "sqlite":
        return backup_sqlite(directory)
    raise BackupError(f"no backup for the {connection.vendor} database")
