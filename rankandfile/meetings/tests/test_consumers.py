"""The meeting WebSocket: who may subscribe, and frames after a service call (WebsocketCommunicator)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from rankandfile.asgi import application
from rankandfile.meetings import services
from rankandfile.meetings.models import Meeting
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg, build_small_org

pytestmark = pytest.mark.django_db(transaction=True)


def headers_for(member: Member | None) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if member is not None:
        client = Client()
        client.force_login(member)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return headers


async def setup() -> tuple[SmallOrg, Meeting]:
    org = await sync_to_async(build_small_org)()
    meeting = await sync_to_async(make_meeting)(org)
    return org, meeting


async def connect(meeting: Meeting, member: Member | None) -> tuple[WebsocketCommunicator, Any, Any]:
    headers = await sync_to_async(headers_for)(member)
    communicator = WebsocketCommunicator(application, f"/ws/meetings/{meeting.pk}/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_it_refuses_an_outsider_to_the_meetings_unit() -> None:
    org, meeting = await setup()
    communicator, connected, code = await connect(meeting, org.otto)  # a member of York, not of Leeds
    assert not connected
    assert code == 4403
    await communicator.disconnect()


async def test_it_refuses_a_lapsed_member_and_an_anonymous_visitor() -> None:
    org, meeting = await setup()
    communicator, connected, code = await connect(meeting, org.frank)
    assert (connected, code) == (False, 4403)
    await communicator.disconnect()
    communicator, connected, code = await connect(meeting, None)
    assert (connected, code) == (False, 4401)
    await communicator.disconnect()


async def test_it_sends_a_member_a_frame_after_a_service_call() -> None:
    org, meeting = await setup()
    communicator, connected, _code = await connect(meeting, org.erin)
    assert connected
    await sync_to_async(services.hand_raise)(member=org.alice, meeting=meeting, stance="for")
    frame = json.loads(await communicator.receive_from(timeout=5))
    version = await sync_to_async(lambda: Meeting.objects.get(pk=meeting.pk).version)()
    assert frame["version"] == version
    assert 'id="meeting-queue"' in frame["content"]
    assert "Alice Member" in frame["content"]
    await communicator.disconnect()


async def test_it_sends_newer_versions_in_order_and_nothing_to_another_meeting() -> None:
    org, meeting = await setup()
    other = await sync_to_async(make_meeting)(org, title="Another meeting")
    here, connected, _ = await connect(meeting, org.alice)
    there, connected_there, _ = await connect(other, org.alice)
    assert connected and connected_there
    await sync_to_async(services.hand_raise)(member=org.alice, meeting=meeting, stance="for")
    await sync_to_async(services.hand_withdraw)(member=org.alice, meeting=meeting)
    latest = await sync_to_async(lambda: Meeting.objects.get(pk=meeting.pk).version)()
    # A busy socket may be sent only the newest of a burst (the hub coalesces), never an older one after it.
    versions: list[int] = []
    while not versions or versions[-1] < latest:
        frame = json.loads(await here.receive_from(timeout=5))
        versions.append(frame["version"])
    assert versions == sorted(set(versions))
    assert "Alice Member" not in frame["content"].split('id="meeting-agenda"')[0]
    assert await there.receive_nothing(timeout=0.3)
    await here.disconnect()
    await there.disconnect()
