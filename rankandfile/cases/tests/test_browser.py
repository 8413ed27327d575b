"""In Debian's chromium (issue 11): an anonymous visitor reports a concern and gets a receipt; a committee member
unlocks her case key, reads the complaint and replies; the complainant enters the receipt and reads the reply; a
branch chair opening the case's address gets 404, and the committee sees the attempt."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from rankandfile.cases.tests.helpers import passphrase_of, set_passphrase
from rankandfile.org.models import Member
from rankandfile.testing import PASSWORD, SmallOrg, enrol_second_factor, next_totp_code

pytestmark = pytest.mark.browser


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(15_000)
    return page


def log_in_with_code(page: Page, base_url: str, member: Member, device: Any) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.get_by_label("Code").fill(next_totp_code(device))
    page.get_by_label("Code").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_anonymous_intake_to_committee_reply_to_complainant_and_a_refused_chair(
    org: SmallOrg, live_server: Any, browser: Browser
) -> None:
    base_url = live_server.url
    set_passphrase(org.erin)
    erin_device = enrol_second_factor(org.erin).device
    bob_device = enrol_second_factor(org.bob).device

    # An anonymous visitor, from the footer.
    visitor = new_page(browser)
    visitor.goto(base_url + "/accounts/login/")
    visitor.get_by_role("link", name="Report a concern").click()
    visitor.get_by_role("link", name="Leeds").click()
    visitor.get_by_label("What kind of concern").select_option("harassment")
    visitor.get_by_label("What happened").fill("At the social on Friday an organizer cornered me twice.")
    visitor.get_by_role("button", name="Send to the committee").click()
    receipt = visitor.locator("[data-receipt]").inner_text()
    assert len(receipt) == 19 and receipt.replace("-", "").isdigit()

    # The committee member logs in (second factor), unlocks, reads and replies.
    erin = new_page(browser)
    log_in_with_code(erin, base_url, org.erin, erin_device)
    erin.goto(base_url + "/cases/")
    erin.get_by_role("button", name="Unlock your case key").click()  # a link styled as a button
    erin.get_by_label("Case passphrase").fill(passphrase_of(org.erin))
    erin.get_by_role("button", name="Unlock").click()
    expect(erin.get_by_role("heading", level=1)).to_have_text("Cases before my committee")
    erin.get_by_role("table").get_by_role("link").first.click()
    expect(erin.locator("[data-complaint]")).to_contain_text("cornered me twice")
    case_url = erin.url
    erin.get_by_label("Kind").select_option("to_complainant")
    erin.get_by_label("Text").fill("We are sorry. Could you tell us who else was there?")
    erin.get_by_role("button", name="Add").click()
    expect(erin.get_by_role("main")).to_contain_text("Could you tell us who else was there?")

    # The complainant comes back with the receipt.
    complainant = new_page(browser)
    complainant.goto(base_url + "/cases/receipt/")
    complainant.get_by_label("Your receipt").fill(receipt)
    complainant.get_by_role("button", name="Open my case").click()
    expect(complainant.locator("#messages")).to_contain_text("Could you tell us who else was there?")

    # A branch chair tries the case's address.
    bob = new_page(browser)
    log_in_with_code(bob, base_url, org.bob, bob_device)
    response = bob.goto(case_url)
    assert response is not None and response.status == 404
    assert "cornered" not in bob.content()

    erin.reload()
    expect(erin.locator("#who-looked")).to_contain_text("Bob Chair")
    expect(erin.locator("#who-looked tr.refused")).to_contain_text("refused attempt")
