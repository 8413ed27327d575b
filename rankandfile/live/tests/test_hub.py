"""The per-process fan-out: every local socket gets each group's newest frame, once, in version order."""

from __future__ import annotations

import asyncio

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
