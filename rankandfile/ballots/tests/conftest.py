from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def ranked(org: Any) -> Any:
    """An open IRV ballot in Leeds (roll: alice, bob, erin) with candidates Ann, Ben and Cat."""
    from rankandfile.ballots.tests.helpers import open_ballot

    return open_ballot(org)
