"""The Django admin shows that ballots exist, never what is in them or who voted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.test import Client

from rankandfile.ballots import services
from rankandfile.ballots.models import PublishedBallot
from rankandfile.testing import log_in


def test_it_registers_neither_the_box_nor_participation_nor_the_roll() -> None:
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert not registered & {
        "ballots.castballot",
        "ballots.publishedballot",
        "ballots.participation",
        "ballots.eligiblevoter",
        "ballots.ballotoption",
    }


def test_it_shows_no_ballot_content_or_receipt_on_any_admin_page(org: Any, ranked: Any) -> None:
    receipt = services.ballot_cast(voter=org.alice, ballot=ranked, names=["Cat", "Ben"])
    services.ballot_close(actor=org.dave, ballot=ranked)
    client = Client()
    log_in(client, org.otto)
    for page in ("/admin/ballots/ballot/", f"/admin/ballots/ballot/{ranked.pk}/change/", "/admin/"):
        html = client.get(page).content.decode()
        assert receipt.receipt not in html and "Cat" not in html, page
        assert PublishedBallot.objects.get().receipt not in html
