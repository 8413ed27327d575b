"""Full-text search over documents, outside Django's model state (models.py says why).

PostgreSQL: a generated `tsvector` column (title weighted A, text B, English stemming) with a GIN index.
SQLite: an FTS5 table over the documents' title and text (Porter stemming), kept in step by triggers.

A later migration that changes `bulletin_document` must keep these: on SQLite, Django rebuilds a table it alters
and the triggers go with the old one (run SQLITE_FORWARD's triggers again and `rebuild` the FTS table); on
PostgreSQL, the type of `title` or `text` cannot change while the generated column uses it.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE bulletin_document ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'B')) STORED",
    "CREATE INDEX bulletin_document_search ON bulletin_document USING GIN (search)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS bulletin_document_search",
    "ALTER TABLE bulletin_document DROP COLUMN IF EXISTS search",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE bulletin_document_fts USING fts5("
    "title, text, content='bulletin_document', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER bulletin_document_fts_insert AFTER INSERT ON bulletin_document BEGIN "
    "INSERT INTO bulletin_document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER bulletin_document_fts_delete AFTER DELETE ON bulletin_document BEGIN "
    "INSERT INTO bulletin_document_fts(bulletin_document_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER bulletin_document_fts_update AFTER UPDATE OF title, text ON bulletin_document BEGIN "
    "INSERT INTO bulletin_document_fts(bulletin_document_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO bulletin_document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO bulletin_document_fts(bulletin_document_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS bulletin_document_fts_insert",
    "DROP TRIGGER IF EXISTS bulletin_document_fts_delete",
    "DROP TRIGGER IF EXISTS bulletin_document_fts_update",
    "DROP TABLE IF EXISTS bulletin_document_fts",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("bulletin", "0001_periods_issues_documents_caucuses_moderation")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
