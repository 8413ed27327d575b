"""The live count over WebSocket: frames carry the number of ballots cast, never what they say."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from rankandfile.asgi import application

# Seconds to wait for a frame: only reached when a test fails. The tests wait for a state (a version), never for
# "the next frame within a moment": on a loaded machine (2 cores, several test runs) a frame took over 5 s.
WAIT = 30


async def connect(member: Any, ballot_id: int) -> WebsocketCommunicator:
    client = Client()
    await sync_to_async(client.force_login)(member)
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/ballots/{ballot_id}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def frame_from(communicator: WebsocketCommunicator, version: int) -> dict[str, Any]:
    """The first frame of at least `version`: the opening's frame (version 0) is coalesced for a quarter second, so
    a socket that connects meanwhile is sent it too, before the ones the test is about."""
    async with asyncio.timeout(WAIT):
        while True:
            frame: dict[str, Any] = json.loads(await communicator.receive_from(timeout=WAIT))
            if frame["version"] >= version:
                return frame


@pytest.mark.django_db(transaction=True)
async def test_it_sends_the_number_of_ballots_cast_after_each_cast_and_the_close() -> None:
    from rankandfile.ballots import services
    from rankandfile.ballots.tests.helpers import draft_ballot
    from rankandfile.testing import build_small_org

    org = await sync_to_async(build_small_org)()
    ballot = await sync_to_async(draft_ballot)(org, mode="in_meeting")
    ballot = await sync_to_async(services.ballot_open)(
        actor=org.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(hours=1)
    )
    chair = await connect(org.dave, ballot.pk)
    await sync_to_async(services.ballot_cast)(voter=org.alice, ballot=ballot, names=["Cat", "Ann"])
    frame = await frame_from(chair, 1)
    assert frame["version"] == 2 and 'data-cast="1"' in frame["content"]
    assert "Cat" not in frame["content"]
    await sync_to_async(services.ballot_close)(actor=org.dave, ballot=ballot)
    frame = await frame_from(chair, 3)
    assert frame["version"] == 3 and "Closed: see the result" in frame["content"]
    await chair.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_close_over_http_is_published_by_the_servers_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    from channels.testing import HttpCommunicator

    from rankandfile.ballots import live, services
    from rankandfile.ballots.tests.helpers import draft_ballot
    from rankandfile.testing import build_small_org, log_in

    org = await sync_to_async(build_small_org)()
    ballot = await sync_to_async(draft_ballot)(org, mode="in_meeting")
    ballot = await sync_to_async(services.ballot_open)(
        actor=org.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(hours=1)
    )
    handed_to_the_loop: list[tuple[int, float]] = []
    schedule = live.feed._schedule
    monkeypatch.setattr(
        live.feed, "_schedule", lambda pk, delay: (handed_to_the_loop.append((pk, delay)), schedule(pk, delay))
    )
    chair = await connect(org.dave, ballot.pk)
    client = Client()
    await sync_to_async(log_in)(client, org.dave)  # closing is a manage_ballots page: with the second factor
    token = "LiveFeedCsrfToken0123456789abcde"  # 32 characters: Django's unmasked token format
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}"
    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver"), (b"cookie", cookies.encode())]
    headers.append((b"x-csrftoken", token.encode()))
    request = HttpCommunicator(application, "POST", f"/ballots/{ballot.pk}/close/", headers=headers)
    answer = await request.get_response(timeout=30)
    await request.wait(timeout=30)  # until Django has finished the request (and given its connection back)
    assert answer["status"] == 302
    # The request's code did not publish in its own thread: it asked the server's loop, with no delay (a close).
    assert handed_to_the_loop == [(ballot.pk, 0.0)]
    frame = await frame_from(chair, 1)
    assert frame["version"] == 1 and "Closed: see the result" in frame["content"]
    await chair.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_voter_whose_membership_lapsed_keeps_the_count_and_a_switched_off_one_loses_it() -> None:
    """Access is checked again, not cut: a lapsed member stays on the frozen roll and may still watch; a switched-off
    account may not (live/auth.py, "While open")."""
    from rankandfile.ballots import services
    from rankandfile.ballots.tests.helpers import open_ballot
    from rankandfile.org import services as org_services
    from rankandfile.org.models import Membership
    from rankandfile.testing import build_small_org

    org = await sync_to_async(build_small_org)()
    ballot = await sync_to_async(open_ballot)(org, mode="in_meeting")
    alice, erin = await connect(org.alice, ballot.pk), await connect(org.erin, ballot.pk)
    membership = await sync_to_async(Membership.objects.get)(member=org.alice, unit=org.leeds)
    await sync_to_async(org_services.membership_set_status)(
        actor=org.bob, membership=membership, status=Membership.Status.LAPSED
    )
    org.erin.is_active = False
    await sync_to_async(org.erin.save)(update_fields=["is_active"])
    assert await erin.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await sync_to_async(services.ballot_cast)(voter=org.bob, ballot=ballot, names=["Ann"])
    assert 'data-cast="1"' in (await frame_from(alice, 1))["content"]
    assert await erin.receive_nothing(timeout=0.3)
    await alice.disconnect()
    await erin.disconnect()
