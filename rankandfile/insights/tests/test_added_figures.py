"""Floor share per meeting, minority positions, contested elections and public acts on the page, CSV and API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from rankandfile.insights import figures, pages, services
from rankandfile.insights.domain.records import ElectionRecord, ProposalRecord, SpeechRecord, Stance
from rankandfile.insights.simulator.run import Simulation
from rankandfile.meetings.models import Override
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.models import Member, RoleTerm
from rankandfile.org.services import api_token_create
from rankandfile.testing import log_in

DAY = dt.date(2026, 2, 1)
START = dt.datetime(2026, 2, 1, 19, 0, tzinfo=dt.UTC)


def test_small_cells_read_fewer_than_5_in_every_new_figure() -> None:
    few = [ProposalRecord(i, DAY, True, False, True, i % 2 == 0, i % 3) for i in range(6)]  # 3 authors
    many = [ProposalRecord(i, DAY.replace(month=5), False, False, True, i < 2, i) for i in range(6)]  # 6 authors
    rows = figures._minority(few + many)
    assert [r["period"] for r in rows] == ["2026-Q1", "2026-Q2"]
    assert rows[0]["win_rate"] == {"value": None, "n": None, "suppressed": True}
    assert rows[1]["win_rate"]["value"] == pytest.approx(0.3333) and rows[1]["filed"]["value"] == 6
    elections = figures._elections(
        [ElectionRecord(1, DAY, 1, frozenset({1, 2}), "elected"), ElectionRecord(2, DAY, 1, frozenset(), "none")]
    )
    assert elections[0]["elections"] == 2 and elections[0]["contested_share"]["suppressed"] is True
    speeches = [
        SpeechRecord(i, 1, 1, i, Stance.FOR, i < 2, 60, START + dt.timedelta(minutes=i)) for i in range(7)
    ]  # 2 role holders, 5 others: the role holders' cell is hidden, so the others' is too
    (meeting,) = figures._floor_meetings(speeches)
    assert meeting["role_holders_share"]["suppressed"] and meeting["others_share"]["suppressed"]
    assert meeting["role_holders_turns"] is None and meeting["others_turns"] is None
    text = pages.page({"roles": {}, "floor_meetings": [meeting], "minority": rows, "elections": elections})
    assert text["meeting_rows"][0]["role"] == "fewer than 5"
    assert text["minority_rows"][0]["rate"] == "fewer than 5" and text["minority_rows"][1]["rate"] == "33%"
    assert text["election_rows"][0]["share"] == "fewer than 5"


@pytest.mark.django_db
def test_the_page_csv_and_api_show_the_added_figures(simulated: Simulation) -> None:
    snapshot = services.snapshot_refresh(unit=simulated.unit, force=True)
    member = Member.objects.filter(
        memberships__unit=simulated.unit, memberships__status="active", role_terms__isnull=True
    ).first()
    client = Client()
    log_in(client, member)
    body = client.get(reverse("insights:unit", args=[simulated.unit.pk])).content.decode()
    for anchor in ("#minority", "#contested", "#acts"):
        assert reverse("insights:definitions") + anchor in body
    assert snapshot.figures["floor_meetings"], "the simulated unit has meetings with speeches"
    newest = snapshot.figures["floor_meetings"][0]
    assert reverse("meetings:meeting", args=[newest["meeting"]]) in body
    override = Override.objects.filter(meeting__unit=simulated.unit).order_by("-created_at", "-id").first()
    if override is not None:
        assert escape(override.reason) in body
    appointed = RoleTerm.objects.filter(role_type__unit=simulated.unit, how_filled="appointed").first()
    acts = snapshot.figures["acts"]
    assert [a["on"] for a in acts] == sorted((a["on"] for a in acts), reverse=True)
    if appointed is not None:
        assert any(a["kind"] == "appointment" for a in acts)

    response = client.get(reverse("insights:unit_csv", args=[simulated.unit.pk]))
    measures = {r[0] for r in csv.reader(io.StringIO(response.content.decode()))}
    assert "floor_meeting" in measures
    assert bool(snapshot.figures["minority"]) == ("minority_positions" in measures)
    assert bool(snapshot.figures["elections"]) == ("elections" in measures)

    _token, raw = api_token_create(member=member, name="t", scopes=SCOPES)
    api = Client(headers={"Authorization": f"Bearer {raw}"}).get(f"/api/v1/units/{simulated.unit.pk}/insights")
    for key in ("floor_meetings", "minority", "elections", "acts"):
        assert api.json()[key] == snapshot.figures[key]
