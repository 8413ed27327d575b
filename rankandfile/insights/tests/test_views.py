"""The insights pages, CSV and API: who sees them, what they show, how many queries they take."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rankandfile.ballots.models import Ballot
from rankandfile.insights import services
from rankandfile.insights.models import ClimateSurvey, ExitInvitation, ExitResponse
from rankandfile.insights.simulator.run import Simulation
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.models import Member, Membership
from rankandfile.org.services import api_token_create
from rankandfile.testing import SmallOrg, log_in

pytestmark = pytest.mark.django_db


def member_client(member: Member) -> Client:
    client = Client()
    log_in(client, member)
    return client


def plain_member(simulated: Simulation) -> Member:
    return Member.objects.filter(
        memberships__unit=simulated.unit, memberships__status="active", role_terms__isnull=True
    ).first()


class TestASimulatedUnit:
    """One simulated branch for the class's tests (each runs in its own savepoint)."""

    def test_a_member_sees_charts_and_tables_of_a_simulated_unit(self, simulated_shared: Simulation) -> None:
        services.snapshot_refresh(unit=simulated_shared.unit)
        page = member_client(plain_member(simulated_shared)).get(
            reverse("insights:unit", args=[simulated_shared.unit.pk])
        )
        body = page.content.decode()
        assert page.status_code == 200
        assert body.count("<svg") == 4 and "<table" in body
        for anchor in ("#floor", "#pile-ons", "#retention", "#roles", "#adoption", "#overrides", "#climate"):
            assert reverse("insights:definitions") + anchor in body

    def test_the_unit_page_reads_one_precomputed_row(self, simulated_shared: Simulation) -> None:
        services.snapshot_refresh(unit=simulated_shared.unit)
        client = member_client(plain_member(simulated_shared))
        url = reverse("insights:unit", args=[simulated_shared.unit.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= 15
        assert sum("insights_snapshot" in q["sql"] for q in queries.captured_queries) == 1

    def test_the_csv_has_every_section_and_safe_cells(self, simulated_shared: Simulation) -> None:
        services.snapshot_refresh(unit=simulated_shared.unit)
        response = member_client(plain_member(simulated_shared)).get(
            reverse("insights:unit_csv", args=[simulated_shared.unit.pk])
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["measure", "period_or_group", "figure", "value"]
        assert {r[0] for r in rows[1:]} >= {
            "floor",
            "pile_ons",
            "retention",
            "roles",
            "adoption",
            "overrides",
            "climate",
        }

    def test_the_api_serves_the_pages_figures(self, simulated_shared: Simulation) -> None:
        member = plain_member(simulated_shared)
        snapshot = services.snapshot_refresh(unit=simulated_shared.unit)
        _token, raw = api_token_create(member=member, name="t", scopes=SCOPES)
        response = Client(headers={"Authorization": f"Bearer {raw}"}).get(
            f"/api/v1/units/{simulated_shared.unit.pk}/insights"
        )
        assert response.status_code == 200
        assert response.json()["retention"] == snapshot.figures["retention"]
        mine = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/insights/me").json()
        assert set(mine) == {
            "turns",
            "seconds",
            "meetings_spoken_in",
            "dissents_in_minutes",
            "counter_proposals_signed",
        }

    def test_the_comparison_shows_each_units_headline_from_its_precomputed_row(
        self, simulated_shared: Simulation
    ) -> None:
        from rankandfile.insights import pages, selectors
        from rankandfile.insights.models import Snapshot

        services.snapshot_refresh(unit=simulated_shared.unit)
        whole = Snapshot.objects.get(unit=simulated_shared.unit).figures
        row = pages.comparison_row(selectors.comparison([simulated_shared.unit])[simulated_shared.unit.pk])
        assert row == pages.comparison_row(whole) and row["floor"] != "–"  # only the keys it shows left the database
        client = member_client(plain_member(simulated_shared))
        client.get(reverse("insights:index"))
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("insights:index")).content.decode()
        assert row["floor"] in body and row["gini"] in body
        assert sum("insights_snapshot" in q["sql"] for q in queries.captured_queries) == 1


def test_a_lapsed_member_and_a_stranger_are_kept_out(org: SmallOrg) -> None:
    url = reverse("insights:unit", args=[org.leeds.pk])
    assert member_client(org.frank).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_an_officer_with_ballots_opens_a_climate_survey(org: SmallOrg) -> None:
    url = reverse("insights:survey_new", args=[org.leeds.pk])
    assert member_client(org.bob).get(url).status_code == 403
    response = member_client(org.dave).post(url, {"title": "Spring climate", "closes_at": "2099-01-01T10:00"})
    assert response.status_code == 302
    survey = ClimateSurvey.objects.get(unit=org.leeds)
    kinds = set(Ballot.objects.filter(climate_question__survey=survey).values_list("kind", "status"))
    assert kinds == {("survey", "open")} and survey.questions.count() == 3


def test_the_exit_survey_is_answered_once_and_unlinked(org: SmallOrg) -> None:
    membership = Membership.objects.get(member=org.frank, unit=org.leeds)
    _invitation, raw = services.exit_survey_offer(membership=membership, send=False)
    url = reverse("insights:exit_survey", args=[raw])
    client = Client()
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "not_heard", "free_to_disagree": "2"}).status_code == 200
    response = ExitResponse.objects.get()
    assert (response.unit_id, response.reason, response.free_to_disagree) == (org.leeds.pk, "not_heard", 2)
    assert {f.name for f in ExitResponse._meta.get_fields()} == {"id", "unit", "quarter", "reason", "free_to_disagree"}
    assert ExitInvitation.objects.get().is_answered
    client.post(url, {"reason": "other"})
    assert ExitResponse.objects.count() == 1


def test_the_exit_survey_is_offered_once_to_each_lapsed_membership(
    org: SmallOrg, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Membership.objects.filter(member=org.frank).update(status_changed_on=org.frank.date_joined.date())
    with django_capture_on_commit_callbacks(execute=True):
        offered = services.exit_surveys_offer_due()
    assert offered == 1 and services.exit_surveys_offer_due() == 0
    assert len(mailoutbox) == 1 and "/insights/exit/" in mailoutbox[0].body
