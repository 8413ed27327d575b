"""The base WebSocket consumer: authenticate, authorize the subscription, then only forward frames."""

from __future__ import annotations

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

    async def _send_text(self, frame: str) -> None:
        await self.send(text_data=frame)

    async def disconnect(self, code: int) -> None:
        if self.group is not None and self.subscriber is not None:
            await hub.unsubscribe(self.group, self.subscriber)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Writes go over HTTP (DESIGN §2); the socket only carries updates to the client.
        return
