"""Floor share per meeting, minority positions, contested elections, public acts: worked examples and properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rankandfile.insights.domain.acts import newest_first
from rankandfile.insights.domain.adoption import is_minority_position, summarize_minority
from rankandfile.insights.domain.floor import floor_by_meeting, floor_share
from rankandfile.insights.domain.records import ElectionRecord, ProposalRecord, PublicAct, SpeechRecord, Stance
from rankandfile.insights.domain.roles import summarize_elections

START = dt.datetime(2026, 1, 5, 19, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 2, 1)


def speech(i: int, meeting: int, member: int, role: bool, seconds: int) -> SpeechRecord:
    return SpeechRecord(i, meeting, meeting, member, Stance.FOR, role, seconds, START + dt.timedelta(minutes=i))


def test_floor_by_meeting_splits_each_meeting() -> None:
    shares = floor_by_meeting([speech(1, 7, 10, True, 300), speech(2, 7, 1, False, 100), speech(3, 8, 1, False, 60)])
    assert list(shares) == [7, 8]
    assert shares[7].role_holders.share_of(shares[7].total_seconds) == 0.75
    assert (shares[8].role_holders.turns, shares[8].others.turns, shares[8].others.seconds) == (0, 1, 60)


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 9), st.booleans(), st.integers(0, 600)), max_size=40))
def test_meetings_add_up_to_the_whole(rows: list) -> None:
    speeches = [speech(i, g, m, r, s) for i, (g, m, r, s) in enumerate(rows)]
    per_meeting = floor_by_meeting(speeches).values()
    whole = floor_share(speeches)
    assert sum(s.role_holders.seconds for s in per_meeting) == whole.role_holders.seconds
    assert sum(s.others.turns for s in per_meeting) == whole.others.turns
    assert sum(s.total_turns for s in per_meeting) == whole.total_turns


def proposal(pk: int, *, counter: bool, role: bool, won: bool, author: int | None) -> ProposalRecord:
    return ProposalRecord(pk, DAY, counter, role, won, won, author)


def test_minority_positions_are_counter_proposals_and_proposals_without_a_role() -> None:
    records = [
        proposal(1, counter=False, role=True, won=True, author=1),  # not a minority position
        proposal(2, counter=True, role=True, won=True, author=1),
        proposal(3, counter=False, role=False, won=False, author=2),
        proposal(4, counter=True, role=False, won=False, author=2),
        proposal(5, counter=False, role=False, won=True, author=None),
    ]
    assert [is_minority_position(p) for p in records] == [False, True, True, True, True]
    tally = summarize_minority(records)
    assert (tally.filed, tally.won, tally.authors) == (4, 2, 3)
    assert tally.win_rate == 0.5
    assert summarize_minority([]).win_rate is None


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.integers(1, 6)), max_size=30))
def test_minority_win_rate_stays_in_bounds(rows: list) -> None:
    tally = summarize_minority([proposal(i, counter=c, role=r, won=w, author=a) for i, (c, r, w, a) in enumerate(rows)])
    assert 0 <= tally.won <= tally.filed
    assert tally.authors <= tally.filed
    assert tally.win_rate is None or 0.0 <= tally.win_rate <= 1.0


def election(pk: int, seats: int, candidates: set[int], outcome: str) -> ElectionRecord:
    return ElectionRecord(pk, DAY, seats, frozenset(candidates), outcome)


def test_contested_means_more_candidates_than_seats() -> None:
    summary = summarize_elections(
        [
            election(1, 1, {1, 2}, "elected"),  # contested
            election(2, 2, {3, 4}, "acclaimed"),  # as many as seats: not contested
            election(3, 1, set(), "none"),
            election(4, 3, {1, 5, 6, 7}, "elected"),  # contested
        ]
    )
    assert (summary.elections, summary.contested, summary.candidates) == (4, 2, 7)
    assert summary.contested_share == 0.5
    assert summarize_elections([]).contested_share is None


def test_public_acts_are_listed_newest_first_and_cut() -> None:
    def act(kind: str, day: int, pk: int) -> PublicAct:
        return PublicAct(kind, dt.date(2026, 3, day), pk, 1, "Chair", "moved a request", "time")

    acts = [act("appointment", 1, 1), act("override", 3, 1), act("override", 1, 2), act("appointment", 3, 2)]
    ordered = newest_first(acts, limit=3)
    assert [(a.kind, a.on.day) for a in ordered] == [("override", 3), ("appointment", 3), ("override", 1)]
