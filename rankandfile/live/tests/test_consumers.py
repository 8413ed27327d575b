"""The base consumer while a member's access is checked again: frames are held, then sent or dropped."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import path

from rankandfile.live.auth import SessionAuthMiddleware, access_watch
from rankandfile.live.consumers import LiveConsumer
from rankandfile.live.hub import hub
from rankandfile.org.sessions import session_member


class Gated(LiveConsumer):
    """Allowed at connect; on a later check, waits for `gate`, then says what `allowed` says."""

    allowed = True
    gate: asyncio.Event
    checks = 0

    async def group_for(self, user: Any, **kwargs: Any) -> str | None:
        type(self).checks += 1
        if type(self).checks > 1:
            await self.gate.wait()
        return "gated-1" if self.allowed else None


app = SessionAuthMiddleware(URLRouter([path("ws/gated/", Gated.as_asgi())]), session_member=session_member)


async def connect(member: Any) -> WebsocketCommunicator:
    client = Client()
    await sync_to_async(client.force_login)(member)
    headers = [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]
    communicator = WebsocketCommunicator(app, "/ws/gated/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("allowed", [True, False])
async def test_a_frame_sent_during_the_check_waits_for_its_answer(allowed: bool, settings: Any) -> None:
    from rankandfile.testing import build_small_org

    # The hold is the consumer's own logic: keep it off a shared Redis layer, where another run's access message
    # for the same member id can start a check of its own and the test's count of checks no longer holds.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    org = await sync_to_async(build_small_org)()
    Gated.allowed, Gated.gate, Gated.checks = True, asyncio.Event(), 0
    socket = await connect(org.alice)
    access_watch.changed(org.alice.pk)
    await asyncio.sleep(0)  # the check starts and waits at the gate
    await hub.deliver_locally("gated-1", 1, "the frame")
    assert await socket.receive_nothing(timeout=0.1)  # held
    Gated.allowed = allowed
    Gated.gate.set()
    if allowed:
        assert await socket.receive_from(timeout=5) == "the frame"
    else:
        assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
        await hub.deliver_locally("gated-1", 2, "a later frame")
        assert await socket.receive_nothing(timeout=0.1)
        assert hub.local_count("gated-1") == 0
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_socket_is_subscribed_before_it_opens_and_gets_a_frame_sent_meanwhile(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page re-reads the state once its socket opens: every frame from then on must reach it."""
    from rankandfile.testing import build_small_org

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    org = await sync_to_async(build_small_org)()
    Gated.allowed, Gated.gate, Gated.checks = True, asyncio.Event(), 0
    events: list[str] = []
    subscribe, accept = hub.subscribe, Gated.accept

    async def subscribe_and_publish(group: str, send: Any) -> Any:
        subscriber = await subscribe(group, send)
        events.append("subscribed")
        await hub.deliver_locally(group, 1, "a change committed while subscribing")
        return subscriber

    async def accept_and_note(self: Gated, *args: Any, **kwargs: Any) -> None:
        events.append("accepted")
        await accept(self, *args, **kwargs)

    monkeypatch.setattr(hub, "subscribe", subscribe_and_publish)
    monkeypatch.setattr(Gated, "accept", accept_and_note)
    socket = await connect(org.alice)  # the accept is the first thing the socket sends, before any frame
    assert events == ["subscribed", "accepted"]
    assert await socket.receive_from(timeout=5) == "a change committed while subscribing"
    await socket.disconnect()
    assert hub.local_count("gated-1") == 0
