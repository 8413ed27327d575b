"""axe-core over every page a member, a chair and an officer use, at phone (390×844) and desktop (1366×768) size:
no serious or critical violation; touch targets at least 44 px high on the phone (issue 12).

axe-core is vendored for the tests only (tests/vendor/, hash checked here) and injected into each page by
Playwright in a context that bypasses the Content-Security-Policy; the site itself never serves it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser

from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.testing import build_small_org, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"
SIZES = {"phone": (390, 844), "desktop": (1366, 768)}
SERIOUS = """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")))"""
SMALL_TARGETS = """() => Array.from(
  document.querySelectorAll("main button, main [role=button], main input[type=submit]"))
  .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
  .map(el => (el.textContent || el.value || el.outerHTML).trim().slice(0, 40))"""


def test_the_vendored_axe_is_the_published_file() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


def pages(org: Any) -> list[str]:
    ballot = open_ballot(org, title="Steward election")
    closed = open_ballot(org, title="Closed election")
    ballot_services.ballot_cast(voter=org.bob, ballot=closed, names=["Ann", "Ben"])
    ballot_services.ballot_close(actor=org.dave, ballot=closed)
    meeting = make_meeting(org, title="Branch meeting", starts_at=timezone.now() - dt.timedelta(minutes=1))
    return [
        reverse("home"),
        reverse("org:units"),
        reverse("org:unit", args=[org.leeds.pk]),
        reverse("org:directory", args=[org.leeds.pk]),
        reverse("org:unit_history", args=[org.leeds.pk]),
        reverse("org:member", args=[org.bob.pk]),
        reverse("org:my_profile"),
        reverse("ballots:list", args=[org.leeds.pk]),
        reverse("ballots:detail", args=[ballot.pk]),
        reverse("ballots:results", args=[closed.pk]),
        reverse("ballots:receipt_check", args=[closed.pk]),
        reverse("proposals:list", args=[org.leeds.pk]),
        reverse("meetings:unit_meetings", args=[org.leeds.pk]),
        reverse("meetings:meeting", args=[meeting.pk]),
        reverse("audit:log"),
        reverse("notifications:list"),
    ]


def test_member_pages_have_no_serious_violations_at_phone_and_desktop_size(browser: Browser, live_server: Any) -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    org = build_small_org()
    urls = pages(org)
    meeting_id = urls[-3].rstrip("/").rsplit("/", 1)[-1]
    officer_urls = [
        reverse("meetings:chair", args=[meeting_id]),
        reverse("meetings:projector", args=[meeting_id]),
        reverse("org:import", args=[org.leeds.pk]),
        reverse("org:invite", args=[org.leeds.pk]),
    ]
    found: list[str] = []
    for member, member_urls in ((org.alice, [*urls, reverse("login")]), (org.bob, officer_urls)):
        client = Client()
        log_in(client, member)
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
            cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
            context.add_cookies([cookie])
            page = context.new_page()
            page.set_default_timeout(15_000)
            for url in member_urls:
                page.goto(live_server.url + url)
                page.add_script_tag(path=str(AXE))
                found += [f"{size} {url}: {problem}" for problem in page.evaluate(SERIOUS)]
                if size == "phone":
                    found += [f"{size} {url}: target under 44 px: {t}" for t in page.evaluate(SMALL_TARGETS)]
            context.close()
    assert not found, "\n".join(found)
