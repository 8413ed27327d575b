"""A pytest plugin loaded before Django's settings (`-p rankandfile.pytest_env` in pyproject's addopts).

Tests run with DEBUG off, as production does, so the ASGI application refuses the published development key
(rankandfile/checks.py). The test process, and the servers it starts in other processes, get a key of their own.
"""

from __future__ import annotations

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(40))

# Under pytest-xdist (`make test` runs the suite in parallel), each worker process has its own test database
# (pytest-django names it) and its own slice of a shared Redis: cache keys and channel-layer groups are prefixed
# with the worker's name, and conftest.py clears only its own keys between tests.
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_KEY_PREFIX"] = f"{os.environ.get('REDIS_KEY_PREFIX', '')}test-{worker}-"
# The demo's simulated history: a few months in tests (a full demo simulates three years, about a minute).
os.environ.setdefault("DEMO_HISTORY_MONTHS", "4")
