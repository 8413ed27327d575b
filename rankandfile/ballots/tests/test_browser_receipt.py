"""Alice votes on a phone (390×844) and keeps her receipt: statements stay in view once ranked, "Change my marks"
keeps her ranking, and the receipt survives a reload and the back button, with Copy, Download and a warning before
she leaves without saving it (issue 12).

tests/test_browser.py's phone-sized `page` fails the test on any console error (CSP included) or failed request."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, Page, expect

from rankandfile.ballots import services
from rankandfile.ballots.domain import rotation
from rankandfile.testing import build_small_org
from tests.test_browser import log_in_with_the_keyboard, page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["page"]

STATEMENTS = {
    "Ann Organizer": "Ten years on the picket line.",
    "Ben Steward": "I will publish every committee vote.",
    "Cat Delegate": "Rotate the chair every meeting.",
}


def test_a_member_votes_and_keeps_her_receipt_on_a_phone(live_server: Any, page: Page, tmp_path: Any) -> None:
    org = build_small_org()
    ballot = services.ballot_create(
        actor=org.dave,
        unit=org.leeds,
        title="Branch steward",
        kind="election",
        method="irv",
        seats=1,
        cutoff_on=timezone.localdate(),
        options=[services.OptionSpec(label, statement) for label, statement in STATEMENTS.items()],
    )
    ballot = services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(days=3))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in_with_the_keyboard(page, live_server.url, org.alice.email)
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/")

    # The candidates in Alice's own rotation of the ballot's order.
    pool = page.locator("[data-rank-pool] button")
    expected = rotation.rotated(list(STATEMENTS), ballot.key, org.alice.pk)
    assert [label.split("\n")[0] for label in pool.all_inner_texts()] == expected

    page.locator("[data-rank-pool]").get_by_role("button", name=re.compile("^Ben Steward")).click()
    page.locator("[data-rank-pool]").get_by_role("button", name=re.compile("^Cat Delegate")).click()
    chosen = page.locator("[data-rank-chosen]")
    expect(chosen).to_contain_text("I will publish every committee vote.")  # the statement stays in view

    page.get_by_role("button", name="Review my ballot").click()
    expect(page.get_by_role("heading", name="Review your ballot")).to_be_visible()
    page.get_by_role("button", name="Change my marks").click()
    expect(chosen.locator("li")).to_have_count(2)  # the ranking is kept
    expect(chosen.locator("li").first).to_contain_text("Ben Steward")
    expect(chosen.locator("li").nth(1)).to_contain_text("Cat Delegate")
    page.get_by_role("button", name="Review my ballot").click()
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_role("heading", name="Your ballot is cast")).to_be_visible()
    receipt, nonce = page.locator("#receipt").inner_text(), page.locator("#nonce").inner_text()
    assert len(nonce) >= 16
    page.wait_for_url(f"{live_server.url}/ballots/{ballot.pk}/my-receipt/")  # not the cast's address
    assert nonce not in page.url

    # Leaving before saving the codes asks first; staying keeps the page.
    page.locator("#receipt").click()  # a tap on the page (browsers ask only after one)
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("button", name="Back to the ballot").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.get_by_role("heading", name="Your ballot is cast")).to_be_visible()

    # Download: a small text file with both codes.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / "receipt.txt"
    download_info.value.save_as(saved)
    text = saved.read_text()
    assert receipt in text and nonce in text and f"/ballots/{ballot.pk}/receipt/" in text
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("[data-receipt-status]")).to_contain_text("Copied")
    assert nonce in page.evaluate("navigator.clipboard.readText()")

    # A reload shows the receipt again (from this tab), not an "already voted" error; so does the back button.
    page.reload()
    expect(page.locator("#nonce")).to_have_text(nonce)
    expect(page.get_by_role("list").filter(has_text="Ben Steward")).to_contain_text("Cat Delegate")
    page.get_by_role("button", name="Back to the ballot").click()  # saved: no question asked
    expect(page.get_by_text("You have voted in this ballot.")).to_be_visible()
    page.go_back()
    expect(page.locator("#nonce")).to_have_text(nonce)
    page.go_back()  # the review page's place: the ballot page, never a second cast
    expect(page.get_by_text("You have voted in this ballot.")).to_be_visible()

    # Before the close, the receipt check says when the box is published.
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/receipt/")
    expect(page.get_by_role("status")).to_contain_text("The ballot box is published when the ballot closes")
