"""Three members rank candidates on a phone, the ballot closes, the results page shows the stages (issue 5).

Debian's /usr/bin/chromium through Playwright (never `playwright install`); pytest-django's `live_server` serves
the pages: a remote ballot's pages need no WebSocket. Alice taps and drags, Bob taps and uses the arrows, Erin has
JavaScript off and uses the rank selects, the accessible fallback. Each reviews, casts, and keeps her receipt.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from rankandfile.ballots import services
from rankandfile.ballots.tests.helpers import draft_ballot
from rankandfile.org.models import Member
from rankandfile.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANN, BEN, CAT = "Ann Organizer", "Ben Steward", "Cat Delegate"


class Phone:
    """One member's phone: a browser context of 390 × 844 logged in as the member, collecting any error."""

    def __init__(self, browser: Browser, base_url: str, member: Member, *, javascript: bool = True) -> None:
        client = Client()
        log_in(client, member)
        self.context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
        self.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        self.page.on("response", lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def review_and_cast(self) -> tuple[str, str]:
        page = self.page
        page.get_by_role("button", name="Review my ballot").click()
        expect(page.get_by_role("heading", name="Review your ballot")).to_be_visible()
        page.get_by_role("button", name="Cast my ballot").click()
        expect(page.get_by_role("heading", name="Your ballot is cast")).to_be_visible()
        return page.locator("#receipt").inner_text(), page.locator("#nonce").inner_text()


def ranking_shown(page: Page) -> list[str]:
    return page.locator("[data-rank-chosen] .rank-name").all_inner_texts()


def test_it_lets_three_members_rank_on_a_phone_and_shows_the_stages(browser: Browser, live_server: Any) -> None:
    from rankandfile.testing import build_small_org

    org = build_small_org()
    ballot = draft_ballot(org, method="stv-scottish", seats=2, labels=(ANN, BEN, CAT), title="Branch committee")
    ballot = services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(days=3))
    url = f"{live_server.url}/ballots/{ballot.pk}/"

    # Alice taps Ben then Ann, then drags Ann to the top.
    alice = Phone(browser, live_server.url, org.alice)
    alice.page.goto(url)
    expect(alice.page.get_by_text("Give each candidate you support a rank")).to_be_hidden()  # the fallback gives way
    alice.page.locator("[data-rank-pool]").get_by_role("button", name=BEN).click()
    alice.page.locator("[data-rank-pool]").get_by_role("button", name=ANN).click()
    assert ranking_shown(alice.page) == [BEN, ANN]
    names = alice.page.locator("[data-rank-chosen] .rank-name")
    names.nth(1).drag_to(names.nth(0))
    expect(names.first).to_have_text(ANN)
    alice_receipt, alice_nonce = alice.review_and_cast()

    # Bob taps Cat then Ann, and moves Ann up with the arrow.
    bob = Phone(browser, live_server.url, org.bob)
    bob.page.goto(url)
    bob.page.locator("[data-rank-pool]").get_by_role("button", name=CAT).click()
    bob.page.locator("[data-rank-pool]").get_by_role("button", name=ANN).click()
    bob.page.get_by_role("button", name=f"Move up {ANN}").click()
    assert ranking_shown(bob.page) == [ANN, CAT]
    bob.review_and_cast()

    # Erin has no JavaScript: one rank select per candidate.
    erin = Phone(browser, live_server.url, org.erin, javascript=False)
    erin.page.goto(url)
    erin.page.get_by_label(BEN).select_option("1")
    erin.review_and_cast()

    services.ballot_close(actor=org.dave, ballot=ballot)

    alice.page.goto(f"{url}results/")
    expect(alice.page.locator("#verdict")).to_contain_text(f"Elected: {ANN}, {BEN}")
    stages = alice.page.locator("table.count-table")
    expect(stages).to_contain_text("Stage 1")
    expect(stages).to_contain_text("First preferences")
    expect(stages).to_contain_text("Stage 2")
    expect(stages).to_contain_text(f"Exclusion of {CAT}")

    # Alice finds her ballot in the published box, unchanged.
    alice.page.get_by_role("button", name="Check my receipt").click()
    alice.page.get_by_label("Receipt").fill(alice_receipt)
    alice.page.get_by_label("Check code").fill(alice_nonce)
    alice.page.get_by_role("button", name="Check").click()
    expect(alice.page.locator("#check-result")).to_contain_text("Your ballot is in the box, unchanged")
    expect(alice.page.locator("#check-result")).to_contain_text(f"{ANN} › {BEN}")

    for phone in (alice, bob, erin):
        phone.context.close()
        assert not phone.problems, f"the browser reported errors: {phone.problems}"
    assert re.fullmatch(r"[0-9a-f ]{71}", alice_receipt)
