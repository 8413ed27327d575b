"""ASGI entry point: HTTP through Django, WebSockets through Channels (DESIGN §2)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankandfile.settings")
django_asgi_app = get_asgi_application()

from rankandfile.checks import refuse_development_key_in_production  # noqa: E402

# Every server loads this module (uvicorn, daphne, runserver): none starts in production on the published key.
refuse_development_key_in_production()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from rankandfile.ballots.cast_door import CastDoor  # noqa: E402
from rankandfile.live.auth import SessionAuthMiddleware  # noqa: E402
from rankandfile.live.publish import ServerLoop  # noqa: E402
from rankandfile.org.sessions import session_member  # noqa: E402
from rankandfile.routing import websocket_urlpatterns  # noqa: E402

# The cast door serves the ballot cast of a convention hall's burst on the event loop and hands every other
# request, and every cast it cannot serve plainly, to Django (rankandfile/ballots/cast_door.py).
application = CastDoor(
    ProtocolTypeRouter(
        {
            # Requests may hand coalesced live updates to this event loop (rankandfile/live/publish.py).
            "http": ServerLoop(django_asgi_app),
            # The session and member are read once at connect, by the session-to-member check the cast door uses
            # too, and again when the member's access changes; `send` is not wrapped (rankandfile/live/auth.py).
            "websocket": AllowedHostsOriginValidator(
                SessionAuthMiddleware(URLRouter(websocket_urlpatterns), session_member=session_member)
            ),
        }
    )
)
