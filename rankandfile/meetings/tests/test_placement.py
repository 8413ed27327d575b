"""The chair's placements on top of the computed order (pure: rankandfile/meetings/domain/placement.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rankandfile.meetings.domain.placement import Pin, place_pinned, positions_after_call

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_it_keeps_the_computed_order_without_pins() -> None:
    assert place_pinned([3, 1, 2], []) == [3, 1, 2]


def test_it_puts_a_pinned_request_at_its_place() -> None:
    assert place_pinned([1, 2, 3, 4], [Pin(4, 1, T0)]) == [4, 1, 2, 3]
    assert place_pinned([1, 2, 3, 4], [Pin(1, 3, T0)]) == [2, 3, 1, 4]


def test_it_puts_a_place_beyond_the_end_last() -> None:
    assert place_pinned([1, 2], [Pin(1, 9, T0)]) == [2, 1]


def test_it_gives_the_later_placement_the_contested_place() -> None:
    pins = [Pin(3, 1, T0), Pin(4, 1, T0 + timedelta(seconds=5))]
    assert place_pinned([1, 2, 3, 4], pins) == [4, 3, 1, 2]


def test_it_places_pinned_keys_missing_from_the_computed_order() -> None:
    assert place_pinned([1, 2], [Pin(9, 2, T0)]) == [1, 9, 2]


def test_it_moves_pins_up_one_place_when_a_speaker_is_called_but_not_past_the_first() -> None:
    assert positions_after_call([Pin(1, 3, T0), Pin(2, 1, T0)]) == {1: 2, 2: 1}
