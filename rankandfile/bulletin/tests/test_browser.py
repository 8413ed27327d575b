"""The bulletin in Debian's chromium, on phones: submit → co-sign → publish in an issue → respond → reply →
search → print digest (issue 14). Alice writes, Rosa co-signs and answers, Eve (a Leeds bulletin editor, a role with
`manage_bulletin` only) schedules and publishes the issues. Each member has a browser context of their own; the
`page` fixture (tests/test_browser.py) fails the test on any console error or failed request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from rankandfile.bulletin.tests.helpers import leeds_period
from rankandfile.org.models import RoleType
from rankandfile.testing import build_small_org, give_role, make_member
from tests.test_browser import log_in_with_the_keyboard, page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["page"]  # the fixture, used by name (`browser` is conftest.py's)


@pytest.fixture
def second_phone(browser: Browser) -> Iterator[Any]:
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        contexts.append(context)
        new = context.new_page()
        new.set_default_timeout(15_000)
        return new

    yield open_page
    for context in contexts:
        context.close()


def write(page: Page, title: str, text: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text").fill(text)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")


def publish_next_issue(eve: Page, base: str, period_url: str, document_title: str) -> None:
    eve.goto(base + period_url)
    eve.get_by_role("button", name="Schedule an issue").click()
    eve.get_by_label("Publish at").fill("2030-01-01T10:00")
    eve.get_by_role("button", name="Save").click()
    eve.get_by_role("link", name=document_title).click()
    eve.get_by_role("button", name="Place in issue").click()
    expect(eve.get_by_role("status")).to_contain_text("Placed in issue")
    eve.goto(base + period_url)
    eve.locator("ol.issues li").last.get_by_role("link").click()
    eve.get_by_role("button", name="Publish now").click()
    expect(eve.get_by_role("status")).to_contain_text("published")


def test_members_debate_in_the_bulletin_from_submission_to_the_printed_digest(
    live_server: Any, page: Page, second_phone: Any
) -> None:
    org = build_small_org()
    eve = make_member("Eve Editor", org.leeds)
    rosa = make_member("Rosa Member", org.leeds)  # officers log in with a second factor: these two need none
    editors = RoleType.objects.create(
        unit=org.leeds, name="Bulletin editors", seats=2, term_months=12, capabilities=["manage_bulletin"]
    )
    give_role(eve, editors)
    period = leeds_period(org)
    period_url = period.get_absolute_url()
    base = live_server.url

    # Alice submits a document.
    log_in_with_the_keyboard(page, base, org.alice.email)
    page.goto(base + period_url)
    page.get_by_role("button", name="Write a document").click()
    write(page, "For a rent strike fund", "The branch should build a **strike fund** before the rent strike.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted")

    # Rosa co-signs it.
    rosa_page = second_phone()
    log_in_with_the_keyboard(rosa_page, base, rosa.email)
    rosa_page.goto(base + period_url)
    rosa_page.get_by_role("link", name="For a rent strike fund").click()
    rosa_page.get_by_role("button", name="Co-sign").click()
    expect(rosa_page.get_by_role("status")).to_contain_text("You co-signed")

    # Eve publishes it in issue 1.
    editor = second_phone()
    log_in_with_the_keyboard(editor, base, eve.email)
    publish_next_issue(editor, base, period_url, "For a rent strike fund")

    # Rosa responds; Eve publishes the response in issue 2.
    rosa_page.goto(base + period_url)
    rosa_page.get_by_role("link", name="Issue 1").click()
    rosa_page.locator("article h2").get_by_role("link", name="For a rent strike fund").click()
    rosa_page.get_by_role("button", name="Respond").click()
    write(rosa_page, "Not before the ballot", "A fund, yes; a strike only after the members vote.")
    rosa_page.get_by_role("button", name="Submit").click()
    publish_next_issue(editor, base, period_url, "Not before the ballot")

    # Alice uses her right of reply: published at once.
    page.goto(base + period_url)
    page.get_by_role("link", name="Issue 2").click()
    page.locator("article h2").get_by_role("link", name="Not before the ballot").click()
    page.get_by_role("button", name="your right of reply", exact=False).click()
    write(page, "Reply: the members will vote", "Agreed: we ballot first, and the fund starts now.")
    page.get_by_role("button", name="Publish my reply").click()
    expect(page.get_by_role("status")).to_contain_text("Published as your reply")

    # The thread under the first document shows the response and the reply.
    page.goto(base + period_url)
    page.get_by_role("link", name="Issue 1").click()
    page.locator("article h2").get_by_role("link", name="For a rent strike fund").click()
    thread = page.locator("ul.thread")
    expect(thread.get_by_role("link", name="Not before the ballot")).to_be_visible()
    expect(thread.get_by_role("link", name="Reply: the members will vote")).to_be_visible()

    # Search, with the matches highlighted.
    page.get_by_role("link", name=period.title).click()
    page.get_by_label("Search the bulletin").fill("strike fund")
    page.get_by_role("button", name="Search").click()
    results = page.locator("ol.search-results li")
    expect(results.first.locator("mark").first).to_be_visible()
    expect(results.first).to_contain_text("For a rent strike fund")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling

    # The printable digest of issue 1: on paper, no screen-only links.
    page.goto(base + period_url)
    page.get_by_role("link", name="Issue 1").click()
    page.get_by_role("button", name="Printable digest").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(period.title)
    expect(page.locator("article.digest-document")).to_contain_text("strike fund")
    page.emulate_media(media="print")
    expect(page.locator(".screen-only")).to_be_hidden()
    assert len(page.pdf(format="A4")) > 1000  # chromium lays the digest out on paper
