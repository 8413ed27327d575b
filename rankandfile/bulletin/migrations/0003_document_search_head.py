"""PostgreSQL ranks by a small vector: the title (A) and the opening of the text (B), `search_head`.

`ts_rank` over the whole text's vector read (and decompressed) every matching document: 0.2 s for 2,500 matches,
seconds at 50,000 documents (benchmarks/bulletin.py). The full vector `search` still decides what matches, through
its GIN index; the head only orders the matches, so a document whose title or opening speaks of the words comes
first, ties newest first. SQLite's FTS5 ranks from its index (bm25) and needs nothing more.
"""

from django.db import migrations

HEAD_CHARS = 1000

POSTGRES_FORWARD = [
    "ALTER TABLE bulletin_document ADD COLUMN search_head tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('english'::regconfig, left(coalesce(text, ''), {HEAD_CHARS})), 'B')) STORED",
]
POSTGRES_BACKWARD = ["ALTER TABLE bulletin_document DROP COLUMN IF EXISTS search_head"]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("bulletin", "0002_document_full_text_search")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
