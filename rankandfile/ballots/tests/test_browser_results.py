"""Bob reads an election's count on a phone (390×844) and on a laptop (1366×768): a sentence per stage, figures to
two decimals, elected and excluded in words, the names column kept in view, the whole table on the laptop, and
"Check it yourself" with its download first (issue 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, expect

from rankandfile.ballots import services
from rankandfile.ballots.tests.helpers import draft_ballot, voters
from rankandfile.testing import build_small_org, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ("Meera Chandrasekaran", "Abdi Farah", "Daniel Kowalski", "Lucía Fernández", "Tomasz Wiśniewski")


def closed_election() -> tuple[Any, Any]:
    org = build_small_org()
    crowd = voters(org.leeds, 14)
    ballot = draft_ballot(org, method="stv-scottish", seats=2, labels=NAMES, title="Steering committee")
    ballot = services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(days=1))
    rankings = [[0, 1], [0, 2], [0, 3], [0, 1], [0, 4], [1, 2], [1, 0], [2, 3], [2, 1], [3, 2], [3, 4], [4, 3], [1, 3]]
    for voter, ranking in zip(crowd, rankings, strict=False):
        services.ballot_cast(voter=voter, ballot=ballot, names=[NAMES[i] for i in ranking])
    services.ballot_close(actor=org.dave, ballot=ballot)
    return org, ballot


def page_for(browser: Browser, base_url: str, member: Any, width: int, height: int) -> Any:
    client = Client()
    log_in(client, member)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return page, problems


def test_a_member_reads_the_count_on_a_phone_and_a_laptop(browser: Browser, live_server: Any) -> None:
    org, ballot = closed_election()
    url = f"{live_server.url}/ballots/{ballot.pk}/results/"

    phone, problems = page_for(browser, live_server.url, org.alice, 390, 844)
    phone.goto(url)
    stages = phone.locator(".count-stages li")
    expect(stages.first).to_contain_text("Stage 1: First preferences.")
    expect(stages.first).to_contain_text("The quota to be elected is")
    expect(phone.locator(".count-stages")).to_contain_text("was elected")
    table = phone.get_by_role("region", name="The count as a table")
    expect(table).to_contain_text("elected")  # in words, not only by colour
    expect(table).to_contain_text("excluded")
    for figure in table.locator("td").all_inner_texts()[:10]:
        number = figure.split()[0]
        assert len(number.split(".")[1]) == 2, figure  # two decimals
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    name = table.get_by_role("rowheader").first
    before = name.bounding_box()
    table.evaluate("wrap => { wrap.scrollLeft = wrap.scrollWidth; }")
    after = name.bounding_box()
    assert before is not None and after is not None and abs(before["x"] - after["x"]) < 2  # the names stay
    check = phone.get_by_role("heading", name="Check it yourself").locator("xpath=..")
    download = check.get_by_role("button", name="Download the ballot box")
    command = check.locator("code")
    assert download.bounding_box()["y"] < command.bounding_box()["y"]  # type: ignore[index]
    phone.context.close()

    laptop, laptop_problems = page_for(browser, live_server.url, org.alice, 1366, 768)
    laptop.goto(url)
    wrap = laptop.get_by_role("region", name="The count as a table")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), "the whole table is visible at 1366 px"
    laptop.context.close()
    assert not problems and not laptop_problems, problems + laptop_problems
