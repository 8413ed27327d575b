"""The data migration that gives tokens made before scopes existed their scopes, an expiry and a password stamp."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rankandfile.org.domain.api_tokens import password_stamp

BEFORE = [("org", "0004_member_name_trigram_index")]
AFTER = [("org", "0006_apitoken_expiry_required")]


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
def test_it_keeps_old_tokens_working_with_every_scope_for_90_days_and_until_a_password_change() -> None:
    old_apps = migrate(BEFORE)
    member = old_apps.get_model("org", "Member").objects.create(
        email="old@example.org", full_name="Old Token", password="md5$salt$hash"
    )
    old_apps.get_model("org", "ApiToken").objects.create(
        member=member, name="legacy sync", prefix="rf_abcdefg", token_hash=hashlib.sha256(b"rf_x").hexdigest()
    )
    try:
        new_apps = migrate(AFTER)
        token = new_apps.get_model("org", "ApiToken").objects.get()
        assert token.scopes == ["read", "vote", "manage"]
        remaining = token.expires_at - timezone.now()
        assert dt.timedelta(days=89) < remaining <= dt.timedelta(days=90)
        # The stamp the migration copied is the application's own, so the token works until the password changes.
        assert token.password_stamp == password_stamp("md5$salt$hash")
    finally:
        migrate_to_latest()
