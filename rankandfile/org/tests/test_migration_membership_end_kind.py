"""The data migration that gives every ending made before issue 11 its kind: lapsed, or left as recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("org", "0006_apitoken_expiry_required")]
AFTER = [("org", "0007_membership_end_kind")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Every app back at its last migration (later migrations, and apps depending on org, were unapplied)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_records_the_kind_of_every_earlier_ending() -> None:
    old_apps = migrate(BEFORE)
    unit = old_apps.get_model("org", "Unit").objects.create(name="Hull", slug="hull", path="hull")
    Member = old_apps.get_model("org", "Member")
    Membership = old_apps.get_model("org", "Membership")
    for status in ("active", "lapsed", "left"):
        member = Member.objects.create(email=f"{status}@example.org", full_name=status, password="x")
        Membership.objects.create(member=member, unit=unit, status=status)
    try:
        new_apps = migrate(AFTER)
        kinds = dict(new_apps.get_model("org", "Membership").objects.values_list("status", "end_kind"))
        assert kinds == {"active": "", "lapsed": "lapsed", "left": "left_recorded"}
    finally:
        migrate_to_latest()
