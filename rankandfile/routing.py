"""WebSocket routes of every app. The permission matrix test covers these too."""

from typing import Any

from django.urls import path

from rankandfile.ballots.consumers import BallotConsumer
from rankandfile.meetings.consumers import MeetingConsumer
from rankandfile.proposals.consumers import ProposalConsumer
from rankandfile.recall.consumers import PetitionConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/meetings/<int:meeting_id>/", MeetingConsumer.as_asgi(), name="meeting_ws"),
    path("ws/ballots/<int:ballot_id>/", BallotConsumer.as_asgi(), name="ballot_ws"),
    path("ws/proposals/<int:proposal_id>/", ProposalConsumer.as_asgi(), name="proposal_ws"),
    path("ws/recalls/<int:petition_id>/", PetitionConsumer.as_asgi(), name="recall_ws"),
]
