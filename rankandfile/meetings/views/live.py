"""What live clients fetch over HTTP after (re)connecting or seeing a version gap (meetings/live.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from rankandfile.meetings import access
from rankandfile.meetings.views.common import shared_fragments


@login_required
@require_GET
def live_fragments(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part. The current shared fragments (what a frame carries), for (re)connecting clients."""
    meeting = access.access_meeting(request.user, meeting_id)
    html, version = shared_fragments(meeting)
    response = HttpResponse(html)
    response["X-Meeting-Version"] = str(version)
    response["Cache-Control"] = "no-store"
    return response
