"""PostgreSQL: the search's first step reads a narrow table, and never a long pending list of its GIN index.

A search first takes the matching rows from the GIN index of `search`, then visits each one in the table for its
status, visibility and filters (benchmarks/bulletin.py: 5,000 rows for a word in one document in ten). With
`search_head` (about 1.5 kB) stored in the row, 50,000 documents filled 98 MB of table pages and that visit read
4,500 pages; `toast_tuple_target = 128` moves it out of line with the texts (a row is then about 250 bytes, the
table about 12 MB), and the ranking reads it only for the thousand candidates. It applies to rows written from now
on: older rows move when next updated.

GIN's fast update collects new entries in a pending list that every search scans until (auto)vacuum merges it: at
the default 4 MB limit, 10 ms a search after a burst of new documents. 512 kB bounds that; inserts still batch.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE bulletin_document SET (toast_tuple_target = 128)",
    "ALTER INDEX bulletin_document_search SET (gin_pending_list_limit = 512)",
]
POSTGRES_BACKWARD = [
    "ALTER INDEX bulletin_document_search RESET (gin_pending_list_limit)",
    "ALTER TABLE bulletin_document RESET (toast_tuple_target)",
]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("bulletin", "0003_document_search_head")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
