"""The WebSocket's session middleware: the member behind the session cookie, or anonymous; `send` left alone."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from rankandfile.live.auth import SessionAuthMiddleware
from rankandfile.org.sessions import session_member


class Inner:
    """The app behind the middleware: keeps the scope and the `send` it was given, then accepts."""

    scope: dict[str, Any]
    send: Any = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scope, self.send = scope, send
        await receive()
        await send({"type": "websocket.accept"})
        await receive()


async def connect(cookie: str | None) -> Inner:
    inner = Inner()
    headers = [(b"cookie", cookie.encode())] if cookie is not None else []
    communicator = WebsocketCommunicator(
        SessionAuthMiddleware(inner, session_member=session_member), "/ws/test/", headers=headers
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()
    return inner


async def session_cookie(member: Any) -> str:
    client = Client()
    await sync_to_async(client.force_login)(member)
    return f"sessionid={client.cookies['sessionid'].value}; other=1"


@pytest.mark.django_db(transaction=True)
async def test_it_puts_the_member_of_the_session_cookie_in_the_scope() -> None:
    from rankandfile.testing import build_small_org

    org = await sync_to_async(build_small_org)()
    inner = await connect(await session_cookie(org.alice))
    assert inner.scope["user"].pk == org.alice.pk
    assert inner.scope["cookies"]["other"] == "1"
    assert inner.scope["session"].session_key


@pytest.mark.django_db(transaction=True)
async def test_it_leaves_send_to_the_server_unwrapped() -> None:
    inner = Inner()
    communicator = WebsocketCommunicator(SessionAuthMiddleware(inner, session_member=session_member), "/ws/test/")
    await communicator.connect()
    # WebsocketCommunicator hands the app its own `output_queue.put`; the middleware passes that very callable.
    assert inner.send == communicator.output_queue.put
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cookie", [None, "sessionid=not-a-session", "sessionid="])
async def test_it_is_anonymous_without_a_valid_session(cookie: str | None) -> None:
    inner = await connect(cookie)
    assert not inner.scope["user"].is_authenticated


@pytest.mark.django_db(transaction=True)
async def test_it_is_anonymous_once_the_member_has_changed_password() -> None:
    from rankandfile.testing import build_small_org

    org = await sync_to_async(build_small_org)()
    cookie = await session_cookie(org.alice)
    org.alice.set_password("a different long password")
    await sync_to_async(org.alice.save)(update_fields=["password"])
    inner = await connect(cookie)
    assert not inner.scope["user"].is_authenticated


@pytest.mark.django_db(transaction=True)
async def test_it_is_anonymous_when_the_account_is_switched_off() -> None:
    from rankandfile.testing import build_small_org

    org = await sync_to_async(build_small_org)()
    cookie = await session_cookie(org.alice)
    org.alice.is_active = False
    await sync_to_async(org.alice.save)(update_fields=["is_active"])
    inner = await connect(cookie)
    assert not inner.scope["user"].is_authenticated
