"""Pages and actions of a meeting. Each view names its rule; `access` fetches and checks, services write.

Actions are POSTs, usually sent by htmx. On success an htmx request gets the meeting's current shared fragments
(out-of-band swaps, the same as a live frame) plus, for a form, the form afresh; without htmx the browser is
redirected back. A refused action answers 422 with the form and its field-level messages (or a message in
`#meeting-feedback`); a member without the right gets 403, a missing object 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rankandfile.meetings import access, live, selectors, services
from rankandfile.meetings import forms as mforms
from rankandfile.meetings.models import Meeting, Speech, StanceChoice
from rankandfile.org.models import Member
from rankandfile.web import add_service_errors, first_message


def _me(request: HttpRequest) -> Member:
    return cast(Member, request.user)


# --- responses shared by the actions ---------------------------------------------------------------------------
def _fragments(meeting: Meeting) -> tuple[str, int]:
    state = selectors.live_state(meeting.pk)
    if state is None:
        raise Http404(_("No such meeting."))
    return live.render_fragments(state), state.version


def _feedback(message: str = "") -> str:
    return render_to_string("meetings/_feedback.html", {"message": message})


def _done(request: HttpRequest, meeting: Meeting, *, back: str, html: str = "", note: str = "") -> HttpResponse:
    """Success: htmx gets the form afresh (if any) and the current shared fragments; a browser goes `back`."""
    if not request.htmx:  # type: ignore[attr-defined]
        if note:
            messages.success(request, note)
        return redirect(back)
    fragments, version = _fragments(meeting)
    response = HttpResponse(html + fragments + _feedback(note))
    response["X-Meeting-Version"] = str(version)
    return response


def _refused(request: HttpRequest, error: ValidationError | str, *, back: str, html: str = "") -> HttpResponse:
    message = error if isinstance(error, str) else first_message(error)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, message)
        return redirect(back)
    return HttpResponse(html + _feedback(message), status=422)


def _form_html(request: HttpRequest, form: forms.Form, *, form_id: str, action: str, submit: str) -> str:
    context = {"form": form, "form_id": form_id, "action": action, "submit": submit}
    return render_to_string("meetings/_form.html", context, request=request)


def _form_action(
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
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            html = _form_html(request, blank(), form_id=form_id, action=request.path, submit=submit)
            return _done(request, meeting, back=back, html=html)
    html = _form_html(request, form, form_id=form_id, action=request.path, submit=submit)
    return _refused(request, _("Please correct the form."), back=back, html=html)


def _one_tap(request: HttpRequest, meeting: Meeting, perform: Callable[[], object], *, back: str) -> HttpResponse:
    try:
        perform()
    except ValidationError as error:
        return _refused(request, error, back=back)
    return _done(request, meeting, back=back)


def _chair_url(meeting: Meeting) -> str:
    return reverse("meetings:chair", args=[meeting.pk])


def _member_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.pk])


def _running(meeting: Meeting) -> Speech:
    speech = selectors.running_speech(meeting)
    if speech is None:
        raise ValidationError(_("Nobody is speaking."))
    return speech


# --- lists and settings ------------------------------------------------------------------------------------------
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
    form = mforms.MeetingForm(request.POST or None, people=selectors.unit_participants(unit))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agenda = data.pop("agenda", "").splitlines()
        try:
            meeting = services.meeting_create(actor=_me(request), unit=unit, agenda=agenda, **data)
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
        request.POST or None, people=selectors.unit_participants(meeting.unit), with_agenda=False, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=_me(request), meeting=meeting, **form.cleaned_data)
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
            services.meeting_set_rules(actor=_me(request), meeting=meeting, rules=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Speaking rules saved."))
            return redirect("meetings:chair", meeting.pk)
    title = _("Speaking rules of %(meeting)s") % {"meeting": meeting}
    return render(request, "meetings/meeting_form.html", {"form": form, "title": title, "unit": meeting.unit})


# --- the three screens ---------------------------------------------------------------------------------------------
def _screen_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    state = selectors.live_state(meeting.pk)
    assert state is not None
    return {
        "meeting": meeting,
        "live": state,
        "can_run": access.can_run(request.user, meeting),
        "ws_path": f"/ws/meetings/{meeting.pk}/",
    }


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part. The member view (phone): now, my panel, the queue, the agenda."""
    meeting = access.access_meeting(request.user, meeting_id)
    context = _screen_context(request, meeting)
    context |= _panel_context(request, meeting)
    return render(request, "meetings/member.html", context)


