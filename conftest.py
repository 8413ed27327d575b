"""Fixtures shared by every test: fast password hashing, a clean cache, a test audit key, the small organization,
and a browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings: Any, tmp_path_factory: Any) -> Any:
    from rankandfile.testing import settings_for_tests

    for name, value in settings_for_tests(tmp_path_factory.getbasetemp()).items():
        setattr(settings, name, value)
    _clear_cache()  # before each test, so none starts with another's keys (once: a clear costs a Redis scan)
    yield


def _clear_cache() -> None:
    """Empty the cache between tests; on a Redis shared with other test processes, only this process's keys."""
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if not prefix:
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # RedisCache's own client
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True, scope="session")
def _tables_emptied_by_delete() -> Any:
    """Transactional tests end with every table emptied; on PostgreSQL by `DELETE`, not `TRUNCATE` (testing.py)."""
    from rankandfile.testing import emptied_by_delete_on_postgresql

    with emptied_by_delete_on_postgresql():
        yield


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
