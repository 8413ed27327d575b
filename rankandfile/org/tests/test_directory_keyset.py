"""The directory by keyset (issue 12): Next and Previous from a member, and a jump to a letter, in the same order
whichever way the page is read (sorted outright for a small listing, from the name index for a large one)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rankandfile.org import selectors
from rankandfile.org.models import Membership
from rankandfile.org.tests.test_selectors import crowd
from rankandfile.testing import SmallOrg, log_in


@pytest.fixture(params=["sorted outright", "from the name index"])
def strategy(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "from the name index":
        monkeypatch.setattr(selectors, "SORT_OUTRIGHT_UP_TO", 0)
    return str(request.param)


def keys(rows: list[Membership]) -> list[tuple[str, int, str]]:
    return [(m.member.full_name, m.member_id, m.unit.path) for m in rows]


def expected(unit_filter: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted(
        (m.member.full_name, m.member_id, m.unit.path)
        for m in Membership.objects.filter(status="active", **unit_filter).select_related("member", "unit")
    )


def test_next_walks_the_whole_list_in_order_and_previous_walks_it_back(org: SmallOrg, strategy: str) -> None:
    crowd(org, 40)
    walked, page = [], selectors.directory_slice(org.national, per_page=7)
    pages = [page]
    assert page.previous_before is None
    while True:
        walked += keys(page.rows)
        if page.next_after is None:
            break
        page = selectors.directory_slice(org.national, after=page.next_after, per_page=7)
        pages.append(page)
    everyone = expected({})
    assert walked == everyone and page.count == len(everyone)
    back = []
    while page.previous_before is not None:
        page = selectors.directory_slice(org.national, before=page.previous_before, per_page=7)
        back = keys(page.rows) + back
    assert back == [row for p in pages[:-1] for row in keys(p.rows)]


def test_a_member_in_two_units_of_the_listing_appears_once_per_membership_on_one_page(
    org: SmallOrg, strategy: str
) -> None:
    crowd(org, 12)  # every third member also belongs to York
    first = selectors.directory_slice(org.north, per_page=5)
    members = [m.member_id for m in first.rows]
    assert len(set(members)) == 5 and len(members) > 5


def test_a_letter_jumps_to_the_first_name_from_it_on(org: SmallOrg, strategy: str) -> None:
    crowd(org, 20)
    page = selectors.directory_slice(org.national, letter="e", per_page=3)
    names = [m.member.full_name for m in page.rows]
    assert page.letter == "E" and names[0] == "Erin Committee" and all(n >= "E" for n in names)
    assert page.previous_before is not None  # "Bob Chair", "Crowd …" come before
    nobody_before = selectors.directory_slice(org.national, letter="A", per_page=3)
    assert nobody_before.previous_before is None


def test_it_searches_with_the_keyset_too(org: SmallOrg, strategy: str) -> None:
    crowd(org, 30)
    page = selectors.directory_slice(org.leeds, query="crowd 01", per_page=50)
    assert [m.member.full_name for m in page.rows] == [f"Crowd {i:03d}" for i in range(10, 20)]
    assert page.count == 10 and page.next_after is None


def test_the_page_offers_letters_next_and_previous(org: SmallOrg) -> None:
    crowd(org, 60)
    client = Client()
    log_in(client, org.alice)
    url = reverse("org:directory", args=[org.leeds.pk])
    first = client.get(url)
    assert first.context["page"].next_after is not None
    html = first.content.decode()
    assert f'href="?after={first.context["page"].next_after}&amp;' in html and 'href="?letter=M&amp;' in html
    second = client.get(url, {"after": first.context["page"].next_after})
    assert f'href="?before={second.context["page"].previous_before}&amp;' in second.content.decode()
    assert client.get(url, {"after": "not-a-number", "letter": "%"}).status_code == 200


def test_the_api_pages_by_member_and_letter(org: SmallOrg) -> None:
    from rankandfile.org import services

    crowd(org, 60)
    _token, raw = services.api_token_create(member=org.alice, name="sync")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/v1/units/{org.leeds.pk}/members"
    first = api.get(url).json()
    second = api.get(url, {"after": first[-1]["member_id"]}).json()
    assert len(first) == 50 and second[0]["full_name"] > first[-1]["full_name"]
    assert api.get(url, {"letter": "e"}).json()[0]["full_name"] == "Erin Committee"
    assert [e["member_id"] for e in api.get(url, {"page": 1}).json()] == [e["member_id"] for e in first]


def test_a_deep_page_costs_the_same_however_many_units_the_subtree_has(
    org: SmallOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each member of the page is checked from their own memberships, never once per unit of the subtree (the plan
    that made a deep national page cost ~300 ms at 1,000 units: docs/performance.md). Counted in SQLite's virtual
    machine steps, which do not depend on the machine's load."""
    from django.db import connection

    from rankandfile.org.models import Unit

    if connection.vendor != "sqlite":
        pytest.skip("counts SQLite's virtual machine steps")
    monkeypatch.setattr(selectors, "SORT_OUTRIGHT_UP_TO", 0)
    crowd(org, 120)
    anchor = selectors.directory_slice(org.national, per_page=30).next_after

    def steps() -> int:
        counted = [0]

        def tick() -> int:
            counted[0] += 1
            return 0

        connection.ensure_connection()
        connection.connection.set_progress_handler(tick, 100)
        try:
            selectors.directory_slice(org.national, after=anchor, per_page=50)
        finally:
            connection.connection.set_progress_handler(None, 100)
        return counted[0]

    few = steps()
    Unit.objects.bulk_create(
        Unit(name=f"Branch {i}", slug=f"b{i}", kind="branch", parent=org.north, path=f"{org.north.path}/b{i}", depth=2)
        for i in range(600)
    )
    assert steps() <= few * 1.2  # measured: 81 and 82 hundred steps; through the old subquery, 88 and 143
