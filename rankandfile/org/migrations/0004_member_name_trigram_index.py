"""On PostgreSQL, a trigram index for the directory's name search (`full_name__icontains`), which Django writes as
`UPPER(full_name) LIKE UPPER('%…%')`: without it each search reads the whole member table (docs/performance.md).

pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): the database's owner may create it.
SQLite has no such index; a scan of its member table is fast enough there. Not in the model's Meta because the
index exists on one database only; the migration state is unchanged.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS member_name_trigram ON org_member USING gin (UPPER(full_name::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS member_name_trigram")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_membership_directory_index"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
