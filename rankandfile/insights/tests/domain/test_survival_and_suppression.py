"""Kaplan–Meier against hand-worked figures and its properties; suppression, including by subtraction."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankandfile.insights.domain.records import MembershipSpan
from rankandfile.insights.domain.suppression import Cell, cell, difference, suppress_group
from rankandfile.insights.domain.survival import kaplan_meier, retention

JOIN = dt.date(2024, 1, 1)
AS_OF = dt.date(2026, 1, 1)


def span(days: int | None, dissenter: bool = False, member: int = 0) -> MembershipSpan:
    ended = None if days is None else JOIN + dt.timedelta(days=days)
    return MembershipSpan(member, JOIN, ended, dissenter)


def test_it_matches_the_hand_worked_example() -> None:
    # 10 members: leaves at days 100, 100, 200; one censored at 150 (joined later); six stay.
    spans = [span(100), span(100), span(200)] + [span(None) for _ in range(6)]
    spans.append(MembershipSpan(9, AS_OF - dt.timedelta(days=150), None, False))
    curve = kaplan_meier(spans, as_of=AS_OF)
    first, second = curve.steps
    assert (first.day, first.at_risk, first.events) == (100, 10, 2)
    assert first.survival == pytest.approx(0.8)
    assert (second.day, second.at_risk, second.events) == (200, 7, 1)
    assert second.survival == pytest.approx(0.8 * 6 / 7)
    assert first.low < first.survival < first.high
    assert curve.at(365).survival == pytest.approx(0.8 * 6 / 7)


def test_the_curve_stops_where_fewer_than_five_remain_at_risk() -> None:
    spans = [span(d) for d in (10, 20, 30, 40, 50, 60)]
    curve = kaplan_meier(spans, as_of=AS_OF)
    assert [s.at_risk for s in curve.steps] == [6, 5]
    assert curve.at(365) is None


@given(st.lists(st.one_of(st.none(), st.integers(0, 900)), min_size=0, max_size=80))
def test_survival_never_rises_and_bands_hold_it(lengths: list) -> None:
    curve = kaplan_meier([span(d) for d in lengths], as_of=AS_OF)
    previous = 1.0
    for step in curve.steps:
        assert 0.0 <= step.low <= step.survival <= step.high <= 1.0
        assert step.survival <= previous + 1e-12
        assert step.at_risk >= 5
        previous = step.survival


def test_retention_gives_the_truth_files_shape() -> None:
    spans = [span(100, True) for _ in range(2)] + [span(None, True) for _ in range(8)]
    spans += [span(None) for _ in range(10)]
    shape = retention(spans, as_of=AS_OF).as_dict()
    assert shape["dissenters"]["n"] == 10 and shape["dissenters"]["retained_12m"] == pytest.approx(0.8)
    assert shape["others"]["retained_12m"] == 1.0


def test_a_cell_over_fewer_than_five_is_suppressed() -> None:
    assert cell(0.5, 4).as_dict() == {"value": None, "n": None, "suppressed": True}
    assert cell(0.5, 5).shown() == 0.5


def test_one_hidden_cell_hides_its_complement() -> None:
    group = suppress_group({"role_holders": cell(10, 3), "others": cell(40, 30)})
    assert group["role_holders"].is_suppressed and group["others"].is_suppressed


def test_the_smallest_other_cell_is_hidden_with_three_groups() -> None:
    group = suppress_group({"a": cell(1, 2), "b": cell(1, 9), "c": cell(1, 50)})
    assert [name for name, c in group.items() if c.is_suppressed] == ["a", "b"]


def test_a_gap_with_a_hidden_side_is_hidden() -> None:
    assert difference(cell(0.9, 20), cell(0.5, 3)).is_suppressed
    assert difference(cell(0.9, 20), cell(0.5, 6)).value == pytest.approx(0.4)


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 20), min_size=1))
def test_no_suppressed_cell_can_be_had_by_subtraction(ns: dict) -> None:
    group = suppress_group({name: Cell(n, n, False) for name, n in ns.items()})
    hidden = [c for c in group.values() if c.is_suppressed]
    assert len(hidden) != 1 or len(group) == 1
    assert all(c.n >= 5 for c in group.values() if not c.is_suppressed)
