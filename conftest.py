"""Fixtures shared by every test: fast password hashing, a clean cache, a test audit key, the small organization,
and a browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings: Any, tmp_path_factory: Any) -> Any:
    # Argon2 stays the production hasher (settings.py); tests only need hashing to work, not to be slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The audit signing key of the test session: made on first use, never the one under var/.
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path_factory.getbasetemp() / "audit-signing.key"
    # Case passphrases and receipts: Argon2id at libsodium's floor (production cost: settings.py, docs/cases.md),
    # and attachments under the test session's own media folder.
    settings.CASE_PASSPHRASE_OPSLIMIT = settings.CASE_RECEIPT_OPSLIMIT = 1
    settings.CASE_PASSPHRASE_MEMLIMIT = settings.CASE_RECEIPT_MEMLIMIT = 8192
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once() -> Any:
    """Tests run every queued task at once, in process (huey's immediate mode, with in-memory storage)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture
def org(db: Any) -> Any:
    from rankandfile.testing import build_small_org

    return build_small_org()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, one per test module (rankandfile.testing.chromium)."""
    from rankandfile.testing import chromium

    with chromium() as launched:
        yield launched
