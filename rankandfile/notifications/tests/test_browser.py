"""Alice reads her notifications on a phone (390×844): the header's count, opening one, marking all read (issue 12).

Debian's /usr/bin/chromium through Playwright (conftest.py's `browser`), with tests/test_browser.py's phone-sized
`page`, which also fails the test on any console error or failed request. The notifications are raised as members
would raise them: a ballot opens on her roll and Bob co-signs her proposal; the tasks run at once (immediate mode)
after each commit."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.proposals import services as proposal_services
from rankandfile.testing import build_small_org
from tests.test_browser import log_in_with_the_keyboard, page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["page"]  # the fixture, used by name (`browser` is conftest.py's)


def test_a_member_reads_her_notifications_on_a_phone(live_server: Any, page: Page, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org = build_small_org()
    ballot = open_ballot(org, title="Branch steward election")
    proposal = proposal_services.proposal_create(actor=org.alice, unit=org.leeds, title="Strike fund", text="Fund.")
    proposal_services.proposal_submit(actor=org.alice, proposal=proposal)
    proposal_services.proposal_sign(actor=org.bob, proposal=proposal)

    log_in_with_the_keyboard(page, live_server.url, org.alice.email)
    header = page.get_by_role("navigation", name="Main")
    link = header.get_by_role("link", name="Notifications")
    expect(link).to_contain_text("2")
    box = link.bounding_box()
    assert box is not None and box["height"] >= 24 and box["x"] + box["width"] <= 390  # on screen, tappable
    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.locator("li.notification")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Bob Chair co-signed your proposal “Strike fund”")
    expect(items.nth(1)).to_contain_text("Vote now: “Branch steward election” (Leeds)")
    expect(page.locator("li.notification.unread")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling

    items.nth(1).get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/ballots/{ballot.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Branch steward election")
    expect(header.get_by_role("link", name="Notifications")).to_contain_text("1")

    header.get_by_role("link", name="Notifications").click()
    expect(page.locator("li.notification.unread")).to_have_count(1)
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("status")).to_contain_text("1 notification marked read")
    expect(page.locator("li.notification.unread")).to_have_count(0)
    expect(header.locator(".tag-count")).to_have_count(0)
