"""Publishing a live update: the one way every app does it (DESIGN §2; the per-process fan-out is `hub.py`).

An app describes what it publishes once, as a `Feed`: the kind of object (the group is `<kind>-<id>`), a render
function that reads the object's *current* state after commit and returns `(version, content)`, and how long a
burst of changes may wait to be sent as one frame. Its services then call `feed.publish_on_commit(pk)` in their
transaction. Every frame is the same JSON text, `{"version": …, "content": …}`, with the whole shared state of the
object, so a frame may replace any older one (`hub.Subscriber` relies on that).

Without coalescing (meetings, proposals) the frame is rendered and published in the committing thread, at once.
With it (the ballots' live count, hundreds of casts a second in a hall), a commit made while serving a request
only asks the server's event loop for a frame, without waiting; the loop sends at most one frame per object every
`coalesce_seconds`, rendered *after* the request was made, so the last change of a burst is always in a frame.
The server's loop is known to a request's code through a context variable that `ServerLoop` sets around the
application: asgiref carries context variables into the threads that run synchronous code. Outside a server
(commands, tests, the threaded test server) there is no loop to ask, and the frame goes out at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.db import close_old_connections, transaction

from rankandfile.live.hub import publish

log = logging.getLogger(__name__)

# What a feed's render function returns for an object id: (version, content), or None if the object is gone.
Render = Callable[[int], "tuple[int, str] | None"]

_server_loop: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar(
    "live_server_loop", default=None
)
_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("live_quiet", default=False)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Publish nothing inside: for writes no screen can be following (the culture simulator replaying months of a
    simulated past through the services). A page opened afterwards reads the state over HTTP as always."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def group_name(kind: str, pk: Any) -> str:
    return f"{kind}-{pk}"


@dataclass(frozen=True)
class Frame:
    version: int
    text: str  # JSON {"version": …, "content": …}, as written to each socket


class Feed:
    """The live updates of one kind of object: group name, render function and coalescing in one place."""

    def __init__(self, kind: str, render: Render, *, coalesce_seconds: float = 0.0) -> None:
        self.kind = kind
        self.render = render
        self.coalesce_seconds = coalesce_seconds
        # Per event loop: the objects with a frame already scheduled, and the tasks that will send them.
        self._pending: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, set[int]] = weakref.WeakKeyDictionary()
        self._tasks: set[asyncio.Task[None]] = set()

    def group(self, pk: int) -> str:
        return group_name(self.kind, pk)

    def frame(self, pk: int) -> Frame:
        """The object's current state as one frame; a gone object gives an empty frame, which changes nothing."""
        rendered = self.render(pk)
        version, content = rendered if rendered is not None else (0, "")
        # UTF-8 text, no spaces: "…" is 3 bytes, not 6, on every socket.
        text = json.dumps({"version": version, "content": content}, ensure_ascii=False, separators=(",", ":"))
        return Frame(version, text)

    def publish_on_commit(self, pk: int, *, at_once: bool = False) -> None:
        """From a service: after the current transaction commits, send every screen of the object its new state.

        `at_once` skips the coalescing delay (a ballot opening or closing), not the coalescing itself.
        """
        if _quiet.get():
            return

        def send() -> None:
            loop = _server_loop.get()
            if self.coalesce_seconds and loop is not None and loop.is_running():
                loop.call_soon_threadsafe(self._schedule, pk, 0.0 if at_once else self.coalesce_seconds)
                return
            try:
                frame = self.frame(pk)
                async_to_sync(publish)(self.group(pk), frame.version, frame.text)
            except Exception:  # a failed broadcast must never undo or fail a committed write; clients re-fetch
                log.warning("live: publish to %s failed", self.group(pk), exc_info=True)

        transaction.on_commit(send)

    def changed(self, pk: int) -> None:
        """From code running on the server's event loop (the ballots' cast door): a change has committed."""
        self._schedule(pk, self.coalesce_seconds)

    def _schedule(self, pk: int, delay: float) -> None:
        """On the event loop: at most one frame per object per `delay`."""
        loop = asyncio.get_running_loop()
        pending = self._pending.setdefault(loop, set())
        if pk in pending:
            return
        pending.add(pk)
        task = loop.create_task(self._send_later(pk, delay, pending))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_later(self, pk: int, delay: float, pending: set[int]) -> None:
        if delay:
            await asyncio.sleep(delay)
        pending.discard(pk)  # a change committed from now on asks for a new frame: none is ever missed
        try:
            frame = await sync_to_async(self._frame_in_a_thread, thread_sensitive=False)(pk)
            await publish(self.group(pk), frame.version, frame.text)
        except Exception:  # a failed broadcast never undoes a committed write; pages re-fetch
            log.warning("live: publish to %s failed", self.group(pk), exc_info=True)

    def _frame_in_a_thread(self, pk: int) -> Frame:
        try:
            return self.frame(pk)
        finally:
            close_old_connections()  # a pool thread of the loop: give its connection back


class ServerLoop:
    """ASGI middleware: lets the code serving a request hand its coalesced publishing to this event loop."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        _server_loop.set(asyncio.get_running_loop())
        await self.app(scope, receive, send)
