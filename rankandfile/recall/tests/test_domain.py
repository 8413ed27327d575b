"""The recall rules as pure functions: the threshold, the lapse, the wait after a failed recall, the quorum."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rankandfile.recall.domain import rules

members = st.integers(min_value=0, max_value=200_000)
percents = st.integers(min_value=1, max_value=50)
minimums = st.integers(min_value=1, max_value=100)
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1))
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))


@given(members, percents, minimums)
def test_the_threshold_is_the_share_rounded_up_and_at_least_the_minimum(n: int, percent: int, minimum: int) -> None:
    needed = rules.signatures_required(n, percent, minimum)
    assert needed >= minimum and needed >= 1
    assert needed * 100 >= n * percent  # the share is met
    assert needed == minimum or (needed - 1) * 100 < n * percent  # and not a signature more than needed


@given(members, percents, minimums, st.integers(min_value=0, max_value=200_000))
def test_the_threshold_never_asks_for_more_signers_than_may_sign(
    n: int, percent: int, minimum: int, possible: int
) -> None:
    needed = rules.signatures_required(n, percent, minimum, possible)
    assert needed <= max(1, possible)
    assert needed == max(1, min(rules.signatures_required(n, percent, minimum), possible))


@given(members, percents, minimums)
def test_more_members_never_need_fewer_signatures(n: int, percent: int, minimum: int) -> None:
    assert rules.signatures_required(n + 1, percent, minimum) >= rules.signatures_required(n, percent, minimum)


def test_the_defaults_are_twenty_percent_and_at_least_five() -> None:
    assert rules.signatures_required(23, rules.DEFAULT_PERCENT, rules.DEFAULT_MINIMUM) == 5
    assert rules.signatures_required(115, rules.DEFAULT_PERCENT, rules.DEFAULT_MINIMUM) == 23
    assert rules.signatures_required(116, rules.DEFAULT_PERCENT, rules.DEFAULT_MINIMUM) == 24


@given(moments, st.integers(min_value=1, max_value=365), st.integers(min_value=-(10**6), max_value=10**6))
def test_a_petition_has_lapsed_exactly_from_its_end(started: dt.datetime, lapse_days: int, offset: int) -> None:
    now = started + dt.timedelta(days=lapse_days, seconds=offset)
    assert rules.has_lapsed(started, lapse_days, now) == (offset >= 0)


@given(moments, st.integers(min_value=1, max_value=365), st.timedeltas(min_value=dt.timedelta(0)))
def test_a_lapsed_petition_stays_lapsed(started: dt.datetime, lapse_days: int, later: dt.timedelta) -> None:
    end = rules.lapses_at(started, lapse_days)
    try:
        after = end + later
    except OverflowError:
        return
    assert rules.has_lapsed(started, lapse_days, end) and rules.has_lapsed(started, lapse_days, after)


@given(days, st.integers(min_value=0, max_value=24), days)
def test_the_wait_after_a_failed_recall(failed_on: dt.date, months: int, today: dt.date) -> None:
    allowed = rules.next_petition_allowed_on(failed_on, months)
    assert allowed is not None and allowed >= failed_on
    assert (allowed - failed_on).days <= months * 31
    assert rules.cooldown_blocks(failed_on, months, today) == (today < allowed)
    assert not rules.cooldown_blocks(None, months, today)


def test_six_months_after_the_last_day_of_august_is_the_last_day_of_february() -> None:
    assert rules.next_petition_allowed_on(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


@given(st.integers(min_value=0, max_value=200_000), st.integers(min_value=0, max_value=75))
def test_the_quorum_is_a_share_of_the_roll_rounded_up(roll: int, percent: int) -> None:
    q = rules.quorum(roll, percent)
    if percent == 0:
        assert q is None
    else:
        assert q is not None and q >= 1 and q * 100 >= roll * percent


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_the_yes_percentage_never_overstates(yes: int, no: int) -> None:
    p = rules.yes_percent(yes, no)
    assert 0 <= p <= 100
    if yes + no:
        assert p * (yes + no) <= 100 * yes < (p + 1) * (yes + no)


def test_a_remainder_is_elected_only_when_some_of_the_term_is_left() -> None:
    today = dt.date(2026, 12, 6)
    assert rules.remainder_election_dates(today, dt.date(2027, 6, 1), 14) == (
        dt.date(2026, 12, 20),
        dt.date(2027, 6, 1),
    )
    assert rules.remainder_election_dates(today, dt.date(2026, 12, 15), 14) is None
    assert rules.remainder_election_dates(today, None, 14) == (dt.date(2026, 12, 20), None)
