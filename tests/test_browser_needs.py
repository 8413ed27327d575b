"""Alice opens the site on a phone (390×844) and sees what needs her first: a live meeting, then a ballot, then a
counter-proposal to co-sign; her branch's page leads with the same for the branch (issue 12).

tests/test_browser.py's phone-sized `page` fails the test on any console error (CSP included) or failed request."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.proposals import services as proposal_services
from rankandfile.testing import build_small_org
from tests.test_browser import log_in_with_the_keyboard, page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["page"]


def test_a_member_sees_what_needs_her_first_on_a_phone(live_server: Any, page: Page) -> None:
    org = build_small_org()
    ballot = open_ballot(org, title="Branch steward election")
    open_ballot(org, title="National survey", unit=org.national)
    make_meeting(org, title="Emergency branch meeting")
    proposal = proposal_services.proposal_create(actor=org.bob, unit=org.leeds, title="Rent strike", text="Strike.")
    proposal_services.proposal_submit(actor=org.bob, proposal=proposal)

    log_in_with_the_keyboard(page, live_server.url, org.alice.email)
    needs = page.get_by_role("region", name="Needs you")
    expect(needs).to_be_visible()
    cards = needs.get_by_role("listitem")
    expect(cards).to_have_count(4)
    expect(cards.first).to_contain_text("Emergency branch meeting")  # live first
    expect(cards.first).to_contain_text("now")
    expect(cards.nth(1)).to_contain_text("Branch steward election")
    expect(cards.nth(1)).to_contain_text("not voted yet")
    first_box = needs.bounding_box()
    assert first_box is not None and first_box["y"] < 400  # it leads the page
    for button in needs.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    cards.nth(1).get_by_role("button", name="Vote").click()
    page.wait_for_url(f"{live_server.url}/ballots/{ballot.pk}/")

    page.goto(f"{live_server.url}/units/{org.leeds.pk}/")
    unit_needs = page.get_by_role("region", name="Needs you")
    expect(unit_needs).to_contain_text("Branch steward election")
    expect(unit_needs).not_to_contain_text("National survey")
