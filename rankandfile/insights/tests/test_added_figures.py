"""Floor share per meeting, minority positions, contested elections and public acts on the page, CSV and API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from rankandfile.ballots.models import Election, Nomination
from rankandfile.insights import figures, pages, selectors, services
from rankandfile.insights.domain.records import ElectionRecord, ProposalRecord, SpeechRecord, Stance
from rankandfile.insights.simulator.run import Simulation
from rankandfile.meetings import services as meetings
from rankandfile.meetings.models import Override
from rankandfile.org import services as org_services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.models import Member, RoleTerm
from rankandfile.org.services import api_token_create
from rankandfile.testing import SmallOrg, log_in

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


@pytest.mark.django_db
def test_overrides_and_appointments_are_listed_with_reasons_and_links_newest_first(org: SmallOrg) -> None:
    role = org_services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer")
    term = org_services.seat_fill(
        role_type=role,
        holder=org.alice,
        how_filled="appointed",
        appointed_by=org.carol,
        reason="Vacancy <until> the AGM",
    )
    RoleTerm.objects.filter(pk=term.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=3))
    meeting = meetings.meeting_create(
        actor=org.bob,
        unit=org.leeds,
        title="Leeds branch meeting",
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        mode="online",
        online_link="https://meet.example.org/leeds",
        chair=org.bob,
        rules_preset="open",
        agenda=["Rent strike"],
    )
    meetings.meeting_open(actor=org.bob, meeting=meeting)
    meetings.request_insert(
        actor=org.bob, meeting=meeting, member=org.alice, stance="for", position=1, reason="Reporting back first"
    )
    acts = services.snapshot_refresh(unit=org.leeds, force=True).figures["acts"]
    assert [(a["kind"], a["reason"]) for a in acts] == [
        ("override", "Reporting back first"),
        ("appointment", "Vacancy <until> the AGM"),
    ]
    assert acts[0]["actor"] == org.bob.full_name and acts[1]["actor"] == org.carol.full_name
    client = Client()
    log_in(client, org.alice)
    body = client.get(reverse("insights:unit", args=[org.leeds.pk])).content.decode()
    assert reverse("meetings:meeting", args=[meeting.pk]) in body
    assert reverse("org:unit_history", args=[org.leeds.pk]) in body
    assert escape("Vacancy <until> the AGM") in body and "Vacancy <until>" not in body
    assert body.index("Reporting back first") < body.index(escape("Vacancy <until> the AGM"))
    rows = list(csv.reader(io.StringIO(client.get(reverse("insights:unit_csv", args=[org.leeds.pk])).content.decode())))
    assert [r[0] for r in rows if r[0] in ("override", "appointment")] == ["override", "appointment"]


@pytest.mark.django_db
def test_contested_elections_are_read_from_closed_elections_and_standing_candidates(org: SmallOrg) -> None:
    role = org_services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer")
    closed = timezone.now()
    people = [org.alice, org.bob, org.carol, org.dave]
    for seats, standing, status in ((1, people[:2], "elected"), (2, people[2:], "acclaimed"), (1, people, "ballot")):
        election = Election.objects.create(
            role_type=role,
            seats=seats,
            nominations_close_at=closed,
            term_starts_on=closed.date(),
            status=status,
            closed_at=None if status == "ballot" else closed,
        )
        for who in standing:
            Nomination.objects.create(election=election, nominee=who, nominated_by=org.carol, accepted_at=closed)
    Nomination.objects.filter(election__status="acclaimed", nominee=org.dave).update(withdrawn_at=closed)
    records = sorted(selectors.unit_elections(org.leeds), key=lambda e: e.seats)
    assert [(e.seats, len(e.candidates), e.outcome) for e in records] == [(1, 2, "elected"), (2, 1, "acclaimed")]
    (row,) = figures._elections(records)
    assert row["elections"] == 2 and row["contested_share"]["suppressed"]  # 3 members stood: fewer than 5
