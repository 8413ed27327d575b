"""An open meeting socket whose member loses access stops receiving (live/auth.py, "While open"): the membership
lapses, the account is switched off, the password changes, the member logs out. A member who keeps access keeps
receiving, the frames sent while the check ran included."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from rankandfile.asgi import application
from rankandfile.live.auth import access_changed
from rankandfile.meetings import services
from rankandfile.meetings.models import Meeting
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.org import services as org_services
from rankandfile.org.models import Member, Membership
from rankandfile.testing import SmallOrg, build_small_org

pytestmark = pytest.mark.django_db(transaction=True)


async def setup() -> tuple[SmallOrg, Meeting]:
    org = await sync_to_async(build_small_org)()
    meeting = await sync_to_async(make_meeting)(org)
    return org, meeting


def logged_in(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


async def connect(meeting: Meeting, client: Client) -> WebsocketCommunicator:
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/meetings/{meeting.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def a_frame_is_sent(org: SmallOrg, meeting: Meeting, watching: WebsocketCommunicator) -> None:
    """Something happens in the meeting; `watching` (a member who keeps access) sees it, so it was sent."""
    await sync_to_async(services.hand_raise)(member=org.erin, meeting=meeting, stance="for")
    frame = json.loads(await watching.receive_from(timeout=5))
    assert "Erin Committee" in frame["content"]


async def closed_with(communicator: WebsocketCommunicator) -> int:
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close"
    return int(message["code"])


async def test_a_lapsed_members_socket_is_closed_and_receives_nothing_more() -> None:
    org, meeting = await setup()
    alice = await connect(meeting, await sync_to_async(logged_in)(org.alice))
    bob = await connect(meeting, await sync_to_async(logged_in)(org.bob))
    membership = await sync_to_async(Membership.objects.get)(member=org.alice, unit=org.leeds)
    await sync_to_async(org_services.membership_set_status)(
        actor=org.bob, membership=membership, status=Membership.Status.LAPSED
    )
    assert await closed_with(alice) == 4403
    await a_frame_is_sent(org, meeting, bob)
    assert await alice.receive_nothing(timeout=0.3)
    await alice.disconnect()
    await bob.disconnect()


async def test_a_switched_off_account_is_closed() -> None:
    org, meeting = await setup()
    alice = await connect(meeting, await sync_to_async(logged_in)(org.alice))
    bob = await connect(meeting, await sync_to_async(logged_in)(org.bob))
    org.alice.is_active = False
    await sync_to_async(org.alice.save)()  # as the admin saves it (MemberAdmin.save_model)
    assert await closed_with(alice) == 4401
    await a_frame_is_sent(org, meeting, bob)
    assert await alice.receive_nothing(timeout=0.3)
    await alice.disconnect()
    await bob.disconnect()


async def test_a_new_password_closes_the_members_other_sockets() -> None:
    org, meeting = await setup()
    phone = await sync_to_async(logged_in)(org.alice)
    alice = await connect(meeting, phone)
    laptop = await sync_to_async(logged_in)(org.alice)
    form = {"old_password": "correct horse battery staple"} | dict.fromkeys(
        ("new_password1", "new_password2"), "a new long passphrase 2026"
    )
    answer = await sync_to_async(laptop.post)("/accounts/password_change/", form)
    assert answer.status_code == 302
    assert await closed_with(alice) == 4401
    await alice.disconnect()


async def test_logging_out_closes_the_sessions_socket() -> None:
    org, meeting = await setup()
    client = await sync_to_async(logged_in)(org.alice)
    alice = await connect(meeting, client)
    answer = await sync_to_async(client.post)("/accounts/logout/")
    assert answer.status_code in (200, 302)
    assert await closed_with(alice) == 4401
    await alice.disconnect()


async def test_a_member_who_keeps_access_keeps_receiving() -> None:
    org, meeting = await setup()
    alice = await connect(meeting, await sync_to_async(logged_in)(org.alice))
    await access_changed(org.alice.pk)  # say, a role of hers elsewhere ended
    await sync_to_async(services.hand_raise)(member=org.erin, meeting=meeting, stance="for")
    frame = json.loads(await alice.receive_from(timeout=5))
    assert "Erin Committee" in frame["content"]
    await alice.disconnect()