@login_required
@require_GET
def chair_console(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. The chair console: queue with reasons, one-tap actions, overrides with reasons, votes."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = selectors.unit_participants(meeting.unit)
    context = _screen_context(request, meeting)
    context["awaiting_approval"] = selectors.minutes_awaiting_approval(meeting)
    context["forms"] = _chair_forms(meeting, people, context["awaiting_approval"])
    return render(request, "meetings/chair.html", context)


@login_required
@require_GET
def chair_controls(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. The chair's buttons for the current state (never in a shared frame): chair.js places them."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    state = selectors.live_state(meeting.pk)
    if state is None:
        raise Http404(_("No such meeting."))
    response = HttpResponse(
        render_to_string("meetings/_chair_controls.html", {"live": state, "meeting": state.meeting})
    )
    response["X-Meeting-Version"] = str(state.version)
    response["Cache-Control"] = "no-store"
    return response


def _chair_forms(meeting: Meeting, people: Any, awaiting: list[Meeting]) -> dict[str, forms.Form]:
    return {
        "move": mforms.MoveForm(auto_id="move_%s"),
        "remove": mforms.RemoveForm(auto_id="remove_%s"),
        "extend": mforms.ExtendForm(auto_id="extend_%s"),
        "insert": mforms.InsertForm(people=people, auto_id="insert_%s"),
        "add_speaker": mforms.AddSpeakerForm(people=people, auto_id="add_%s"),
        "attendance": mforms.MemberForm(people=people, auto_id="att_%s"),
        "item": mforms.ItemForm(auto_id="item_%s"),
        "motion": mforms.MotionForm(people=people, auto_id="motion_%s"),
        "count": mforms.CountForm(auto_id="count_%s"),
        "note": mforms.NoteForm(auto_id="note_%s"),
        "approve": mforms.ApproveMinutesForm(meetings=awaiting, auto_id="approve_%s"),
    }


@login_required
@require_GET
def projector(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run (it shows the check-in code). Large type, current speaker and timer, next three, QR."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    context = _screen_context(request, meeting)
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
    response = HttpResponse(selectors.qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def live_fragments(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part. The current shared fragments (what a frame carries), for (re)connecting clients."""
    meeting = access.access_meeting(request.user, meeting_id)
    html, version = _fragments(meeting)
    response = HttpResponse(html)
    response["X-Meeting-Version"] = str(version)
    response["Cache-Control"] = "no-store"
    return response


def _panel_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    panel = selectors.my_panel(meeting, _me(request))
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


# --- member actions ------------------------------------------------------------------------------------------------
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
        return _done(request, meeting, back=_member_url(meeting), html=_panel_html(request, meeting))
    errors["general"] = errors.pop(NON_FIELD_ERRORS, [])
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, " ".join(m for group in errors.values() for m in group))
        return redirect(_member_url(meeting))
    return HttpResponse(_panel_html(request, meeting, errors=errors), status=422)


@login_required
@require_POST
def check_in(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part; in person the projector's code is needed (the service checks it)."""
    meeting = access.access_meeting(request.user, meeting_id)
    form = mforms.CheckInForm(request.POST)
    code = request.POST.get("code", "")
    return _panel_action(
        request, meeting, lambda: services.attendance_check_in(member=_me(request), meeting=meeting, code=code), form
    )


@login_required
def check_in_code(request: HttpRequest, meeting_id: int, code: str) -> HttpResponse:
    """Rule: may take part, holding the code from the projector's QR. GET asks, POST checks in."""
    meeting = access.access_meeting(request.user, meeting_id)
    if code != meeting.checkin_code:
        raise Http404(_("This check-in code is not valid for this meeting."))
    if request.method == "POST":
        try:
            services.attendance_check_in(member=_me(request), meeting=meeting, code=code, how="qr")
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
        request, meeting, lambda: services.hand_raise(member=_me(request), meeting=meeting, stance=stance), form
    )


@login_required
@require_POST
def hand_withdraw(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part; withdraws only the member's own request."""
    meeting = access.access_meeting(request.user, meeting_id)
    return _panel_action(request, meeting, lambda: services.hand_withdraw(member=_me(request), meeting=meeting))


@login_required
@require_POST
def speech_summary(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: only the speaker, of their own speech (the service refuses others with 403)."""
    meeting = access.access_meeting(request.user, meeting_id)
    speech = access.access_speech(meeting, _int(request.POST.get("speech_id")))
    form = mforms.SummaryForm(request.POST)
    summary = request.POST.get("summary", "")
    return _panel_action(
        request,
        meeting,
        lambda: services.speech_summarize(member=_me(request), speech=speech, summary=summary),
        form,
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None


@login_required
def dissent(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may take part and attended; until the minutes are approved (the service refuses)."""
    meeting = access.access_meeting(request.user, meeting_id)
    form = mforms.DissentForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissent_add(member=_me(request), meeting=meeting, **form.cleaned_data)
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


# --- chair actions: the meeting and its agenda -------------------------------------------------------------------
@login_required
@require_POST
def meeting_open(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _one_tap(
        request, meeting, lambda: services.meeting_open(actor=_me(request), meeting=meeting), back=_chair_url(meeting)
    )


@login_required
@require_POST
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _one_tap(
        request, meeting, lambda: services.meeting_close(actor=_me(request), meeting=meeting), back=_chair_url(meeting)
    )


@login_required
@require_POST
def item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _form_action(
        request,
        meeting,
        mforms.ItemForm(request.POST, auto_id="item_%s"),
        lambda data: services.item_add(actor=_me(request), meeting=meeting, **data),
        form_id="form-item",
        submit=_("Add item"),
        back=_chair_url(meeting),
        blank=lambda: mforms.ItemForm(auto_id="item_%s"),
    )


@login_required
@require_POST
def item_move(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Rule: may run. POST `direction` = up or down."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    item = access.access_item(meeting, item_id)
    direction = request.POST.get("direction", "")
    return _one_tap(
        request,
        meeting,
        lambda: services.item_move(actor=_me(request), item=item, direction=direction),
        back=_chair_url(meeting),
    )


@login_required
@require_POST
def item_select(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Rule: may run. Takes up the item (agenda navigation)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    item = access.access_item(meeting, item_id)
    return _one_tap(
        request, meeting, lambda: services.item_select(actor=_me(request), item=item), back=_chair_url(meeting)
    )


@login_required
@require_POST
def attendance_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. Checks in a member (at the door, without a phone)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = selectors.unit_participants(meeting.unit)
    return _form_action(
        request,
        meeting,
        mforms.MemberForm(request.POST, people=people, auto_id="att_%s"),
        lambda data: services.attendance_add(actor=_me(request), meeting=meeting, member=data["member"]),
        form_id="form-attendance",
        submit=_("Check in"),
        back=_chair_url(meeting),
        blank=lambda: mforms.MemberForm(people=people, auto_id="att_%s"),
    )


# --- chair actions: the speaking list ------------------------------------------------------------------------------
@login_required
@require_POST
def speaker_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. Adds a member who has no phone; the rules place them."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = selectors.unit_participants(meeting.unit)
    return _form_action(
        request,
        meeting,
        mforms.AddSpeakerForm(request.POST, people=people, auto_id="add_%s"),
        lambda data: services.speaker_add(actor=_me(request), meeting=meeting, **data),
        form_id="form-add-speaker",
        submit=_("Add to the list"),
        back=_chair_url(meeting),
        blank=lambda: mforms.AddSpeakerForm(people=people, auto_id="add_%s"),
    )


@login_required
@require_POST
def request_insert(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = selectors.unit_participants(meeting.unit)
    return _form_action(
        request,
        meeting,
        mforms.InsertForm(request.POST, people=people, auto_id="insert_%s"),
        lambda data: services.request_insert(actor=_me(request), meeting=meeting, **data),
        form_id="form-insert",
        submit=_("Insert"),
        back=_chair_url(meeting),
        blank=lambda: mforms.InsertForm(people=people, auto_id="insert_%s"),
    )


@login_required
@require_POST
def request_move(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)

    def perform(data: dict[str, Any]) -> object:
        speaking_request = access.access_request(meeting, data["request_id"])
        return services.request_move(
            actor=_me(request), request=speaking_request, position=data["position"], reason=data["reason"]
        )

    return _form_action(
        request,
        meeting,
        mforms.MoveForm(request.POST, auto_id="move_%s"),
        perform,
        form_id="form-move",
        submit=_("Move"),
        back=_chair_url(meeting),
        blank=lambda: mforms.MoveForm(auto_id="move_%s"),
    )


@login_required
@require_POST
def request_remove(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)

    def perform(data: dict[str, Any]) -> object:
        speaking_request = access.access_request(meeting, data["request_id"])
        return services.request_remove(actor=_me(request), request=speaking_request, reason=data["reason"])

    return _form_action(
        request,
        meeting,
        mforms.RemoveForm(request.POST, auto_id="remove_%s"),
        perform,
        form_id="form-remove",
        submit=_("Remove"),
        back=_chair_url(meeting),
        blank=lambda: mforms.RemoveForm(auto_id="remove_%s"),
    )


@login_required
@require_POST
def speech_next(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. Calls the first request of the computed queue."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _one_tap(
        request, meeting, lambda: services.speech_start(actor=_me(request), meeting=meeting), back=_chair_url(meeting)
    )


@login_required
@require_POST
def speech_pause(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _one_tap(
        request,
        meeting,
        lambda: services.speech_pause(actor=_me(request), speech=_running(meeting)),
        back=_chair_url(meeting),
    )


@login_required
@require_POST
def speech_resume(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _one_tap(
        request,
        meeting,
        lambda: services.speech_resume(actor=_me(request), speech=_running(meeting)),
        back=_chair_url(meeting),
    )


@login_required
@require_POST
def speech_end(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _one_tap(
        request,
        meeting,
        lambda: services.speech_end(actor=_me(request), speech=_running(meeting)),
        back=_chair_url(meeting),
    )


@login_required
@require_POST
def speech_extend(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run; an override: a reason is required."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    return _form_action(
        request,
        meeting,
        mforms.ExtendForm(request.POST, auto_id="extend_%s"),
        lambda data: services.speech_extend(actor=_me(request), speech=_running(meeting), **data),
        form_id="form-extend",
        submit=_("Extend"),
        back=_chair_url(meeting),
        blank=lambda: mforms.ExtendForm(auto_id="extend_%s"),
    )


@login_required
@require_POST
def speech_note(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run (the secretary). POST `speech_id`, `note`."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    speech = access.access_speech(meeting, _int(request.POST.get("speech_id")))
    return _form_action(
        request,
        meeting,
        mforms.NoteForm(request.POST, auto_id="note_%s"),
        lambda data: services.speech_note(actor=_me(request), speech=speech, note=data["note"]),
        form_id="form-note",
        submit=_("Save note"),
        back=_chair_url(meeting),
        blank=lambda: mforms.NoteForm(auto_id="note_%s"),
    )


# --- chair actions: motions, votes and minutes -------------------------------------------------------------------
@login_required
@require_POST
def motion_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. A motion on the item under discussion."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    people = selectors.unit_participants(meeting.unit)

    def perform(data: dict[str, Any]) -> object:
        item = meeting.current_item
        if item is None:
            raise ValidationError(_("Take up an agenda item first."))
        return services.motion_add(actor=_me(request), meeting=meeting, item=item, **data)

    return _form_action(
        request,
        meeting,
        mforms.MotionForm(request.POST, people=people, auto_id="motion_%s"),
        perform,
        form_id="form-motion",
        submit=_("Add motion"),
        back=_chair_url(meeting),
        blank=lambda: mforms.MotionForm(people=people, auto_id="motion_%s"),
    )


@login_required
@require_POST
def motion_count(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run. A show-of-hands count. POST `motion_id`, `votes_for`, `votes_against`, `votes_abstain`."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    motion = access.access_motion(meeting, _int(request.POST.get("motion_id")))
    return _form_action(
        request,
        meeting,
        mforms.CountForm(request.POST, auto_id="count_%s"),
        lambda data: services.motion_count(
            actor=_me(request),
            motion=motion,
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            votes_abstain=data["votes_abstain"],
        ),
        form_id="form-count",
        submit=_("Record the count"),
        back=_chair_url(meeting),
        blank=lambda: mforms.CountForm(auto_id="count_%s"),
    )


@login_required
@require_POST
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Rule: may run this (open) meeting, which approves an earlier closed meeting's minutes."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    awaiting = selectors.minutes_awaiting_approval(meeting)
    return _form_action(
        request,
        meeting,
        mforms.ApproveMinutesForm(request.POST, meetings=awaiting, auto_id="approve_%s"),
        lambda data: services.minutes_approve(actor=_me(request), meeting=meeting, minutes_of=data["minutes_of"]),
        form_id="form-approve",
        submit=_("Approve"),
        back=_chair_url(meeting),
        blank=lambda: mforms.ApproveMinutesForm(meetings=selectors.minutes_awaiting_approval(meeting)),
    )


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
                actor=_me(request),
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
