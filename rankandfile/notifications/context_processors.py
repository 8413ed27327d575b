from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rankandfile.notifications import selectors


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count: one query, and only on pages that show it to a logged-in member."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user))}
