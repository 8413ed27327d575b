"""Who is at the other end of a WebSocket, and telling the sockets when that may have changed.

**At connect.** Channels' `AuthMiddlewareStack` reads the session in three layers (cookies, session, user), with a
thread hop each, and its session layer wraps `send` so as to save the session on HTTP responses. On a WebSocket
that wrapper saves nothing, yet every frame to every socket passes through it: measured in a broadcast to 1,000
sockets it was a fifth of the CPU (23 → 18.5 ms per frame without it). So `SessionAuthMiddleware` reads the
session cookie once, in one thread hop, and leaves `send` to the server untouched. Who the cookie belongs to is
decided by the session-to-member check it is given: `rankandfile.org.sessions.session_member`, Django's own
session store and `get_user` (wired in `rankandfile/asgi.py`; `live` sits below the apps and imports none of
them). Anyone else is anonymous, which `LiveConsumer` refuses (4401). Nothing is written: a stale session is left
for the member's next page to flush, and a session hashed with a fallback key is not rotated (a WebSocket cannot
set the new cookie).

**While open.** Whatever can end a member's access — a membership ended or lapsed, a role term ended, the account
switched off, a new password, a logout — calls `access_changed_on_commit(member_id)`: after the commit, one message
on the channel layer. Every process subscribes to it once (`AccessWatch`, beside the hub's own subscriptions) and
has each of its sockets of that member check again, at once: the session (`reauthenticate`, the same check as at
connect) and the right to watch (the consumer's `group_for`). A socket that fails is unsubscribed before it is
closed (4401 or 4403), so it receives no frame after the check; frames that come while the check runs are held.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http.cookie import parse_cookie

log = logging.getLogger(__name__)

ACCESS_GROUP = "live-access"
ACCESS_MESSAGE = "live.access"


class SessionCheck(Protocol):
    """What the session-to-member check answers (`org.sessions.SessionMember`)."""

    @property
    def session(self) -> Any: ...
    @property
    def member(self) -> Any | None: ...


SessionToMember = Callable[[str | None], SessionCheck]


class SessionAuthMiddleware:
    """ASGI middleware for WebSocket routes: sets `scope["cookies"]`, `scope["session"]`, `scope["user"]` and
    `scope["reauthenticate"]` (a coroutine function: the user the same cookie names now)."""

    def __init__(self, inner: Any, *, session_member: SessionToMember) -> None:
        self.inner = inner
        self.session_member = session_member

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        cookies: dict[str, str] = {}
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookies = parse_cookie(value.decode("latin1"))
                break
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        session, user = await self._check(session_key)

        async def reauthenticate() -> Any:
            return (await self._check(session_key))[1]

        scope = dict(scope, cookies=cookies, session=session, user=user, reauthenticate=reauthenticate)
        return await self.inner(scope, receive, send)

    @database_sync_to_async
    def _check(self, session_key: str | None) -> tuple[Any, Any]:
        try:
            found = self.session_member(session_key)
        except ValidationError:  # a signed session naming no valid member id: Django's get_user raises too
            return None, AnonymousUser()
        return found.session, found.member or AnonymousUser()


class Watched(Protocol):
    def access_changed(self) -> None: ...


class AccessWatch:
    """Per process: the local sockets by member, and one channel-layer subscription to the access messages."""

    def __init__(self) -> None:
        self._sockets: dict[Any, set[Watched]] = {}
        self._channel: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def watch(self, member_id: Any, socket: Watched) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests run one per test): start afresh
            self._sockets.clear()
            self._channel, self._reader, self._lock, self._loop = None, None, asyncio.Lock(), loop
        async with self._lock:
            if self._channel is None:
                layer = get_channel_layer()
                assert layer is not None, "CHANNEL_LAYERS must be configured"
                channel = await layer.new_channel("live-access.")
                await layer.group_add(ACCESS_GROUP, channel)
                self._channel, self._reader = channel, loop.create_task(self._read(channel))
        self._sockets.setdefault(member_id, set()).add(socket)

    def unwatch(self, member_id: Any, socket: Watched) -> None:
        sockets = self._sockets.get(member_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[member_id]

    def changed(self, member_id: Any) -> None:
        for socket in list(self._sockets.get(member_id, ())):
            socket.access_changed()

    async def _read(self, channel: str) -> None:
        layer = get_channel_layer()
        assert layer is not None
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer reconnects; keep reading
                log.warning("live: channel layer receive failed", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            if message.get("type") == ACCESS_MESSAGE:
                self.changed(message["member"])


access_watch = AccessWatch()


async def access_changed(member_id: Any) -> None:
    """Have every process check its sockets of this member again (one channel-layer message in all)."""
    layer = get_channel_layer()
    assert layer is not None
    await layer.group_send(ACCESS_GROUP, {"type": ACCESS_MESSAGE, "member": member_id})


def access_changed_on_commit(member_id: Any) -> None:
    """From a service: after the transaction commits, tell the member's open sockets to check their access."""
    from asgiref.sync import async_to_sync
    from django.db import transaction

    def send() -> None:
        try:
            async_to_sync(access_changed)(member_id)
        except Exception:
            log.warning("live: access message for member %s failed", member_id, exc_info=True)

    transaction.on_commit(send)
