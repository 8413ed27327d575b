"""The delivery rule and the digest's moment (pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankandfile.notifications.domain.delivery import Delivery, delivery_for, is_listed, last_digest_moment


def test_it_takes_the_members_choice_over_the_kinds_default() -> None:
    assert delivery_for(Delivery.IMMEDIATELY, Delivery.DIGEST) is Delivery.DIGEST
    assert delivery_for(Delivery.DIGEST, None) is Delivery.DIGEST


def test_it_keeps_nothing_for_never() -> None:
    assert not is_listed(Delivery.NEVER)
    assert is_listed(Delivery.DIGEST) and is_listed(Delivery.IMMEDIATELY)


def test_it_uses_yesterdays_digest_before_the_hour_and_todays_from_it() -> None:
    assert last_digest_moment(dt.datetime(2026, 3, 5, 6, 59), 7) == dt.datetime(2026, 3, 4, 7, 0)
    assert last_digest_moment(dt.datetime(2026, 3, 5, 7, 0), 7) == dt.datetime(2026, 3, 5, 7, 0)
    assert last_digest_moment(dt.datetime(2026, 3, 5, 23, 0), 7) == dt.datetime(2026, 3, 5, 7, 0)


def test_it_refuses_an_hour_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="0–23"):
        last_digest_moment(dt.datetime(2026, 3, 5, 6, 0), 24)


@given(st.datetimes(min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(2100, 1, 1)), st.integers(0, 23))
def test_the_moment_is_the_latest_digest_hour_not_after_now(now: dt.datetime, hour: int) -> None:
    moment = last_digest_moment(now, hour)
    assert moment <= now < moment + dt.timedelta(days=1)
    assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (hour, 0, 0, 0)
