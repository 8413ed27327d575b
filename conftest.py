"""Fixtures shared by every test: fast password hashing, a clean cache, and the small organization."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings: Any) -> Any:
    # Argon2 stays the production hasher (settings.py); tests only need hashing to work, not to be slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db: Any) -> Any:
    from rankandfile.testing import build_small_org

    return build_small_org()
