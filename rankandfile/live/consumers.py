"""The base WebSocket consumer: authenticate, authorize the subscription, then only forward frames."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

from rankandfile.live.hub import Subscriber, hub

# Close codes the client script understands: 4401 log in again, 4403 not allowed here.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class LiveConsumer(AsyncWebsocketConsumer):
    """Subclasses implement `group_for(user, **url_kwargs)`: the group name, or None to refuse."""

    group: str | None = None
    subscriber: Subscriber | None = None
    # No channel of its own on the channel layer: the hub holds one subscription per process and group. Channels
    # gives each consumer a channel on the layer named by this alias, and none is configured under this name.
    # Measured: a channel per socket cost a Redis SUBSCRIBE per connection with the pub/sub layer, and made the
    # in-memory layer scan every socket's queue on each message.
    channel_layer_alias = "live-sockets-have-no-channel"

    async def group_for(self, user: Any, **kwargs: Any) -> str | None:
        raise NotImplementedError

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        group = await self.group_for(user, **self.scope["url_route"]["kwargs"])
        if group is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        self.group = group
        self.subscriber = await hub.subscribe(group, self._send_text)

    def _send_text(self, frame: str) -> Awaitable[None]:
        # Straight to the ASGI send, past `AsyncWebsocketConsumer.send` and `AsyncConsumer.send`: two coroutine
        # frames less per socket and frame, which a broadcast to a hall pays a thousand times.
        return self.base_send({"type": "websocket.send", "text": frame})

    async def disconnect(self, code: int) -> None:
        if self.group is not None and self.subscriber is not None:
            await hub.unsubscribe(self.group, self.subscriber)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Writes go over HTTP (DESIGN §2); the socket only carries updates to the client.
        return
