from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _categories(request: Any) -> None:
    """The default categories: a transactional test run earlier (the browser's) flushes the rows migration 0001
    added, so tests with the organization make sure they are there."""
    if "org" in request.fixturenames:
        from rankandfile.cases.services.intake import categories_ensure

        request.getfixturevalue("org")
        categories_ensure()
