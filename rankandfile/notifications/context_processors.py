from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rankandfile.notifications import selectors


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count, as a lazy value: the member and the count are read (one query) only when a
    template shows it. Pages that do not (the ballot receipt the cast door renders on the event loop, per ballot
    and shared between voters: docs/ballots.md) never touch the session or the database through it."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return selectors.unread_count(user)

    return {"unread_notifications": SimpleLazyObject(count)}
