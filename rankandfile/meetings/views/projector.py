"""The projector: large type for the hall, with the check-in link as a QR code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from rankandfile.meetings import access, qr
from rankandfile.meetings.views.common import screen_context


@login_required
@require_GET
def projector(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run (it shows the check-in code). Large type, current speaker and timer, next three, QR."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    context = screen_context(request, meeting)
    context["check_in_url"] = request.build_absolute_uri(
        reverse("meetings:check_in_code", args=[meeting.pk, meeting.checkin_code])
    )
    return render(request, "meetings/projector.html", context)


@login_required
@require_GET
def qr_code(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. An SVG QR code of the meeting's check-in link."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    url = request.build_absolute_uri(reverse("meetings:check_in_code", args=[meeting.pk, meeting.checkin_code]))
    response = HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
