"""The proposal's WebSocket: live co-signature counts and status, for members who may see the proposal."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from rankandfile.live.consumers import LiveConsumer
from rankandfile.proposals import access, live


class ProposalConsumer(LiveConsumer):
    """`ws/proposals/<proposal_id>/`: members who may see the proposal; anyone else is closed with 4403."""

    async def group_for(self, user: Any, **kwargs: Any) -> str | None:
        proposal_id = int(kwargs["proposal_id"])
        allowed = await database_sync_to_async(access.may_watch)(user, proposal_id)
        return live.feed.group(proposal_id) if allowed else None
