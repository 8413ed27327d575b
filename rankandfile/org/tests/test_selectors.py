"""Reads that cross relations: the directory's order and paging, which read deep pages from the end."""

from __future__ import annotations

from typing import Any

import pytest

from rankandfile.org import selectors
from rankandfile.org.models import Member, Membership
from rankandfile.testing import SmallOrg, make_unit


def crowd(org: SmallOrg, count: int) -> list[Member]:
    """`count` members with names out of insertion order; every third also belongs to York."""
    members = Member.objects.bulk_create(
        Member(email=f"crowd{i}@example.org", full_name=f"Crowd {(i * 37) % count:03d}", password="!")
        for i in range(count)
    )
    Membership.objects.bulk_create(Membership(member=m, unit=org.leeds) for m in members)
    Membership.objects.bulk_create(Membership(member=m, unit=org.york) for m in members[::3])
    return members


def rows_of(unit: Any, page: int, **kwargs: Any) -> list[tuple[str, int, str]]:
    found = selectors.directory_page(unit, page=page, per_page=7, **kwargs)
    return [(m.member.full_name, m.member_id, m.unit.path) for m in found.object_list]


def test_it_pages_the_directory_by_name_then_member_then_unit_both_ways(org: SmallOrg) -> None:
    crowd(org, 40)
    expected = sorted(
        (m.member.full_name, m.member_id, m.unit.path)
        for m in Membership.objects.filter(status="active").select_related("member", "unit")
    )
    paged: list[tuple[str, int, str]] = []
    count = selectors.directory_page(org.national, per_page=7).paginator
    for number in range(1, count.num_pages + 1):
        paged += rows_of(org.national, number)
    # Pages after the middle are read in reverse order from the end; together they are the whole list, in order.
    assert count.count == len(expected) > 7 * 4
    assert paged == expected


def test_it_fills_the_last_page_with_the_last_rows(org: SmallOrg) -> None:
    crowd(org, 30)
    first = selectors.directory_page(org.leeds, page=1, per_page=7)
    last = selectors.directory_page(org.leeds, page=first.paginator.num_pages, per_page=7)
    everyone = sorted(
        (m.member.full_name, m.member_id)
        for m in Membership.objects.filter(unit=org.leeds, status="active").select_related("member")
    )
    assert [(m.member.full_name, m.member_id) for m in last.object_list] == everyone[(last.number - 1) * 7 :]
    assert len(last.object_list) == first.paginator.count - (last.number - 1) * 7


@pytest.mark.parametrize("query", ["crowd 00", "CROWD 00"])
def test_it_searches_names_in_the_subtree_only(org: SmallOrg, query: str) -> None:
    crowd(org, 20)
    elsewhere = make_unit("South", org.national, "district")
    Membership.objects.create(
        member=Member.objects.create_user("c@example.org", "x", full_name="Crowd 001"), unit=elsewhere
    )
    found = selectors.directory_page(org.north, query=query).object_list
    assert {m.member.full_name for m in found} == {f"Crowd 00{i}" for i in range(10)}
    assert all(m.unit.path.startswith("national/north/") for m in found)


def test_it_searches_unit_names(org: SmallOrg) -> None:
    found = rows_of(org.national, 1, query="york")
    assert {path for _name, _pk, path in found} == {"national/north/york"}
    assert {name for name, _pk, _path in found} == {"Carol Organizer", "Dave Secretary", "Otto Operator"}


def test_it_shows_only_the_status_asked_for(org: SmallOrg) -> None:
    assert [name for name, _pk, _path in rows_of(org.leeds, 1, status="lapsed")] == ["Frank Former"]
    assert "Frank Former" not in [name for name, _pk, _path in rows_of(org.leeds, 1)]


def test_it_gives_each_row_the_member_s_current_roles(org: SmallOrg) -> None:
    found = selectors.directory_page(org.leeds, query="bob")
    assert [m.current_roles for m in found.object_list] == [["Branch chair, Leeds"]]


def test_it_answers_an_empty_directory_with_an_empty_page(org: SmallOrg) -> None:
    empty = make_unit("Hull", org.north, "branch")
    found = selectors.directory_page(empty, page=3)
    assert found.number == 1
    assert list(found.object_list) == []
