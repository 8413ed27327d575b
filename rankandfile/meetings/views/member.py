"""The member view (phone): the meeting, the viewer's own panel and the member's actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rankandfile.meetings import access, selectors, services
from rankandfile.meetings import forms as mforms
from rankandfile.meetings.models import Meeting, StanceChoice
from rankandfile.meetings.views.common import done, int_or_404, me, member_url, screen_context
from rankandfile.web import first_message


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part. The member view (phone): now, my panel, the queue, the agenda."""
    meeting = access.access_meeting(request.user, meeting_id)
    context = screen_context(request, meeting)
    context |= _panel_context(request, meeting)
    return render(request, "meetings/member.html", context)


def _panel_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    panel = selectors.my_panel(meeting, me(request))
    return {
        "panel": panel,
        "stance_form": mforms.StanceForm(auto_id="stance_%s"),
        "check_in_form": mforms.CheckInForm(auto_id="checkin_%s"),
        "stances": StanceChoice.choices,
    }


def _panel_html(request: HttpRequest, meeting: Meeting, **extra: Any) -> str:
    context = {"meeting": meeting, **_panel_context(request, meeting), **extra}
    return render_to_string("meetings/_my_panel.html", context, request=request)


@login_required
@require_GET
def my_panel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part. The viewer's own panel: check-in, my hand and place, summaries of my speeches."""
    meeting = access.access_meeting(request.user, meeting_id)
    return HttpResponse(_panel_html(request, meeting))


def _panel_action(
    request: HttpRequest, meeting: Meeting, perform: Callable[[], object], form: forms.Form | None = None
) -> HttpResponse:
    """Run a member's action; htmx gets the panel afresh (with errors if refused) and the shared fragments."""
    errors: dict[str, list[str]] = {}
    if form is not None and not form.is_valid():
        errors = {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()}
    else:
        try:
            perform()
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: list(error.messages)}
    if not errors:
        return done(request, meeting, back=member_url(meeting), html=_panel_html(request, meeting))
    errors["general"] = errors.pop(NON_FIELD_ERRORS, [])
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, " ".join(m for group in errors.values() for m in group))
        return redirect(member_url(meeting))
    return HttpResponse(_panel_html(request, meeting, errors=errors), status=422)


@login_required
@require_POST
def check_in(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part; in person the projector's code is needed (the service checks it)."""
    meeting = access.access_meeting(request.user, meeting_id)
    form = mforms.CheckInForm(request.POST)
    code = request.POST.get("code", "")
    return _panel_action(
        request, meeting, lambda: services.attendance_check_in(member=me(request), meeting=meeting, code=code), form
    )


@login_required
def check_in_code(request: HttpRequest, meeting_id: int, code: str) -> HttpResponse:
    """Rule: may take part, holding the code from the projector's QR. GET asks, POST checks in."""
    meeting = access.access_meeting(request.user, meeting_id)
    if code != meeting.checkin_code:
        raise Http404(_("This check-in code is not valid for this meeting."))
    if request.method == "POST":
        try:
            services.attendance_check_in(member=me(request), meeting=meeting, code=code, how="qr")
        except ValidationError as error:
            messages.error(request, first_message(error))
        else:
            messages.success(request, _("You are checked in."))
        return redirect("meetings:meeting", meeting.pk)
    return render(request, "meetings/check_in.html", {"meeting": meeting})


@login_required
@require_POST
def hand_raise(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part; one waiting request per member per item (the service and a constraint refuse)."""
    meeting = access.access_meeting(request.user, meeting_id)
    form = mforms.StanceForm(request.POST)
    stance = request.POST.get("stance", "")
    return _panel_action(
        request, meeting, lambda: services.hand_raise(member=me(request), meeting=meeting, stance=stance), form
    )


@login_required
@require_POST
def hand_withdraw(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part; withdraws only the member's own request."""
    meeting = access.access_meeting(request.user, meeting_id)
    return _panel_action(request, meeting, lambda: services.hand_withdraw(member=me(request), meeting=meeting))


@login_required
@require_POST
def speech_summary(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: only the speaker, of their own speech (the service refuses others with 403)."""
    meeting = access.access_meeting(request.user, meeting_id)
    speech = access.access_speech(meeting, int_or_404(request.POST.get("speech_id")))
    form = mforms.SummaryForm(request.POST)
    summary = request.POST.get("summary", "")
    return _panel_action(
        request,
        meeting,
        lambda: services.speech_summarize(member=me(request), speech=speech, summary=summary),
        form,
    )
