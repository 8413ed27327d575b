"""WebSocket routes of every app. The permission matrix test covers these too."""

from typing import Any

from django.urls import path

from rankandfile.meetings.consumers import MeetingConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/meetings/<int:meeting_id>/", MeetingConsumer.as_asgi(), name="meeting_ws"),
]
