"""Recall pages: the petition with its statement (sanitized) and response, progress "n of m", signatures hidden
until the petition closes, the officer's own refusals, and the recall ballot showing both texts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rankandfile.org.models import RoleTerm
from rankandfile.recall import services
from rankandfile.recall.models import Petition
from rankandfile.testing import log_in, make_member


@pytest.fixture
def petition(org: Any) -> Petition:
    for i in range(7):
        make_member(f"Leeds Member {i}", org.leeds)
    term = RoleTerm.objects.get(holder=org.bob, role_type=org.chair_role)
    return services.petition_start(
        actor=org.alice, term=term, statement="Bob ignored **three** decisions.<script>alert(1)</script>"
    )


def page(client: Client, member: Any, url: str) -> str:
    log_in(client, member)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_petition_shows_its_statement_sanitized_and_its_progress(
    client: Client, org: Any, petition: Petition
) -> None:
    html = page(client, org.erin, reverse("recall:detail", args=[petition.pk]))
    assert "<strong>three</strong>" in html and "<script>alert(1)</script>" not in html
    assert "1 of 5" in html and "Sign the petition" in html
    assert "shown once the petition closes" in html


def test_nobody_sees_who_signed_while_the_petition_is_open(client: Client, org: Any, petition: Petition) -> None:
    services.petition_sign(actor=org.erin, petition=petition)
    for viewer in (org.bob, org.dave):
        html = page(client, viewer, reverse("recall:detail", args=[petition.pk]))
        assert "Erin Committee" not in html and "Alice Member" not in html and "2 of 5" in html
    html = page(client, org.bob, reverse("recall:live", args=[petition.pk]))
    assert "2 of 5" in html and "Erin" not in html and "Alice" not in html


def test_the_officer_sees_the_response_button_and_no_sign_button(client: Client, org: Any, petition: Petition) -> None:
    html = page(client, org.bob, reverse("recall:detail", args=[petition.pk]))
    assert "Publish a response" in html and "Sign the petition" not in html


def test_the_officer_publishes_a_response_through_the_page(client: Client, org: Any, petition: Petition) -> None:
    log_in(client, org.bob)
    response = client.post(reverse("recall:respond", args=[petition.pk]), {"response": "I *followed* the line."})
    assert response.status_code == 302
    html = page(client, org.alice, reverse("recall:detail", args=[petition.pk]))
    assert "<em>followed</em>" in html


def test_signing_through_the_page_to_the_threshold_opens_the_ballot_which_shows_both_texts(
    client: Client, org: Any, petition: Petition
) -> None:
    services.petition_respond(actor=org.bob, petition=petition, response="My **answer**.")
    signers = list(petition.roll.exclude(member__in=[org.alice, org.bob]).select_related("member")[:4])
    for entry in signers:
        log_in(client, entry.member)
        assert client.post(reverse("recall:sign", args=[petition.pk])).status_code == 302
    petition.refresh_from_db()
    assert petition.status == "ballot" and petition.ballot_id is not None
    html = page(client, org.alice, reverse("ballots:detail", args=[petition.ballot_id]))
    assert "<strong>three</strong>" in html and "<strong>answer</strong>" in html
    html = page(client, org.bob, reverse("recall:detail", args=[petition.pk]))
    assert all(entry.member.full_name in html for entry in signers)  # public once the petition closed


def test_the_unit_list_shows_petitions_and_officers(
    client: Client, org: Any, petition: Petition, django_assert_max_num_queries: Any
) -> None:
    log_in(client, org.erin)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("recall:list", args=[org.leeds.pk]))
    html = response.content.decode()
    assert "Bob Chair, Branch chair" in html and "1 of 5" in html and "Start a recall petition" in html


def test_a_member_of_another_unit_gets_404(client: Client, org: Any, petition: Petition) -> None:
    log_in(client, org.otto)
    assert client.get(reverse("recall:detail", args=[petition.pk])).status_code == 404
