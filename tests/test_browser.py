"""A member logs in and finds her branch's directory and a profile, in Debian's chromium (issue 2).

Playwright drives /usr/bin/chromium (the `browser` fixture of conftest.py, launched by `rankandfile.testing.chromium`,
which switches Django's async-safety check off while it runs); pytest-django's `live_server` serves the pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from rankandfile.testing import PASSWORD, SmallOrg

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone first
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(f"{message.text} {message.location}") if message.type == "error" else None,
    )
    page.on(
        "response",
        lambda response: problems.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    yield page
    context.close()
    assert not problems, f"the browser reported errors: {problems}"


def log_in_with_the_keyboard(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    email_field = page.get_by_label("Email")
    expect(email_field).to_be_focused()  # autofocus: typing starts in the right place
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")  # submits the form without touching the mouse
    page.wait_for_url(base_url + "/")


def test_it_lets_a_member_find_her_directory_and_a_profile(
    org: SmallOrg, live_server: Any, page: Page, tmp_path: Path
) -> None:
    base_url = live_server.url
    log_in_with_the_keyboard(page, base_url, org.alice.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Alice")

    page.get_by_role("main").get_by_role("link", name="Leeds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds")
    page.get_by_role("main").get_by_role("button", name="Directory").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of Leeds")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Bob Chair")
    expect(table).to_contain_text("Branch chair, Leeds")
    expect(table).to_contain_text("Erin Committee")
    expect(table).not_to_contain_text("Frank Former")
    assert "@example.org" not in page.content()  # no contact details for an ordinary member

    table.get_by_role("link", name="Bob Chair").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bob Chair")
    history = page.get_by_role("table")
    expect(history).to_contain_text("Branch chair")
    expect(history).to_contain_text("elected")
    assert org.bob.email not in page.content()

    screenshot = tmp_path / "profile.png"
    page.screenshot(path=str(screenshot), full_page=True)
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 2_000


def test_it_enrols_an_officer_and_then_asks_for_a_code_at_each_login(
    org: SmallOrg, live_server: Any, page: Page
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rankandfile.testing import next_totp_code

    base_url = live_server.url
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(org.bob.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    # bob chairs Leeds (manage_members): sent to enrol before any page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    code = page.get_by_label("Code")
    expect(code).to_be_focused()
    code.fill(next_totp_code(TOTPDevice.objects.get(user=org.bob, confirmed=False)))
    code.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    recovery = page.locator("#recovery-codes code").all_inner_texts()
    assert len(recovery) == 10
    page.get_by_role("button", name="I have kept them").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Bob")

    page.context.clear_cookies()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(org.bob.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your second factor")
    page.get_by_label("Code").fill(recovery[0])
    page.get_by_label("Code").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Bob")


def test_it_refuses_a_wrong_password_in_the_browser(org: SmallOrg, live_server: Any, page: Page) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(org.alice.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("correct email and password")
    assert page.url.startswith(live_server.url + "/accounts/login/")


def test_it_renders_the_api_documentation_without_outside_resources(live_server: Any, page: Page) -> None:
    # Swagger UI must come from our own static files: the CSP allows only 'self', and servers may be offline.
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url))
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.get_by_text("Rank & File API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/units").first).to_be_visible()
    assert not [url for url in outside if not url.startswith("data:")], outside
