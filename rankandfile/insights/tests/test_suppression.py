"""No cell under five members on any surface (page, CSV, API), including by subtraction between two figures."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rankandfile.insights import services
from rankandfile.insights.simulator.run import Simulation
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.services import api_token_create
from rankandfile.testing import SmallOrg, log_in

pytestmark = pytest.mark.django_db


def cells(data: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(data, dict):
        if "suppressed" in data and "n" in data:
            found.append(data)
        for value in data.values():
            found += cells(value)
    elif isinstance(data, list):
        for value in data:
            found += cells(value)
    return found


def test_every_shown_cell_of_a_simulated_unit_is_over_five_members(simulated: Simulation) -> None:
    figures = services.snapshot_refresh(unit=simulated.unit).figures
    shown = [c for c in cells(figures) if not c["suppressed"]]
    assert shown and all(c["n"] is None or c["n"] >= 5 for c in shown)
    hidden = [c for c in cells(figures) if c["suppressed"]]
    assert all(c.get("value") is None for c in hidden)


def test_one_pile_on_on_one_member_is_fewer_than_five_everywhere(org: SmallOrg, leeds_pile_on: Any) -> None:
    figures = services.snapshot_refresh(unit=org.leeds).figures
    (quarter,) = figures["pile_ons"]
    assert quarter["events"] == {"value": None, "n": None, "suppressed": True}
    client = Client()
    log_in(client, org.alice)
    page = client.get(reverse("insights:unit", args=[org.leeds.pk])).content.decode()
    section = page.split('id="pile-ons"', 1)[1].split("</section>", 1)[0]
    assert "fewer than 5" in section and "<td>1</td>" not in section
    rows = list(csv.reader(io.StringIO(client.get(reverse("insights:unit_csv", args=[org.leeds.pk])).content.decode())))
    assert ["pile_ons", quarter["period"], "events", "fewer than 5"] in rows
    _token, raw = api_token_create(member=org.alice, name="t", scopes=SCOPES)
    body = Client(headers={"Authorization": f"Bearer {raw}"}).get(f"/api/v1/units/{org.leeds.pk}/insights").json()
    assert body["pile_ons"][0]["events"]["suppressed"] is True


def test_a_hidden_share_is_not_given_away_by_its_complement(org: SmallOrg, leeds_pile_on: Any) -> None:
    # Three role holders spoke and two members without a role: both shares hide, as 1 − one gives the other.
    (row,) = services.snapshot_refresh(unit=org.leeds).figures["floor"]
    assert row["role_holders_share"]["suppressed"] and row["others_share"]["suppressed"]
    assert row["role_holders_turns"] is None and row["others_turns"] is None


def test_the_retention_gap_hides_with_either_side(org: SmallOrg, leeds_pile_on: Any) -> None:
    retention = services.snapshot_refresh(unit=org.leeds).figures["retention"]
    assert retention["dissenters"]["suppressed"] and retention["others"]["suppressed"]
    assert retention["gap_12m"]["suppressed"] and retention["dissenters"]["curve"] == []
