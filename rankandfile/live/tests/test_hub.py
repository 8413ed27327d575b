"""The per-process fan-out: every local socket gets each group's newest frame, once, in version order.

No test here waits on the clock: a socket says when it has what a test waits for (a condition), and a slow socket
is one held at a gate the test opens.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest

from rankandfile.live.hub import Hub, Subscriber, publish

TIMEOUT = 10  # seconds: only reached when a test fails


class Socket:
    """A phone: records each frame it is sent; `gate`, while closed, holds every write back."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.frames: list[str] = []
        self.gate = gate
        self._changed = asyncio.Condition()

    async def send(self, frame: str) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.frames.append(frame)
        async with self._changed:
            self._changed.notify_all()

    @property
    def versions(self) -> list[int]:
        return [int(frame.split(":", 1)[0]) for frame in self.frames]

    async def until(self, condition: Callable[[Socket], bool]) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: condition(self)), TIMEOUT)

    async def until_version(self, version: int) -> None:
        await self.until(lambda s: bool(s.versions) and s.versions[-1] >= version)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Hub:
    fresh = Hub()
    monkeypatch.setattr("rankandfile.live.hub.hub", fresh)
    return fresh


def new_group() -> str:
    return f"meeting-{uuid.uuid4().hex}"  # its own group, should the layer be a shared Redis


async def test_it_delivers_a_published_frame_to_every_local_socket(hub: Hub) -> None:
    group, other_group = new_group(), new_group()
    sockets = [Socket() for _ in range(50)]
    for s in sockets:
        await hub.subscribe(group, s.send)
    other = Socket()
    await hub.subscribe(other_group, other.send)
    await publish(group, 1, "1:<div>v1</div>")
    await publish(other_group, 7, "7:marker")
    for s in [*sockets, other]:
        await s.until(lambda s: bool(s.frames))
    assert all(s.frames == ["1:<div>v1</div>"] for s in sockets)
    assert other.frames == ["7:marker"]  # the other group's frame, and never this one


async def test_it_stops_delivering_after_unsubscribe(hub: Hub) -> None:
    group = new_group()
    a, b = Socket(), Socket()
    sub_a = await hub.subscribe(group, a.send)
    await hub.subscribe(group, b.send)
    await hub.unsubscribe(group, sub_a)
    await publish(group, 1, "1:x")
    await b.until_version(1)
    assert a.frames == [] and hub.local_count(group) == 1


async def test_it_coalesces_a_burst_for_a_slow_socket_into_the_newest_frame() -> None:
    gate = asyncio.Event()
    socket = Socket(gate=gate)
    slow = Subscriber(socket.send)

    async def open_gate() -> None:
        gate.set()

    # Tasks start in the order given: ten offers while the first write waits at the gate, then the gate opens.
    await asyncio.gather(*(slow.offer(v, f"{v}:x") for v in range(1, 11)), open_gate())
    # The first frame went out when the socket could take it; the rest collapsed into the newest.
    assert socket.versions == [1, 10]
    assert slow.version == 10


async def test_it_never_delivers_an_older_version_after_a_newer_one() -> None:
    socket = Socket()
    subscriber = Subscriber(socket.send)
    await subscriber.offer(5, "5:x")
    await subscriber.offer(3, "3:x")
    await subscriber.offer(5, "5:again")
    assert socket.frames == ["5:x"]


async def test_it_keeps_delivering_to_others_when_one_socket_fails(hub: Hub) -> None:
    group = new_group()

    async def broken(frame: str) -> None:
        raise ConnectionError("gone")

    good = Socket()
    await hub.subscribe(group, broken)
    await hub.subscribe(group, good.send)
    await publish(group, 1, "1:x")
    await good.until_version(1)
    assert good.frames == ["1:x"]


async def test_it_loses_no_update_in_a_burst_to_many_local_sockets(hub: Hub) -> None:
    group = new_group()
    held_back, let_go = asyncio.Event(), asyncio.Event()
    sockets = [Socket() for _ in range(500)]
    for socket in sockets[::50]:  # ten phones that cannot take anything until the burst is over
        socket.gate = held_back
    for socket in sockets[25::50]:  # ten that are stuck on their first frame for the first half of the burst
        socket.gate = let_go
    for socket in sockets:
        await hub.subscribe(group, socket.send)
    fast = [s for s in sockets if s.gate is None]

    for version in range(1, 26):  # 25 publishes, as fast as the layer takes them
        await publish(group, version, f"{version}:" + "x" * 300)
    await asyncio.gather(*(s.until_version(25) for s in fast))
    let_go.set()
    await asyncio.gather(*(s.until_version(25) for s in sockets[25::50]))
    for version in range(26, 51):
        await publish(group, version, f"{version}:" + "x" * 300)
    await asyncio.gather(*(s.until_version(50) for s in fast))
    held_back.set()
    await asyncio.gather(*(s.until_version(50) for s in sockets))

    for socket in sockets:
        assert socket.versions == sorted(set(socket.versions)), "never an older frame after a newer one"
    assert all(s.versions == list(range(1, 51)) for s in fast), "a socket that keeps up gets every frame"
    for socket in sockets[::50]:
        assert socket.versions == [1, 50], "a held-back socket gets the frame it was on, then only the newest"
    for socket in sockets[25::50]:
        assert socket.versions == [1, *range(25, 51)], "a socket let go mid-burst skips to the newest, then keeps up"


async def test_it_writes_at_once_to_a_socket_that_can_take_it() -> None:
    socket = Socket()
    subscriber = Subscriber(socket.send)
    assert subscriber.offer_nowait(1, "1:x") is None  # no task was needed
    assert socket.versions == [1] and subscriber.version == 1


async def test_it_finishes_in_a_task_a_write_that_had_to_wait_and_then_sends_the_newest() -> None:
    socket = Socket(gate=asyncio.Event())
    subscriber = Subscriber(socket.send)
    task = subscriber.offer_nowait(1, "1:x")
    assert task is not None and socket.versions == []
    assert subscriber.offer_nowait(2, "2:x") is None and subscriber.offer_nowait(3, "3:x") is None
    assert socket.gate is not None
    socket.gate.set()
    await task
    assert socket.versions == [1, 3] and subscriber.version == 3


async def test_it_gives_up_on_a_socket_whose_write_fails_after_waiting() -> None:
    gate = asyncio.Event()

    async def breaks_later(frame: str) -> None:
        await gate.wait()
        raise ConnectionError("gone")

    subscriber = Subscriber(breaks_later)
    task = subscriber.offer_nowait(1, "1:x")
    assert task is not None
    gate.set()
    await task  # the failure is logged, not raised into the hub
    assert subscriber.version == -1


async def test_it_stops_a_waiting_write_when_its_task_is_cancelled() -> None:
    gate = asyncio.Event()
    finished: list[str] = []

    async def never_ready(frame: str) -> None:
        try:
            await gate.wait()
        finally:
            finished.append("cleaned up")

    subscriber = Subscriber(never_ready)
    task = subscriber.offer_nowait(1, "1:x")
    assert task is not None
    asyncio.get_running_loop().call_soon(task.cancel)  # after the task's first step: it is waiting at the gate
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == ["cleaned up"] and subscriber.version == -1
