"""The whole recall in a browser (issue 15): Alice starts a petition against Bob, the chair of Leeds; Bob answers;
Erin signs, which reaches the threshold and opens the recall ballot by itself; the members vote on their phones;
the ballot closes at its time; Bob is recalled, role history says so, and nominations open for the remainder.

Debian's /usr/bin/chromium through Playwright; pytest-django's `live_server` serves the pages (the remote ballot's
pages need no WebSocket; each page shows the count as it loads).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, expect

from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.models import Ballot
from rankandfile.org.models import Member
from rankandfile.recall.models import Petition
from rankandfile.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Phone:
    """One member's phone, logged in, collecting any page error or failed request."""

    def __init__(self, browser: Browser, base_url: str, member: Member) -> None:
        client = Client()
        log_in(client, member)
        self.context = browser.new_context(viewport={"width": 390, "height": 844})
        self.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        # The WSGI live server has no WebSocket: the live fragment's socket is refused, and the page works without.
        self.page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 and "/ws/" not in r.url else None,
        )

    def vote(self, url: str, choice: str) -> None:
        page = self.page
        page.goto(url)
        page.get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="Review my ballot").click()
        page.get_by_role("button", name="Cast my ballot").click()
        expect(page.get_by_role("heading", name="Your ballot is cast")).to_be_visible()


def test_members_recall_an_officer_and_nominations_open_for_the_remainder(browser: Browser, live_server: Any) -> None:
    from rankandfile.testing import build_small_org

    org = build_small_org()  # Leeds: alice, bob (the chair), erin in good standing: two signatures recall
    alice = Phone(browser, live_server.url, org.alice)
    bob = Phone(browser, live_server.url, org.bob)
    erin = Phone(browser, live_server.url, org.erin)

    # Alice starts the petition from the unit's recall page.
    alice.page.goto(f"{live_server.url}/units/{org.leeds.pk}/recalls/")
    alice.page.get_by_role("link", name="Start a recall petition").click()
    alice.page.get_by_label("Statement of reasons").fill("Bob cancelled **two** branch meetings without a vote.")
    alice.page.get_by_role("button", name="Start the petition").click()
    expect(alice.page.get_by_text("1 of 2")).to_be_visible()
    expect(alice.page.locator("strong", has_text="two")).to_be_visible()
    petition = Petition.objects.get()
    petition_url = f"{live_server.url}/recalls/{petition.pk}/"

    # Bob answers beside the statement; he has no button to sign.
    bob.page.goto(petition_url)
    expect(bob.page.get_by_role("button", name="Sign the petition")).to_have_count(0)
    bob.page.get_by_role("button", name="Publish a response").click()
    bob.page.get_by_label("Your response").fill("Both fell on strike days; I said so at the time.")
    bob.page.get_by_role("button", name="Publish").click()
    expect(bob.page.get_by_text("Both fell on strike days")).to_be_visible()

    # Erin signs: the threshold, and the recall ballot opens by itself.
    erin.page.goto(petition_url)
    expect(erin.page.get_by_text("Who signed is shown once the petition closes.")).to_be_visible()
    erin.page.get_by_role("button", name="Sign the petition").click()
    expect(erin.page.get_by_text("2 of 2")).to_be_visible()
    expect(erin.page.get_by_text("recall ballot open")).to_be_visible()
    erin.page.get_by_role("link", name="The recall ballot").first.click()
    expect(erin.page.get_by_text("Bob cancelled")).to_be_visible()  # the statement and the response on the ballot
    expect(erin.page.get_by_text("Both fell on strike days")).to_be_visible()
    ballot_url = erin.page.url

    # The members vote, Bob too: two yes, one no.
    erin.vote(ballot_url, "Yes")
    alice.vote(ballot_url, "Yes")
    bob.vote(ballot_url, "No")

    # Nobody may close it early; at its time the scheduled close counts it.
    ballot = Ballot.objects.get(opened_by_rule=True)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert [b.pk for b in ballot_services.ballots_close_due()] == [ballot.pk]

    alice.page.goto(petition_url)
    result = f"recalled by ballot {ballot.pk}, 66 % yes, quorum met"
    expect(alice.page.get_by_text(result).first).to_be_visible()
    expect(alice.page.get_by_role("link", name="Erin Committee")).to_be_visible()  # signatures now public

    # Role history records it; the seat is vacant; nominations are open for the remainder.
    alice.page.goto(f"{live_server.url}/units/{org.leeds.pk}/")
    expect(alice.page.get_by_text(re.compile("1 vacancy"))).to_be_visible()
    alice.page.goto(f"{live_server.url}/units/{org.leeds.pk}/history/")
    expect(alice.page.get_by_text(result)).to_be_visible()
    alice.page.goto(petition_url)
    alice.page.get_by_role("button", name="The election for the remainder of the term").click()
    expect(alice.page.get_by_text("nominations open", exact=False).first).to_be_visible()
    for phone in (alice, bob, erin):
        assert phone.problems == [], phone.problems
