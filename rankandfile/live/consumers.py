"""The base WebSocket consumer: authenticate, authorize the subscription, then only forward frames, until the
member's access changes and the check says no (`live/auth.py`, "While open")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

from rankandfile.live.auth import access_watch
from rankandfile.live.hub import Subscriber, hub

log = logging.getLogger(__name__)

# Close codes the client script understands: 4401 log in again, 4403 not allowed here. Anything else (1011 when
# the check itself failed) makes it reconnect, and the connect checks afresh.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_CHECK_FAILED = 1011


class LiveConsumer(AsyncWebsocketConsumer):
    """Subclasses implement `group_for(user, **url_kwargs)`: the group name, or None to refuse."""

    group: str | None = None
    subscriber: Subscriber | None = None
    member_id: Any = None
    # No channel of its own on the channel layer: the hub holds one subscription per process and group. Channels
    # gives each consumer a channel on the layer named by this alias, and none is configured under this name.
    # Measured: a channel per socket cost a Redis SUBSCRIBE per connection with the pub/sub layer, and made the
    # in-memory layer scan every socket's queue on each message.
    channel_layer_alias = "live-sockets-have-no-channel"
    # Until the socket is accepted, and while the member's access is being checked again: frames are held (the
    # newest kept), not written.
    _checking: asyncio.Future[None] | None = None
    _check_again = False
    _held: str | None = None
    _ended = False
    _accepted = False

    async def group_for(self, user: Any, **kwargs: Any) -> str | None:
        raise NotImplementedError

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # Watched before the right to watch is read, so a change committed meanwhile is checked again after.
        self.member_id = user.pk
        await access_watch.watch(self.member_id, self)
        group = await self.group_for(user, **self.scope["url_route"]["kwargs"])
        if group is None:
            access_watch.unwatch(self.member_id, self)
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if self._checking is not None:  # a change came while the right was read: that check decides
            await asyncio.shield(self._checking)
            if self._ended:
                return
        # Subscribed before the socket is accepted: a page re-reads the state over HTTP once its socket opens, and
        # every change committed from then on must reach the socket. Accepting first left a moment in which a frame
        # went to no one (a test lost one on a loaded machine). A frame arriving before the accept is held.
        subscriber = await hub.subscribe(group, self._send_text)
        if self._ended:  # a check that started meanwhile refused the member and closed the socket
            await hub.unsubscribe(group, subscriber)
            return
        self.group, self.subscriber = group, subscriber
        await self.accept()
        self._accepted = True
        frame, self._held = self._held, None
        if frame is not None:
            await self._send_text(frame)

    def _send_text(self, frame: str) -> Awaitable[None]:
        if self._checking is not None or not self._accepted:
            return self._hold(frame)
        # Straight to the ASGI send, past `AsyncWebsocketConsumer.send` and `AsyncConsumer.send`: two coroutine
        # frames less per socket and frame, which a broadcast to a hall pays a thousand times.
        return self.base_send({"type": "websocket.send", "text": frame})

    async def _hold(self, frame: str) -> None:
        self._held = frame  # frames carry the whole state: the newest is all the member needs if the check passes

    def access_changed(self) -> None:
        """The member's access may have changed (AccessWatch): hold frames and check again, now."""
        if self._checking is not None:
            self._check_again = True  # a change after the running check read the database: read again
            return
        self._checking = asyncio.ensure_future(self._check_access())

    async def _check_access(self) -> None:
        try:
            while True:
                self._check_again = False
                try:
                    refusal = await self._refusal()
                except Exception:
                    log.warning("live: re-checking a socket's access failed; closing it", exc_info=True)
                    refusal = CLOSE_CHECK_FAILED
                if refusal is not None:
                    await self._end(refusal)
                    return
                if not self._check_again:
                    break
        finally:
            self._checking = None
        frame, self._held = self._held, None
        if frame is not None and self.subscriber is not None:
            await self._send_text(frame)

    async def _refusal(self) -> int | None:
        """None if the member may still watch this group, else the close code."""
        reauthenticate = self.scope.get("reauthenticate")
        user = await reauthenticate() if reauthenticate is not None else None
        if user is None or not user.is_authenticated or user.pk != self.member_id:
            return CLOSE_UNAUTHENTICATED
        group = await self.group_for(user, **self.scope["url_route"]["kwargs"])
        if group is None or (self.group is not None and group != self.group):
            return CLOSE_FORBIDDEN
        return None

    async def _end(self, code: int) -> None:
        """Stop every frame to this socket first, then close it."""
        await self._leave()
        self._held, self._ended = None, True
        await self.close(code=code)

    async def _leave(self) -> None:
        if self.member_id is not None:
            access_watch.unwatch(self.member_id, self)
        group, subscriber, self.group, self.subscriber = self.group, self.subscriber, None, None
        if group is not None and subscriber is not None:
            await hub.unsubscribe(group, subscriber)

    async def disconnect(self, code: int) -> None:
        await self._leave()
        if self._checking is not None:
            self._checking.cancel()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Writes go over HTTP (DESIGN §2); the socket only carries updates to the client.
        return
