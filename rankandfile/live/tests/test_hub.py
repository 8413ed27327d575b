"""The per-process fan-out: every local socket gets each group's newest frame, once, in version order."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from rankandfile.live.hub import Hub, Subscriber, publish


class Socket:
    def __init__(self, delay: float = 0.0) -> None:
        self.frames: list[str] = []
        self.delay = delay

    async def send(self, frame: str) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.frames.append(frame)


async def wait_until(condition: object, timeout: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.01)


async def test_it_delivers_a_published_frame_to_every_local_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = Hub()
    monkeypatch.setattr("rankandfile.live.hub.hub", hub)
    sockets = [Socket() for _ in range(50)]
    for s in sockets:
        await hub.subscribe("meeting-1", s.send)
    other = Socket()
    await hub.subscribe("meeting-2", other.send)
    await publish("meeting-1", 1, "<div>v1</div>")
    await wait_until(lambda: all(s.frames for s in sockets))
    assert all(s.frames == ["<div>v1</div>"] for s in sockets)
    assert other.frames == []


async def test_it_stops_delivering_after_unsubscribe(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = Hub()
    monkeypatch.setattr("rankandfile.live.hub.hub", hub)
    a, b = Socket(), Socket()
    sub_a = await hub.subscribe("meeting-1", a.send)
    await hub.subscribe("meeting-1", b.send)
    await hub.unsubscribe("meeting-1", sub_a)
    await publish("meeting-1", 1, "x")
    await wait_until(lambda: b.frames)
    assert a.frames == [] and hub.local_count("meeting-1") == 1


async def test_it_coalesces_a_burst_for_a_slow_socket_into_the_newest_frame() -> None:
    slow = Subscriber(Socket(delay=0.05).send)
    socket = slow.send.__self__  # type: ignore[attr-defined]
    await asyncio.gather(*(slow.offer(v, f"v{v}") for v in range(1, 11)))
    # The first frame went out at once; the rest collapsed into the newest.
    assert socket.frames == ["v1", "v10"]
    assert slow.version == 10


async def test_it_never_delivers_an_older_version_after_a_newer_one() -> None:
    socket = Socket()
    subscriber = Subscriber(socket.send)
    await subscriber.offer(5, "v5")
    await subscriber.offer(3, "v3")
    await subscriber.offer(5, "v5 again")
    assert socket.frames == ["v5"]


async def test_it_keeps_delivering_to_others_when_one_socket_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = Hub()
    monkeypatch.setattr("rankandfile.live.hub.hub", hub)

    async def broken(frame: str) -> None:
        raise ConnectionError("gone")

    good = Socket()
    await hub.subscribe("meeting-1", broken)
    await hub.subscribe("meeting-1", good.send)
    await publish("meeting-1", 1, "x")
    await wait_until(lambda: good.frames)
    assert good.frames == ["x"]


class CountingSocket:
    """A phone: records the version of every frame it gets; `delay` makes it slow, `blocked` holds it back."""

    def __init__(self, delay: float = 0.0) -> None:
        self.versions: list[int] = []
        self.delay = delay
        self.blocked: asyncio.Event | None = None

    async def send(self, frame: str) -> None:
        if self.blocked is not None:
            await self.blocked.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.versions.append(int(frame.split(":", 1)[0]))


async def test_it_loses_no_update_in_a_burst_to_many_local_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = Hub()
    monkeypatch.setattr("rankandfile.live.hub.hub", hub)
    group = f"meeting-burst-{uuid.uuid4().hex}"  # its own group, should the layer be a shared Redis
    held_back = asyncio.Event()
    sockets = [CountingSocket(delay=0.002 * (i % 5)) for i in range(500)]
    for socket in sockets[::50]:  # ten phones that cannot take anything until the burst is over
        socket.blocked = held_back
    for socket in sockets:
        await hub.subscribe(group, socket.send)
    for version in range(1, 51):  # 50 publishes, as fast as the layer takes them
        await publish(group, version, f"{version}:" + "x" * 300)
    await asyncio.sleep(0.2)
    held_back.set()
    await wait_until(lambda: all(s.versions and s.versions[-1] == 50 for s in sockets), timeout=10)
    for socket in sockets:
        assert socket.versions == sorted(set(socket.versions)), "never an older frame after a newer one"
    fast = [s for s in sockets if not s.delay and s.blocked is None]
    assert fast and all(s.versions == list(range(1, 51)) for s in fast), "a socket that keeps up gets every frame"
    for socket in sockets[::50]:
        assert socket.versions == [1, 50], "a held-back socket gets the frame it was on, then only the newest"


async def test_it_writes_at_once_to_a_socket_that_can_take_it() -> None:
    socket = CountingSocket()
    subscriber = Subscriber(socket.send)
    assert subscriber.offer_nowait(1, "1:x") is None  # no task was needed
    assert socket.versions == [1] and subscriber.version == 1


async def test_it_finishes_in_a_task_a_write_that_had_to_wait_and_then_sends_the_newest() -> None:
    socket = CountingSocket()
    socket.blocked = asyncio.Event()
    subscriber = Subscriber(socket.send)
    task = subscriber.offer_nowait(1, "1:x")
    assert task is not None and socket.versions == []
    assert subscriber.offer_nowait(2, "2:x") is None and subscriber.offer_nowait(3, "3:x") is None
    socket.blocked.set()
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
