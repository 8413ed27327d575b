"""Live updates: one channel-layer subscription per process and group, one frame written to every local socket.

Why not one channel per WebSocket with `group_send`: measured on these machines, that costs one layer message per
client per update (O(N) Redis traffic; O(N²) scans in the in-memory layer) and took 0.4–2.3 s to reach 1,000–2,000
clients. Here each process subscribes *once* to a group on the channel layer (Redis pub/sub between processes, the
in-memory layer inside one process); when a message arrives, the process encodes nothing new — the frame is already
text — and writes it to each of its local sockets in one pass, without a task per socket (`_start`).

Frames carry a version number and the *whole* current state of their object (out-of-band fragments), so a burst can
be coalesced without losing anything: a slow socket that is still taking one frame is sent only the newest of those
that came meanwhile (`Subscriber`). The newest frame contains everything the skipped ones did; a client that still
sees a version gap re-fetches over HTTP. A socket that keeps up gets every frame, in order. Figures:
docs/performance.md, "Meetings".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

MESSAGE_TYPE = "live.frame"
Send = Callable[[str], Awaitable[None]]


def _start(awaitable: Awaitable[None]) -> Awaitable[None] | None:
    """Run a coroutine until it first suspends, in the caller's task: None if it finished (or failed) at once,
    else an awaitable that finishes it.

    A write to a socket whose buffer has room completes without suspending (uvicorn's send, the in-process
    test sockets), so a broadcast needs no task per socket: measured on 1,000 sockets, `asyncio.gather` spent
    ~3 ms per broadcast creating and scheduling tasks, this loop ~0.5 ms. Only a socket that really waits (a
    slow phone whose buffer is full) gets a task, which finishes the send and then delivers the newest frame.
    Python 3.12's eager tasks do the same; this is the coroutine protocol of PEP 492 and public asyncio only.
    """
    if not isinstance(awaitable, Coroutine):
        return awaitable
    try:
        suspended_on = awaitable.send(None)
    except StopIteration:
        return None
    return _finish(awaitable, suspended_on)


async def _finish(coroutine: Coroutine[Any, Any, None], suspended_on: Any) -> None:
    """Drive `coroutine` on from where `_start` left it: wait until what it suspended on is done, resume it."""
    try:
        while True:
            if asyncio.isfuture(suspended_on):
                # Not `await suspended_on`: its outcome is the coroutine's to see when it resumes, not ours; and
                # if this task is cancelled, `wait` leaves the future alone and raises here.
                await asyncio.wait([suspended_on])
            elif suspended_on is None:  # a bare yield (asyncio.sleep(0))
                await asyncio.sleep(0)
            else:
                raise RuntimeError(f"a socket's send yielded {suspended_on!r}, which asyncio cannot wait for")
            suspended_on = coroutine.send(None)
    except StopIteration:
        return
    except BaseException:
        coroutine.close()
        raise


@dataclass(eq=False)
class Subscriber:
    """One local socket. `send` writes a text frame to it.

    `version` is the newest frame written; `accepted` the newest taken for writing (written, being written, or
    waiting while an older one is written). A frame not newer than `accepted` is dropped: a burst collapses into
    its newest frame, and nothing older ever follows something newer.
    """

    send: Send
    version: int = -1
    accepted: int = -1
    _pending: tuple[int, str] | None = None
    _task: asyncio.Future[None] | None = None

    def offer_nowait(self, version: int, frame: str) -> asyncio.Future[None] | None:
        """Write `frame` now if the socket can take it; return a task only when the socket makes us wait."""
        if version <= self.accepted:
            return None
        self.accepted = version
        if self._task is not None:  # a write is under way: this frame goes next, unless a newer one comes
            self._pending = (version, frame)
            return None
        try:
            rest = _start(self.send(frame))
        except Exception:  # a closed socket must not stop delivery to the others
            log.debug("live: send failed", exc_info=True)
            return None
        if rest is None:
            self.version = version
            return None
        self._task = asyncio.ensure_future(self._drain(version, rest))
        return self._task

    async def offer(self, version: int, frame: str) -> None:
        """`offer_nowait`, then wait until this socket has been written to."""
        task = self.offer_nowait(version, frame)
        if task is None and self._task is not None:
            task = self._task
        if task is not None:
            await asyncio.shield(task)

    async def _drain(self, version: int, rest: Awaitable[None]) -> None:
        try:
            for _ in range(1_000_000):  # bounded; in practice a handful of rounds
                try:
                    await rest
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.debug("live: send failed", exc_info=True)
                    return
                self.version = max(self.version, version)
                if self._pending is None:
                    return
                (version, frame), self._pending = self._pending, None
                rest = self.send(frame)
        finally:
            self._task = None


@dataclass
class _Group:
    subscribers: set[Subscriber] = field(default_factory=set)
    version: int = -1
    frame: str | None = None


class Hub:
    """Per-process registry of local sockets by group, fed by one channel-layer subscription per group."""

    def __init__(self) -> None:
        self._groups: dict[str, _Group] = {}
        self._channel: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def _ensure_reader(self) -> str:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests run one per test): start afresh
            self._groups.clear()
            self._channel, self._reader, self._lock, self._loop = None, None, asyncio.Lock(), loop
        if self._channel is None:
            layer = get_channel_layer()
            assert layer is not None, "CHANNEL_LAYERS must be configured"
            self._channel = await layer.new_channel("live-hub.")
            self._reader = loop.create_task(self._read(self._channel))
        return self._channel

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
            if message.get("type") == MESSAGE_TYPE:
                # Not awaited: a slow socket finishes in its own task while the next message is read.
                self._deliver(message["group"], int(message["version"]), message["frame"])

    async def subscribe(self, group: str, send: Send) -> Subscriber:
        async with self._lock_for_loop():
            channel = await self._ensure_reader()
            entry = self._groups.get(group)
            if entry is None:
                entry = self._groups[group] = _Group()
                layer = get_channel_layer()
                assert layer is not None
                await layer.group_add(group, channel)
            subscriber = Subscriber(send)
            entry.subscribers.add(subscriber)
            return subscriber

    async def unsubscribe(self, group: str, subscriber: Subscriber) -> None:
        async with self._lock_for_loop():
            entry = self._groups.get(group)
            if entry is None:
                return
            entry.subscribers.discard(subscriber)
            if not entry.subscribers:
                del self._groups[group]
                layer = get_channel_layer()
                if layer is not None and self._channel is not None:
                    with contextlib.suppress(Exception):
                        await layer.group_discard(group, self._channel)

    def _lock_for_loop(self) -> asyncio.Lock:
        if self._loop is not asyncio.get_running_loop():
            self._lock = asyncio.Lock()
        return self._lock

    def _deliver(self, group: str, version: int, frame: str) -> list[asyncio.Future[None]]:
        """Write `frame` to every local socket of `group`; return the tasks of the sockets that made us wait."""
        entry = self._groups.get(group)
        if entry is None:
            return []
        if version > entry.version:
            entry.version, entry.frame = version, frame
        # One pass over the local sockets, each written at once; a socket that makes us wait gets a task of its
        # own, so one slow phone never delays the hall.
        return [task for s in list(entry.subscribers) if (task := s.offer_nowait(version, frame)) is not None]

    async def deliver_locally(self, group: str, version: int, frame: str) -> None:
        """Deliver to this process's sockets and wait until each has been written to (slow ones included)."""
        waiting = self._deliver(group, version, frame)
        if waiting:
            await asyncio.wait(waiting)

    def local_count(self, group: str) -> int:
        entry = self._groups.get(group)
        return len(entry.subscribers) if entry else 0


hub = Hub()


async def publish(group: str, version: int, frame: str) -> None:
    """Send a frame to every process subscribed to `group` (one channel-layer message in all)."""
    layer = get_channel_layer()
    assert layer is not None
    await layer.group_send(group, {"type": MESSAGE_TYPE, "group": group, "version": version, "frame": frame})
