"""How and when a member hears of something: the delivery rule and the daily digest's moment. Pure Python.

A member chooses, per kind of notification, one `Delivery`. Their choice wins; without one, the kind's default.
`NEVER` means nothing at all: no email and no entry in the in-app list (a member who says never is not kept a
list they did not want). The digest gathers, once a day at the configured hour, everything waiting for it that
arrived before that hour; what arrives later waits for the next day's digest, so a member gets at most one a day.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Delivery(StrEnum):
    IMMEDIATELY = "immediately"
    DIGEST = "digest"
    NEVER = "never"


def delivery_for(default: Delivery, chosen: Delivery | None) -> Delivery:
    """The member's own choice for the kind, else the kind's default."""
    return chosen if chosen is not None else default


def is_listed(delivery: Delivery) -> bool:
    """Whether the notification is kept for the member at all (in the list, and emailed one way or another)."""
    return delivery is not Delivery.NEVER


def last_digest_moment(now: dt.datetime, hour: int) -> dt.datetime:
    """The latest digest moment at or before `now` (local time, aware or naive): today's `hour`, else yesterday's.

    Everything waiting for a digest that arrived before this moment goes into the digest sent at or after it.
    """
    if not 0 <= hour <= 23:
        raise ValueError(f"the digest hour must be 0–23, not {hour}")
    today = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return today if today <= now else today - dt.timedelta(days=1)
