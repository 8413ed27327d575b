"""The meeting's WebSocket: authorize the subscription, then only forward frames (DESIGN §2)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from rankandfile.live.consumers import LiveConsumer
from rankandfile.meetings import access, live


class MeetingConsumer(LiveConsumer):
    """`ws/meetings/<meeting_id>/`: members who may take part in the meeting; anyone else is closed with 4403."""

    async def group_for(self, user: Any, **kwargs: Any) -> str | None:
        meeting_id = int(kwargs["meeting_id"])
        allowed = await database_sync_to_async(access.may_subscribe)(user, meeting_id)
        return live.feed.group(meeting_id) if allowed else None
