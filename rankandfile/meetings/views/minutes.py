"""The minutes: read (HTML, Markdown), edited by the secretary, answered with a dissent, approved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rankandfile.meetings import access, selectors, services
from rankandfile.meetings import forms as mforms
from rankandfile.meetings.views.common import chair_url, form_action, me
from rankandfile.web import add_service_errors


@login_required
@require_GET
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part. The minutes as produced from the meeting (HTML, print stylesheet)."""
    meeting = access.access_meeting(request.user, meeting_id)
    context = {"m": selectors.minutes_of(meeting), "meeting": meeting, "can_run": access.can_run(request.user, meeting)}
    return render(request, "meetings/minutes.html", context)


@login_required
@require_GET
def minutes_markdown(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part. The same minutes in Markdown."""
    meeting = access.access_meeting(request.user, meeting_id)
    text = render_to_string("meetings/minutes.md", {"m": selectors.minutes_of(meeting), "meeting": meeting})
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.md"'
    return response


@login_required
def minutes_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run (the secretary); until approved. Every change is kept as a tracked edit."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    form = mforms.MinutesForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_edit(
                actor=me(request),
                meeting=meeting,
                narrative=form.cleaned_data["narrative"],
                item_narratives=form.item_narratives(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Minutes saved; the edit is tracked."))
            return redirect("meetings:minutes", meeting.pk)
    title = _("Edit the narrative of the minutes of %(meeting)s") % {"meeting": meeting}
    status = 422 if form.errors else 200
    return render(
        request, "meetings/meeting_form.html", {"form": form, "title": title, "meeting": meeting}, status=status
    )


@login_required
def dissent(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part and attended; until the minutes are approved (the service refuses)."""
    meeting = access.access_meeting(request.user, meeting_id)
    form = mforms.DissentForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissent_add(member=me(request), meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your words are attached to the minutes."))
            return redirect("meetings:minutes", meeting.pk)
    title = _("Attach a dissent or minority report to %(meeting)s") % {"meeting": meeting}
    status = 422 if form.errors else 200
    return render(
        request, "meetings/meeting_form.html", {"form": form, "title": title, "meeting": meeting}, status=status
    )


@login_required
@require_POST
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run this (open) meeting, which approves an earlier closed meeting's minutes."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    awaiting = selectors.minutes_awaiting_approval(meeting)
    return form_action(
        request,
        meeting,
        mforms.ApproveMinutesForm(request.POST, meetings=awaiting, auto_id="approve_%s"),
        lambda data: services.minutes_approve(
            actor=me(request),
            meeting=meeting,
            minutes_of=data["minutes_of"],
            override_reason=data["override_reason"],
        ),
        form_id="form-approve",
        submit=_("Approve"),
        back=chair_url(meeting),
        blank=lambda: mforms.ApproveMinutesForm(meetings=selectors.minutes_awaiting_approval(meeting)),
    )
