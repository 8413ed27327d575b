"""Responses shared by the meeting's views: success and refusal for htmx and plain browsers, forms, screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from rankandfile.meetings import access, live, selectors
from rankandfile.meetings.models import Meeting, Speech
from rankandfile.org.models import Member
from rankandfile.web import add_service_errors, first_message


def me(request: HttpRequest) -> Member:
    return cast(Member, request.user)


def shared_fragments(meeting: Meeting) -> tuple[str, int]:
    state = selectors.live_state(meeting.pk)
    if state is None:
        raise Http404(_("No such meeting."))
    return live.render_fragments(state), state.version


def feedback(message: str = "") -> str:
    return render_to_string("meetings/_feedback.html", {"message": message})


def done(request: HttpRequest, meeting: Meeting, *, back: str, html: str = "", note: str = "") -> HttpResponse:
    """Success: htmx gets the form afresh (if any) and the current shared fragments; a browser goes `back`."""
    if not request.htmx:  # type: ignore[attr-defined]
        if note:
            messages.success(request, note)
        return redirect(back)
    fragments, version = shared_fragments(meeting)
    response = HttpResponse(html + fragments + feedback(note))
    response["X-Meeting-Version"] = str(version)
    return response


def refused(request: HttpRequest, error: ValidationError | str, *, back: str, html: str = "") -> HttpResponse:
    message = error if isinstance(error, str) else first_message(error)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, message)
        return redirect(back)
    return HttpResponse(html + feedback(message), status=422)


def form_html(request: HttpRequest, form: forms.Form, *, form_id: str, action: str, submit: str) -> str:
    context = {"form": form, "form_id": form_id, "action": action, "submit": submit}
    return render_to_string("meetings/_form.html", context, request=request)


def form_action(
    request: HttpRequest,
    meeting: Meeting,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], object],
    *,
    form_id: str,
    submit: str,
    back: str,
    blank: Callable[[], forms.Form],
) -> HttpResponse:
    """Validate `form`, run the service, answer with the form afresh or with its field-level errors."""
    message = _("Please correct the form.")
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            message = first_message(error)  # the service's own words (a guard's warning, say)
        else:
            html = form_html(request, blank(), form_id=form_id, action=request.path, submit=submit)
            return done(request, meeting, back=back, html=html)
    html = form_html(request, form, form_id=form_id, action=request.path, submit=submit)
    return refused(request, message, back=back, html=html)


def one_tap(request: HttpRequest, meeting: Meeting, perform: Callable[[], object], *, back: str) -> HttpResponse:
    try:
        perform()
    except ValidationError as error:
        return refused(request, error, back=back)
    return done(request, meeting, back=back)


def chair_url(meeting: Meeting) -> str:
    return reverse("meetings:chair", args=[meeting.pk])


def member_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.pk])


def running(meeting: Meeting) -> Speech:
    speech = selectors.running_speech(meeting)
    if speech is None:
        raise ValidationError(_("Nobody is speaking."))
    return speech


def screen_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    state = selectors.live_state(meeting.pk)
    assert state is not None
    return {
        "meeting": meeting,
        "live": state,
        "can_run": access.can_run(request.user, meeting),
        "ws_path": f"/ws/meetings/{meeting.pk}/",
    }


def int_or_404(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
