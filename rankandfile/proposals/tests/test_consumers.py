"""Co-signatures counted live: a frame to everyone watching the proposal after each signature."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from rankandfile.asgi import application


@pytest.mark.django_db(transaction=True)
async def test_it_sends_the_new_count_of_co_signers() -> None:
    from rankandfile.proposals import services
    from rankandfile.testing import build_small_org

    org = await sync_to_async(build_small_org)()
    proposal = await sync_to_async(services.proposal_create)(
        actor=org.alice, unit=org.leeds, title="Fund", text="A fund."
    )
    await sync_to_async(services.proposal_submit)(actor=org.alice, proposal=proposal)
    client = Client()
    await sync_to_async(client.force_login)(org.erin)
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/proposals/{proposal.pk}/", headers=headers)
    assert (await communicator.connect())[0]
    await sync_to_async(services.proposal_sign)(actor=org.bob, proposal=proposal)
    frame = json.loads(await communicator.receive_from(timeout=5))
    assert "1 co-signer" in frame["content"] and frame["version"] == 3
    await communicator.disconnect()
