"""WebSocket routes of every app. The permission matrix test covers these too."""

from typing import Any

websocket_urlpatterns: list[Any] = []
