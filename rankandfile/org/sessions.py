"""Who a session cookie belongs to, outside Django's request handler: the one session-to-member check.

Two surfaces read the session cookie without Django's middleware: the cast door (`ballots/cast_door.py`) and the
live sockets (`live/auth.py`, wired in `rankandfile/asgi.py`). Both ask `session_member`, which is Django's own
code and nothing else: the configured session engine's `SessionStore` (signature, expiry, `SECRET_KEY_FALLBACKS`)
and `django.contrib.auth.get_user` (a configured backend, the backend's `get_user` and `user_can_authenticate`, the
session's password hash under the current key or a fallback key). `org/tests/test_sessions.py` compares it with
`get_user` over every kind of session.

The one difference: it writes nothing. Where `get_user` would write the session on this request (rotate the key of
a session hashed with a fallback key, or flush one it refuses), the write is noted, not made (`rewrites`): the door
then hands the request to Django, which makes it; a live socket, which cannot set a cookie, leaves it for the
member's next page.

A rule that refuses a member everywhere (an inactive account today; a suspension decided in a case, say) belongs
in the authentication backend's `user_can_authenticate` (`org/auth.py`): login, every request, the cast door and
the live sockets all apply it through `get_user`, so it is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from rankandfile.live.auth import access_changed_on_commit
from rankandfile.org.models import Member


@dataclass(frozen=True)
class SessionMember:
    """What a session cookie says, as Django reads it."""

    session: SessionBase  # the configured engine's store for the cookie's key, loaded
    member: Member | None  # None: Django would treat the request as anonymous
    rewrites: bool  # Django would write the session on this request (rotate the key, or flush it)


def session_member(session_key: str | None) -> SessionMember:
    """The member `get_user` finds behind this session key, and whether Django would write the session. Writes
    nothing. Runs queries: call it from a thread (`database_sync_to_async`) on the event loop."""
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key or None)
    session = _Unwritten(store)
    request = HttpRequest()
    request.session = session  # type: ignore[assignment]  # get_user reads `request.session` and nothing else
    user = get_user(request)
    member = user if isinstance(user, Member) else None
    return SessionMember(store, member, session.rewrites)


class _Unwritten:
    """The session as `get_user` uses it: reads go to Django's store; the writes it would make are noted only."""

    def __init__(self, store: SessionBase) -> None:
        self._store = store
        self.rewrites = False

    def __getitem__(self, key: str) -> Any:
        return self._store[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._store.get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self.rewrites = True

    def cycle_key(self) -> None:
        self.rewrites = True

    def flush(self) -> None:
        self.rewrites = True


# --- access changes reach the open live sockets -----------------------------------------------------------
# The services that end a member's access call `access_changed_on_commit` themselves (org/services.py); these two
# receivers (connected in org/apps.py) cover what Django's own views and the admin change: a password set by a
# form or the admin, an account switched off, a logout.
def account_saved(sender: Any, instance: Member, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if created:
        return
    if update_fields is None or {"password", "is_active"} & set(update_fields):
        access_changed_on_commit(instance.pk)


def logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None or not user.is_authenticated:
        return
    # Django flushes the session right after this signal; flushing it first lets the sockets' check see it gone.
    request.session.flush()
    access_changed_on_commit(user.pk)
