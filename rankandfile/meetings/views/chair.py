"""The chair console and its actions: the meeting and its agenda, attendance, the speaking list, motions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rankandfile.meetings import access, selectors, services
from rankandfile.meetings import forms as mforms
from rankandfile.meetings.models import Meeting
from rankandfile.meetings.views.common import chair_url, form_action, int_or_404, me, one_tap, running, screen_context
from rankandfile.org import selectors as org_selectors


@login_required
@require_GET
def chair_console(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. The chair console: queue with reasons, one-tap actions, overrides with reasons, votes."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = org_selectors.active_members(meeting.unit)
    context = screen_context(request, meeting)
    context["awaiting_approval"] = selectors.minutes_awaiting_approval(meeting)
    context["too_early"] = selectors.opens_early(meeting)
    context["forms"] = _chair_forms(meeting, people, context["awaiting_approval"])
    context["speaker_names"] = selectors.speaker_suggestions(meeting)
    return render(request, "meetings/chair.html", context)


@login_required
@require_GET
def speaker_lookup(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. The names the chair's "type a name" fields suggest (`?member=` what was typed so far): a
    <datalist> of members who may take part, the checked-in first."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    typed = request.GET.get("member", request.GET.get("q", ""))[:250]
    names = selectors.speaker_suggestions(meeting, typed)
    response = render(request, "meetings/_speaker_names.html", {"speaker_names": names})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def chair_controls(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. The chair's buttons for the current state (never in a shared frame): chair.js places them."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    state = selectors.live_state(meeting.pk)
    if state is None:
        raise Http404(_("No such meeting."))
    context = {"live": state, "meeting": state.meeting, "too_early": selectors.opens_early(state.meeting)}
    response = HttpResponse(render_to_string("meetings/_chair_controls.html", context))
    response["X-Meeting-Version"] = str(state.version)
    response["Cache-Control"] = "no-store"
    return response


def _chair_forms(meeting: Meeting, people: Any, awaiting: list[Meeting]) -> dict[str, forms.Form]:
    return {
        "move": mforms.MoveForm(auto_id="move_%s"),
        "remove": mforms.RemoveForm(auto_id="remove_%s"),
        "extend": mforms.ExtendForm(auto_id="extend_%s"),
        "open": mforms.OpenForm(auto_id="open_%s"),
        "insert": mforms.InsertForm(meeting=meeting, auto_id="insert_%s"),
        "add_speaker": mforms.AddSpeakerForm(meeting=meeting, auto_id="add_%s"),
        "attendance": mforms.MemberForm(people=people, auto_id="att_%s"),
        "item": mforms.ItemForm(auto_id="item_%s"),
        "motion": mforms.MotionForm(people=people, auto_id="motion_%s"),
        "count": mforms.CountForm(auto_id="count_%s"),
        "note": mforms.NoteForm(auto_id="note_%s"),
        "approve": mforms.ApproveMinutesForm(meetings=awaiting, auto_id="approve_%s"),
    }


@login_required
@require_POST
def meeting_open(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. POST `override_reason` when opening more than an hour early (the service's guard)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return form_action(
        request,
        meeting,
        mforms.OpenForm(request.POST, auto_id="open_%s"),
        lambda data: services.meeting_open(actor=me(request), meeting=meeting, override_reason=data["override_reason"]),
        form_id="form-open",
        submit=_("Open the meeting"),
        back=chair_url(meeting),
        blank=lambda: mforms.OpenForm(auto_id="open_%s"),
    )


@login_required
@require_POST
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return one_tap(
        request, meeting, lambda: services.meeting_close(actor=me(request), meeting=meeting), back=chair_url(meeting)
    )


@login_required
@require_POST
def item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return form_action(
        request,
        meeting,
        mforms.ItemForm(request.POST, auto_id="item_%s"),
        lambda data: services.item_add(actor=me(request), meeting=meeting, **data),
        form_id="form-item",
        submit=_("Add item"),
        back=chair_url(meeting),
        blank=lambda: mforms.ItemForm(auto_id="item_%s"),
    )


@login_required
@require_POST
def item_move(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Rule: may run. POST `direction` = up or down."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    item = access.access_item(meeting, item_id)
    direction = request.POST.get("direction", "")
    return one_tap(
        request,
        meeting,
        lambda: services.item_move(actor=me(request), item=item, direction=direction),
        back=chair_url(meeting),
    )


@login_required
@require_POST
def item_select(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Rule: may run. Takes up the item (agenda navigation)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    item = access.access_item(meeting, item_id)
    return one_tap(
        request, meeting, lambda: services.item_select(actor=me(request), item=item), back=chair_url(meeting)
    )


@login_required
@require_POST
def attendance_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. Checks in a member (at the door, without a phone)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = org_selectors.active_members(meeting.unit)
    return form_action(
        request,
        meeting,
        mforms.MemberForm(request.POST, people=people, auto_id="att_%s"),
        lambda data: services.attendance_add(actor=me(request), meeting=meeting, member=data["member"]),
        form_id="form-attendance",
        submit=_("Check in"),
        back=chair_url(meeting),
        blank=lambda: mforms.MemberForm(people=people, auto_id="att_%s"),
    )


@login_required
@require_POST
def speaker_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. Adds a member who has no phone; the rules place them."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return form_action(
        request,
        meeting,
        mforms.AddSpeakerForm(request.POST, meeting=meeting, auto_id="add_%s"),
        lambda data: services.speaker_add(actor=me(request), meeting=meeting, **data),
        form_id="form-add-speaker",
        submit=_("Add to the list"),
        back=chair_url(meeting),
        blank=lambda: mforms.AddSpeakerForm(meeting=meeting, auto_id="add_%s"),
    )


@login_required
@require_POST
def request_insert(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return form_action(
        request,
        meeting,
        mforms.InsertForm(request.POST, meeting=meeting, auto_id="insert_%s"),
        lambda data: services.request_insert(actor=me(request), meeting=meeting, **data),
        form_id="form-insert",
        submit=_("Insert"),
        back=chair_url(meeting),
        blank=lambda: mforms.InsertForm(meeting=meeting, auto_id="insert_%s"),
    )


@login_required
@require_POST
def request_move(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)

    def perform(data: dict[str, Any]) -> object:
        speaking_request = access.access_request(meeting, data["request_id"])
        return services.request_move(
            actor=me(request), request=speaking_request, position=data["position"], reason=data["reason"]
        )

    return form_action(
        request,
        meeting,
        mforms.MoveForm(request.POST, auto_id="move_%s"),
        perform,
        form_id="form-move",
        submit=_("Move"),
        back=chair_url(meeting),
        blank=lambda: mforms.MoveForm(auto_id="move_%s"),
    )


@login_required
@require_POST
def request_remove(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)

    def perform(data: dict[str, Any]) -> object:
        speaking_request = access.access_request(meeting, data["request_id"])
        return services.request_remove(actor=me(request), request=speaking_request, reason=data["reason"])

    return form_action(
        request,
        meeting,
        mforms.RemoveForm(request.POST, auto_id="remove_%s"),
        perform,
        form_id="form-remove",
        submit=_("Remove"),
        back=chair_url(meeting),
        blank=lambda: mforms.RemoveForm(auto_id="remove_%s"),
    )


@login_required
@require_POST
def speech_next(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. Calls the first request of the computed queue."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return one_tap(
        request, meeting, lambda: services.speech_start(actor=me(request), meeting=meeting), back=chair_url(meeting)
    )


@login_required
@require_POST
def speech_pause(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return one_tap(
        request,
        meeting,
        lambda: services.speech_pause(actor=me(request), speech=running(meeting)),
        back=chair_url(meeting),
    )


@login_required
@require_POST
def speech_resume(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return one_tap(
        request,
        meeting,
        lambda: services.speech_resume(actor=me(request), speech=running(meeting)),
        back=chair_url(meeting),
    )


@login_required
@require_POST
def speech_end(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return one_tap(
        request,
        meeting,
        lambda: services.speech_end(actor=me(request), speech=running(meeting)),
        back=chair_url(meeting),
    )


@login_required
@require_POST
def speech_extend(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return form_action(
        request,
        meeting,
        mforms.ExtendForm(request.POST, auto_id="extend_%s"),
        lambda data: services.speech_extend(actor=me(request), speech=running(meeting), **data),
        form_id="form-extend",
        submit=_("Extend"),
        back=chair_url(meeting),
        blank=lambda: mforms.ExtendForm(auto_id="extend_%s"),
    )


@login_required
@require_POST
def speech_note(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run (the secretary). POST `speech_id`, `note`."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    speech = access.access_speech(meeting, int_or_404(request.POST.get("speech_id")))
    return form_action(
        request,
        meeting,
        mforms.NoteForm(request.POST, auto_id="note_%s"),
        lambda data: services.speech_note(actor=me(request), speech=speech, note=data["note"]),
        form_id="form-note",
        submit=_("Save note"),
        back=chair_url(meeting),
        blank=lambda: mforms.NoteForm(auto_id="note_%s"),
    )


@login_required
@require_POST
def motion_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. A motion on the item under discussion."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = org_selectors.active_members(meeting.unit)

    def perform(data: dict[str, Any]) -> object:
        item = meeting.current_item
        if item is None:
            raise ValidationError(_("Take up an agenda item first."))
        return services.motion_add(actor=me(request), meeting=meeting, item=item, **data)

    return form_action(
        request,
        meeting,
        mforms.MotionForm(request.POST, people=people, auto_id="motion_%s"),
        perform,
        form_id="form-motion",
        submit=_("Add motion"),
        back=chair_url(meeting),
        blank=lambda: mforms.MotionForm(people=people, auto_id="motion_%s"),
    )


@login_required
@require_POST
def motion_count(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. A show-of-hands count. POST `motion_id`, `votes_for`, `votes_against`, `votes_abstain`."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    motion = access.access_motion(meeting, int_or_404(request.POST.get("motion_id")))
    return form_action(
        request,
        meeting,
        mforms.CountForm(request.POST, auto_id="count_%s"),
        lambda data: services.motion_count(
            actor=me(request),
            motion=motion,
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            votes_abstain=data["votes_abstain"],
            override_reason=data["override_reason"],
        ),
        form_id="form-count",
        submit=_("Record the count"),
        back=chair_url(meeting),
        blank=lambda: mforms.CountForm(auto_id="count_%s"),
    )
