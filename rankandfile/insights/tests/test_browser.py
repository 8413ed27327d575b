"""A member opens the insights pages on a phone (390×844): the comparison, a unit's charts and tables, a definition.

Debian's /usr/bin/chromium through Playwright (conftest.py's `browser`), with tests/test_browser.py's phone-sized
`page`, which also fails the test on any console error or failed request (so the SVG charts break no CSP rule).
The history is the culture simulator's: a few months of a branch, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rankandfile.insights import services
from rankandfile.insights.simulator.run import simulate
from rankandfile.org.services import members_import
from rankandfile.testing import build_small_org
from tests.test_browser import log_in_with_the_keyboard, page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["page"]


def test_a_member_reads_a_branchs_insights_on_a_phone(live_server: Any, page: Page) -> None:
    org = build_small_org()
    result = simulate(
        members=24, months=4, seed=3, rules="open", unit_path="national/north/leeds/east", start=dt.date(2025, 1, 1),
        attendance=8,
    )  # fmt: skip
    members_import(actor=None, unit=result.unit, file=f"email,full_name\n{org.alice.email},Alice Member\n")
    services.snapshots_refresh_stale()

    log_in_with_the_keyboard(page, live_server.url, org.alice.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights")
    page.get_by_role("link", name="national/north/leeds/east").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Insights: East")
    # The survival chart is drawn only when a group has five members or more (the table says "fewer than 5").
    expect(page.get_by_role("img", name="Share of speaking time taken by role holders, by quarter")).to_be_visible()
    expect(page.get_by_role("img", name="Pile-on events by quarter")).to_be_visible()
    expect(
        page.get_by_role("table", name="Share still members 12 and 24 months after joining (Kaplan–Meier)")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Speaking time and turns by quarter")).to_contain_text("2025-Q1")
    expect(
        page.get_by_role("table", name="Runs of three or more role holders answering one member's dissent, by quarter")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.locator("#retention").get_by_role("link", name="definition").click()
    expect(page.get_by_role("heading", name="Who stays")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Kaplan–Meier")
