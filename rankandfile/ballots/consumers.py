"""The ballot's WebSocket: the live number of ballots cast (never results), for members who may see the ballot."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from rankandfile.ballots import access, live
from rankandfile.live.consumers import LiveConsumer


class BallotConsumer(LiveConsumer):
    """`ws/ballots/<ballot_id>/`: whoever may see the ballot page; anyone else is closed with 4403."""

    async def group_for(self, user: Any, **kwargs: Any) -> str | None:
        ballot_id = int(kwargs["ballot_id"])
        allowed = await database_sync_to_async(access.may_watch)(user, ballot_id)
        return live.feed.group(ballot_id) if allowed else None
