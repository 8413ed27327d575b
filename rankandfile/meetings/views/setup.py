"""Meeting setup: a unit's meetings, creating a meeting, its settings and its speaking rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rankandfile.meetings import access, selectors, services
from rankandfile.meetings import forms as mforms
from rankandfile.meetings.views.common import me
from rankandfile.org import selectors as org_selectors
from rankandfile.web import add_service_errors


@login_required
def unit_meetings(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members of the unit (or a unit inside it), and members who may chair its meetings."""
    unit = access.access_unit_meetings(request.user, unit_id)
    context = {
        "unit": unit,
        "meetings": selectors.meetings_of_unit(unit),
        "can_create": access.can_create_meetings(request.user, unit),
    }
    return render(request, "meetings/unit_meetings.html", context)


@login_required
def meeting_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: `chair_meetings` in the unit."""
    unit = access.access_unit_meetings(request.user, unit_id, for_write=True)
    form = mforms.MeetingForm(request.POST or None, people=org_selectors.active_members(unit))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agenda = data.pop("agenda", "").splitlines()
        try:
            meeting = services.meeting_create(actor=me(request), unit=unit, agenda=agenda, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting created."))
            return redirect("meetings:chair", meeting.pk)
    title = _("New meeting of %(unit)s") % {"unit": unit}
    return render(request, "meetings/meeting_form.html", {"form": form, "title": title, "unit": unit})


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run the meeting; not once closed (the service refuses)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    initial = {f: getattr(meeting, f) for f in ("title", "kind", "mode", "starts_at", "place", "online_link")}
    initial |= {"chair": meeting.chair, "secretary": meeting.secretary, "quorum": meeting.quorum}
    initial["rules_preset"] = meeting.rules_preset
    form = mforms.MeetingForm(
        request.POST or None, people=org_selectors.active_members(meeting.unit), with_agenda=False, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=me(request), meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("meetings:chair", meeting.pk)
    title = _("Edit %(meeting)s") % {"meeting": meeting}
    return render(request, "meetings/meeting_form.html", {"form": form, "title": title, "unit": meeting.unit})


@login_required
def meeting_rules(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run the meeting; the service refuses once it has opened."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    form = mforms.RulesForm(request.POST or None, initial=meeting.rules)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_set_rules(actor=me(request), meeting=meeting, rules=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Speaking rules saved."))
            return redirect("meetings:chair", meeting.pk)
    title = _("Speaking rules of %(meeting)s") % {"meeting": meeting}
    return render(request, "meetings/meeting_form.html", {"form": form, "title": title, "unit": meeting.unit})
