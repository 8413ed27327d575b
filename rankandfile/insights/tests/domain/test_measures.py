"""Floor share, roles, adoption, overrides: worked examples and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankandfile.insights.domain.adoption import summarize_adoption, summarize_overrides
from rankandfile.insights.domain.floor import floor_share
from rankandfile.insights.domain.records import OverrideRecord, ProposalRecord, SpeechRecord, Stance, TermRecord
from rankandfile.insights.domain.roles import gini, hhi, summarize_roles, top_share

START = dt.datetime(2026, 1, 5, 19, 0, tzinfo=dt.UTC)


def speech(i: int, member: int, role: bool, seconds: int, stance: Stance = Stance.FOR) -> SpeechRecord:
    return SpeechRecord(i, 1, 1, member, stance, role, seconds, START + dt.timedelta(minutes=i))


def test_floor_share_splits_time_and_turns_and_skips_points_of_order() -> None:
    share = floor_share(
        [
            speech(1, 10, True, 120),
            speech(2, 1, False, 60),
            speech(3, 10, True, 60),
            speech(4, 2, False, 600, Stance.POINT_OF_ORDER),
        ]
    )
    assert (share.role_holders.turns, share.role_holders.seconds, share.role_holders.speakers) == (2, 180, 1)
    assert (share.others.turns, share.others.seconds) == (1, 60)
    assert share.role_holders.share_of(share.total_seconds) == pytest.approx(0.75)
    assert (share.first_time_turns, share.first_time_seconds, share.first_time_speakers) == (2, 180, 2)


@given(st.lists(st.tuples(st.integers(1, 9), st.booleans(), st.integers(0, 600)), max_size=30))
def test_floor_shares_add_up(rows: list) -> None:
    share = floor_share([speech(i, m, r, s) for i, (m, r, s) in enumerate(rows)])
    assert share.total_turns == len(rows)
    if share.total_seconds:
        total = share.role_holders.share_of(share.total_seconds) + share.others.share_of(share.total_seconds)
        assert total == pytest.approx(1.0)


def test_gini_hhi_and_top_share_of_known_distributions() -> None:
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert hhi([1, 1, 1, 1]) == pytest.approx(0.25)
    assert hhi([5]) == 1.0
    assert top_share([1] * 9 + [11]) == pytest.approx(11 / 20)


@given(st.lists(st.integers(1, 50), min_size=1, max_size=60))
def test_concentration_stays_in_its_bounds(values: list) -> None:
    n = len(values)
    assert 0.0 <= gini(values) <= 1.0 - 1.0 / n + 1e-12
    assert 1.0 / n - 1e-12 <= hhi(values) <= 1.0
    assert 0.0 < top_share(values) <= 1.0


def test_rotation_counts_terms_that_change_hands() -> None:
    d = dt.date
    terms = [
        TermRecord(1, 7, d(2023, 1, 1), d(2024, 1, 1), "elected"),
        TermRecord(1, 7, d(2024, 1, 1), d(2025, 1, 1), "acclaimed"),
        TermRecord(2, 7, d(2025, 1, 1), None, "appointed"),
    ]
    summary = summarize_roles(terms)
    assert (summary.following_terms, summary.changed_hands) == (2, 1)
    assert summary.rotation == 0.5
    assert summary.how_filled == {"elected": 1, "acclaimed": 1, "appointed": 1}
    assert summary.holders == 2 and summary.terms == 3


def test_adoption_counts_by_author_and_counter_proposals() -> None:
    d = dt.date(2026, 1, 1)
    groups = summarize_adoption(
        [
            ProposalRecord(1, d, False, True, True, True),
            ProposalRecord(2, d, True, False, True, False),
            ProposalRecord(3, d, False, False, False, False),
        ]
    )
    assert (groups["role_holders"].filed, groups["role_holders"].won) == (1, 1)
    assert (groups["others"].filed, groups["others"].reached_ballot, groups["others"].won) == (2, 1, 0)
    assert groups["counter_proposals"].reach_rate == 1.0


def test_overrides_by_kind_and_whom_they_moved() -> None:
    d = dt.date(2026, 1, 1)
    summary = summarize_overrides(
        [
            OverrideRecord(1, 5, "move", d, True),
            OverrideRecord(1, 5, "insert", d, False),
            OverrideRecord(2, 6, "extend", d, None),
        ]
    )
    assert summary.by_action == {"move": 1, "insert": 1, "extend": 1}
    assert (summary.moved_role_holders, summary.moved_others, summary.chairs, summary.meetings) == (1, 1, 2, 2)
