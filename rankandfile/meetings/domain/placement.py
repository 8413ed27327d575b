"""Where the chair's placements go in the computed queue. Pure standard-library Python.

The order itself is decided by `speaking_order.order_speakers` and nowhere else. A chair may override it by moving
or inserting a request to a numbered place, always with a reason (recorded, shown to everyone and minuted). This
module only puts those pinned requests at their places and leaves every other request in its computed order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

__all__ = ["Pin", "place_pinned", "positions_after_call"]

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Pin:
    """The chair placed request `key` at `position` (1 = next) at `pinned_at`."""

    key: int
    position: int
    pinned_at: datetime


def place_pinned(computed: Sequence[int], pins: Sequence[Pin]) -> list[int]:
    """The queue to show: the pinned keys at their places, the others in computed order around them.

    Pins are applied from the lowest place up; of two pins on one place the later placement goes first (the
    chair's latest decision). A place beyond the end of the queue means last. Keys pinned but not in `computed`
    are placed too; keys in `computed` appear once.
    """
    pinned_keys = {pin.key for pin in pins}
    result = [key for key in computed if key not in pinned_keys]
    for pin in sorted(pins, key=lambda p: (p.position, p.pinned_at, p.key)):
        index = min(max(pin.position, 1) - 1, len(result))
        result.insert(index, pin.key)
    return result


def positions_after_call(pins: Sequence[Pin]) -> dict[int, int]:
    """When the first request of the queue is called, every other pin moves one place up (never past 1)."""
    return {pin.key: max(pin.position - 1, 1) for pin in pins}
