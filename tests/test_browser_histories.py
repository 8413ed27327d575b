"""Alice reads role history, ballot lists and the audit log on a phone (390×844): one card per row, the reason
for an appointment on screen, a future term labelled "starts on …" and left out of recent changes (issue 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.org import services as org_services
from rankandfile.testing import build_small_org
from tests.test_browser import log_in_with_the_keyboard, page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["page"]


def on_screen(page: Page, locator: Any) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_a_member_reads_histories_as_cards_on_a_phone(live_server: Any, page: Page) -> None:
    org = build_small_org()
    org.chair_role.seats = 2
    org.chair_role.save(update_fields=["seats"])
    org_services.seat_fill(
        role_type=org.chair_role,
        holder=org.erin,
        how_filled="appointed",
        appointed_by=org.carol,
        actor=org.carol,
        reason="Bob asked for a co-chair for the rent strike",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )
    org_services.seat_fill(
        role_type=org.chair_role,
        holder=org.alice,
        how_filled="elected",
        starts_on=timezone.localdate() + dt.timedelta(days=100),
        ends_on=timezone.localdate() + dt.timedelta(days=465),
    )
    open_ballot(org, title="Branch steward election")
    log_in_with_the_keyboard(page, live_server.url, org.alice.email)

    page.goto(f"{live_server.url}/units/{org.leeds.pk}/history/")
    reason = page.get_by_text("Bob asked for a co-chair for the rent strike")
    expect(reason).to_be_visible()
    on_screen(page, reason)
    expect(page.locator("tr", has_text="Alice Member")).to_contain_text("starts on")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server.url}/units/{org.leeds.pk}/")
    recent = page.get_by_role("region", name="Recent role changes")
    expect(recent).to_contain_text("Erin Committee")
    expect(recent).not_to_contain_text("Alice Member")  # not a change yet

    page.goto(f"{live_server.url}/units/{org.leeds.pk}/ballots/")
    row = page.locator("tr", has_text="Branch steward election")
    expect(row).to_contain_text("not voted yet")
    on_screen(page, row.get_by_text("not voted yet"))

    page.goto(f"{live_server.url}/audit/")
    entry = page.locator(".audit-entry", has_text="appointed Erin Committee")
    expect(entry).to_contain_text("Carol Organizer appointed Erin Committee as Branch chair of Leeds")
    on_screen(page, entry)
    page.get_by_label("Kind").select_option("role")
    page.get_by_role("button", name="Show these entries").click()
    expect(page.locator(".audit-entry").first).to_contain_text("Branch chair")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
