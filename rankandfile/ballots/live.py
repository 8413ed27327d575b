"""The live count of ballots cast (docs/ballots.md, "Live count"): frames to group `ballot-<id>`, coalesced.

A frame is JSON {version, content}: content is `ballots/_live.html`, the number of ballots cast and whether the
ballot is closed, never anything about how anyone voted. Version = 2 × count (+1 once closed): it only grows, so
a frame that arrives late never replaces a newer one, and the closing frame outranks every count.

In a convention hall hundreds of casts a second would each publish a frame to every phone. Inside the ASGI server
a cast therefore only asks its process's event loop for a frame (`call_soon_threadsafe`, no waiting); the loop
sends at most one per ballot every COALESCE_SECONDS, with the count read *after* the request was made, so the last
cast of a burst is always in a frame. Outside a server (commands, tests, the threaded test server) the frame goes
out at once. The hub's `publish_on_commit` takes its version before the commit; here the version is the count,
which is only known after it, so this module publishes with the hub's `publish`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from django.db import close_old_connections, transaction
from django.template.loader import render_to_string

from rankandfile.ballots import selectors
from rankandfile.live.hub import group_name, publish

log = logging.getLogger(__name__)

COALESCE_SECONDS = 0.25
_pending: set[int] = set()  # ballots with a frame already scheduled on this process's event loop


def render_frame(ballot_id: int) -> tuple[int, str]:
    ballot = selectors.ballot_by_id(ballot_id)
    if ballot is None:
        return 0, json.dumps({"version": 0, "content": ""})
    cast = selectors.participation_count(ballot_id)
    version = 2 * cast + (1 if ballot.is_closed else 0)
    content = render_to_string("ballots/_live.html", {"ballot": ballot, "cast": cast, "version": version})
    return version, json.dumps({"version": version, "content": content})


def _render_in_a_thread(ballot_id: int) -> tuple[int, str]:
    try:
        return render_frame(ballot_id)
    finally:
        close_old_connections()  # a pool thread of the loop: give its connection back


async def _send(ballot_id: int, delay: float) -> None:
    await asyncio.sleep(delay)
    _pending.discard(ballot_id)  # a cast committed from now on asks for a new frame: none is ever missed
    try:
        version, frame = await sync_to_async(_render_in_a_thread, thread_sensitive=False)(ballot_id)
        await publish(group_name("ballot", ballot_id), version, frame)
    except Exception:  # a failed broadcast never undoes a committed write; pages re-fetch the count
        log.warning("ballots: live count of ballot %s not published", ballot_id, exc_info=True)


def _schedule(ballot_id: int, delay: float) -> None:
    """On the event loop: one frame per ballot per COALESCE_SECONDS."""
    if ballot_id in _pending:
        return
    _pending.add(ballot_id)
    asyncio.get_running_loop().create_task(_send(ballot_id, delay))


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's event loop when this synchronous code runs inside it (through sync_to_async)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def broadcast_count_on_commit(ballot_id: int, *, at_once: bool = False) -> None:
    """After the current transaction commits, let the ballot's pages know how many ballots are cast."""

    def send() -> None:
        loop = _server_loop()
        if loop is not None:
            loop.call_soon_threadsafe(_schedule, ballot_id, 0.0 if at_once else COALESCE_SECONDS)
            return
        try:
            version, frame = render_frame(ballot_id)
            async_to_sync(publish)(group_name("ballot", ballot_id), version, frame)
        except Exception:
            log.warning("ballots: live count of ballot %s not published", ballot_id, exc_info=True)

    transaction.on_commit(send)


def count_changed(ballot_id: int) -> None:
    """From code running on the server's event loop (the cast door): a cast has committed; coalesced as above."""
    _schedule(ballot_id, COALESCE_SECONDS)
