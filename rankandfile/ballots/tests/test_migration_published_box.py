"""Migration 0002 moves the papers of closed ballots into the published box and leaves open ballots' in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from rankandfile.ballots import services
from rankandfile.ballots.tests.helpers import open_ballot

pytestmark = pytest.mark.django_db(transaction=True)


def papers(table: str) -> set[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ballot_id, receipt FROM {table}")  # noqa: S608
        return set(cursor.fetchall())


def test_it_moves_closed_boxes_out_of_the_open_box_and_back(org: Any) -> None:
    closed, still_open = open_ballot(org, title="Closed"), open_ballot(org, title="Open")
    for member in (org.alice, org.bob):
        services.ballot_cast(voter=member, ballot=closed, names=["Ann"])
    services.ballot_cast(voter=org.erin, ballot=still_open, names=["Ben"])
    services.ballot_close(actor=org.dave, ballot=closed)
    published, sealed = papers("ballots_publishedballot"), papers("ballots_castballot")
    assert {b for b, _r in published} == {closed.pk} and {b for b, _r in sealed} == {still_open.pk}
    try:
        call_command("migrate", "ballots", "0001", verbosity=0)
        assert papers("ballots_castballot") == published | sealed
        call_command("migrate", "ballots", "0002", verbosity=0)
        assert papers("ballots_publishedballot") == published
        assert papers("ballots_castballot") == sealed
    finally:
        call_command("migrate", verbosity=0)
