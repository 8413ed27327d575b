"""The petition's WebSocket: live signature counts and status, for members who may see the petition."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from rankandfile.live.consumers import LiveConsumer
from rankandfile.recall import access, live


class PetitionConsumer(LiveConsumer):
    """`ws/recalls/<petition_id>/`: members who may see the petition; anyone else is closed with 4403."""

    async def group_for(self, user: Any, **kwargs: Any) -> str | None:
        petition_id = int(kwargs["petition_id"])
        allowed = await database_sync_to_async(access.may_watch)(user, petition_id)
        return live.feed.group(petition_id) if allowed else None
