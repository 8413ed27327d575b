"""Meeting endpoints: the same access and service functions as the screens (docs/api.md, "Meetings").

Taking part (check in, raise a hand, a dissent) needs the `vote` scope, as the member's own acts; running a meeting
(create, open, close, the agenda, the speaking list, motions, approving minutes) needs `manage`. The live screens
stay on the pages and their WebSocket; these routes are for an organization's own tools.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from rankandfile.api_errors import ERRORS
from rankandfile.meetings import access, selectors, services
from rankandfile.meetings.models import AgendaItem, Meeting, Motion
from rankandfile.org import api_auth
from rankandfile.org import selectors as org_selectors
from rankandfile.org.models import Member, Unit

router = Router(tags=["meetings"])


class ItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    minutes_allotted: int | None
    started_at: dt.datetime | None


class MeetingOut(Schema):
    id: int
    unit_id: int
    title: str
    kind: str
    mode: str
    status: str
    starts_at: dt.datetime
    place: str
    online_link: str
    chair_id: int | None
    secretary_id: int | None
    quorum: int
    rules_preset: str
    current_item_id: int | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    minutes_approved_at: dt.datetime | None


class MeetingDetailOut(MeetingOut):
    items: list[ItemOut]


class MeetingIn(Schema):
    title: str
    starts_at: dt.datetime  # ISO 8601; without an offset, the site's time zone
    kind: str = "general"
    mode: str = "in_person"  # in_person | online | hybrid
    place: str = ""
    online_link: str = ""
    chair_id: int | None = None
    secretary_id: int | None = None
    quorum: int = 0
    rules_preset: str = "fair"
    agenda: list[str] = []


class ItemIn(Schema):
    title: str
    description: str = ""
    minutes_allotted: int | None = None


class MoveIn(Schema):
    direction: str  # up | down


class CheckInIn(Schema):
    code: str = ""  # in person: the code on the projector


class HandIn(Schema):
    stance: str  # for | against | neutral (as the page offers)


class MemberIn(Schema):
    member_id: int


class SpeakerIn(MemberIn):
    stance: str


class MotionIn(Schema):
    text: str
    moved_by_id: int | None = None


class MotionOut(Schema):
    id: int
    item_id: int
    text: str
    moved_by_id: int | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    result: str


class OverrideIn(Schema):
    # Passes a guard (opening more than an hour early, acting while inquorate, more votes than members checked
    # in): shown to everyone and minuted. Without it, a guarded action is refused (422, loc "override_reason").
    override_reason: str = ""


class CountIn(OverrideIn):
    votes_for: int
    votes_against: int
    votes_abstain: int = 0


class DissentIn(Schema):
    text: str
    kind: str = "dissent"
    item_id: int | None = None


class ApproveIn(OverrideIn):
    minutes_of_id: int  # an earlier closed meeting of the unit whose minutes wait for approval


class DoneOut(Schema):
    detail: str


def _member(request: HttpRequest) -> Member:
    return cast(Member, request.user)


def _out(meeting: Meeting) -> dict[str, Any]:
    fields = [name for name in MeetingOut.model_fields if name != "current_item_id"]
    return {**{f: getattr(meeting, f) for f in fields}, "current_item_id": meeting.current_item_id}


def _detail(meeting: Meeting) -> dict[str, Any]:
    return {**_out(meeting), "items": selectors.agenda_of(meeting)}


def _participant(unit: Unit, member_id: int | None, field: str) -> Member | None:
    if member_id is None:
        return None
    person = org_selectors.active_members(unit).filter(pk=member_id).first()
    if person is None:
        raise ValidationError({field: _("Not a member of %(unit)s.") % {"unit": unit}})
    return person


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@router.get("/units/{unit_id}/meetings", response={200: list[MeetingOut], **ERRORS})
def unit_meetings(request: HttpRequest, unit_id: int) -> list[dict[str, Any]]:
    """The unit's meetings: members of the unit (or a unit inside it), and members who may chair its meetings."""
    unit = access.access_unit_meetings(request.user, unit_id)
    return [_out(m) for m in selectors.meetings_of_unit(unit)]


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """A meeting and its agenda: whoever may take part."""
    return _detail(access.access_meeting(request.user, meeting_id))


@router.post("/units/{unit_id}/meetings", response={201: MeetingDetailOut, **ERRORS}, auth=api_auth.MANAGE)
def create_meeting(request: HttpRequest, unit_id: int, body: MeetingIn) -> Status[dict[str, Any]]:
    """Call a meeting (members of the unit are told): `chair_meetings` in the unit."""
    unit = access.access_unit_meetings(request.user, unit_id, for_write=True)
    meeting = services.meeting_create(
        actor=_member(request),
        unit=unit,
        title=body.title,
        starts_at=_aware(body.starts_at),
        kind=body.kind,
        mode=body.mode,
        place=body.place,
        online_link=body.online_link,
        chair=_participant(unit, body.chair_id, "chair_id"),
        secretary=_participant(unit, body.secretary_id, "secretary_id"),
        quorum=body.quorum,
        rules_preset=body.rules_preset,
        agenda=body.agenda,
    )
    return Status(201, _detail(meeting))


@router.post("/meetings/{meeting_id}/open", response={200: MeetingDetailOut, **ERRORS}, auth=api_auth.MANAGE)
def open_meeting(request: HttpRequest, meeting_id: int, body: OverrideIn | None = None) -> dict[str, Any]:
    """Open the meeting: its chair or secretary, or `chair_meetings` in its unit (as every route below marked
    “run”). More than an hour before its time it needs `override_reason`."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    reason = body.override_reason if body is not None else ""
    services.meeting_open(actor=_member(request), meeting=meeting, override_reason=reason)
    return _detail(access.access_meeting(request.user, meeting_id))


@router.post("/meetings/{meeting_id}/close", response={200: MeetingDetailOut, **ERRORS}, auth=api_auth.MANAGE)
def close_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """Close the meeting (run)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    services.meeting_close(actor=_member(request), meeting=meeting)
    return _detail(access.access_meeting(request.user, meeting_id))


@router.post("/meetings/{meeting_id}/items", response={201: ItemOut, **ERRORS}, auth=api_auth.MANAGE)
def add_agenda_item(request: HttpRequest, meeting_id: int, body: ItemIn) -> Status[AgendaItem]:
    """Add an agenda item at the end (run); not once the meeting is closed."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    item = services.item_add(
        actor=_member(request),
        meeting=meeting,
        title=body.title,
        description=body.description,
        minutes_allotted=body.minutes_allotted,
    )
    return Status(201, item)


@router.post("/meetings/{meeting_id}/items/{item_id}/move", response={200: ItemOut, **ERRORS}, auth=api_auth.MANAGE)
def move_agenda_item(request: HttpRequest, meeting_id: int, item_id: int, body: MoveIn) -> AgendaItem:
    """Move an agenda item up or down (run)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    item = access.access_item(meeting, item_id)
    return services.item_move(actor=_member(request), item=item, direction=body.direction)


@router.post("/meetings/{meeting_id}/items/{item_id}/select", response={200: ItemOut, **ERRORS}, auth=api_auth.MANAGE)
def select_agenda_item(request: HttpRequest, meeting_id: int, item_id: int) -> AgendaItem:
    """Take up an agenda item (run); the meeting is open and nobody is speaking."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    item = access.access_item(meeting, item_id)
    return services.item_select(actor=_member(request), item=item)


@router.post("/meetings/{meeting_id}/check-in", response={200: DoneOut, **ERRORS}, auth=api_auth.VOTE)
def check_in(request: HttpRequest, meeting_id: int, body: CheckInIn) -> dict[str, str]:
    """Check yourself in: whoever may take part; in person with the code shown on the projector."""
    meeting = access.access_meeting(request.user, meeting_id)
    services.attendance_check_in(member=_member(request), meeting=meeting, code=body.code)
    return {"detail": _("Checked in.")}


@router.post("/meetings/{meeting_id}/hand", response={201: DoneOut, **ERRORS}, auth=api_auth.VOTE)
def raise_hand(request: HttpRequest, meeting_id: int, body: HandIn) -> Status[dict[str, str]]:
    """Ask to speak on the item under discussion (whoever may take part); the meeting's rules place you."""
    meeting = access.access_meeting(request.user, meeting_id)
    services.hand_raise(member=_member(request), meeting=meeting, stance=body.stance)
    return Status(201, {"detail": _("Your hand is raised.")})


@router.post("/meetings/{meeting_id}/hand/withdraw", response={200: DoneOut, **ERRORS}, auth=api_auth.VOTE)
def withdraw_hand(request: HttpRequest, meeting_id: int) -> dict[str, str]:
    """Take your hand down (whoever may take part)."""
    meeting = access.access_meeting(request.user, meeting_id)
    services.hand_withdraw(member=_member(request), meeting=meeting)
    return {"detail": _("Your hand is down.")}


@router.post("/meetings/{meeting_id}/attendance", response={200: DoneOut, **ERRORS}, auth=api_auth.MANAGE)
def add_attendance(request: HttpRequest, meeting_id: int, body: MemberIn) -> dict[str, str]:
    """Check a member in, at the door or without a phone (run)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    person = _participant(meeting.unit, body.member_id, "member_id")
    services.attendance_add(actor=_member(request), meeting=meeting, member=cast(Member, person))
    return {"detail": _("Checked in.")}


@router.post("/meetings/{meeting_id}/speakers", response={201: DoneOut, **ERRORS}, auth=api_auth.MANAGE)
def add_speaker(request: HttpRequest, meeting_id: int, body: SpeakerIn) -> Status[dict[str, str]]:
    """Add a member to the speaking list; the rules place them (run)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    person = cast(Member, _participant(meeting.unit, body.member_id, "member_id"))
    services.speaker_add(actor=_member(request), meeting=meeting, member=person, stance=body.stance)
    return Status(201, {"detail": _("Added to the speaking list.")})


@router.post("/meetings/{meeting_id}/speech/next", response={200: DoneOut, **ERRORS}, auth=api_auth.MANAGE)
def next_speaker(request: HttpRequest, meeting_id: int) -> dict[str, str]:
    """Give the floor to the next speaker on the list (run)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    speech = services.speech_start(actor=_member(request), meeting=meeting)
    return {"detail": _("%(member)s has the floor.") % {"member": speech.member}}


@router.post("/meetings/{meeting_id}/speech/end", response={200: DoneOut, **ERRORS}, auth=api_auth.MANAGE)
def end_speech(request: HttpRequest, meeting_id: int) -> dict[str, str]:
    """End the running speech (run)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    speech = selectors.running_speech(meeting)
    if speech is None:
        raise ValidationError(_("Nobody is speaking."))
    services.speech_end(actor=_member(request), speech=speech)
    return {"detail": _("Speech ended.")}


@router.get("/meetings/{meeting_id}/motions", response={200: list[MotionOut], **ERRORS})
def meeting_motions(request: HttpRequest, meeting_id: int) -> list[Motion]:
    """The meeting's motions and their counts: whoever may take part."""
    return selectors.motions_of(access.access_meeting(request.user, meeting_id))


@router.post("/meetings/{meeting_id}/motions", response={201: MotionOut, **ERRORS}, auth=api_auth.MANAGE)
def add_motion(request: HttpRequest, meeting_id: int, body: MotionIn) -> Status[Motion]:
    """Put a motion on the item under discussion (run)."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    if meeting.current_item is None:
        raise ValidationError(_("Take up an agenda item first."))
    moved_by = _participant(meeting.unit, body.moved_by_id, "moved_by_id")
    motion = services.motion_add(
        actor=_member(request), meeting=meeting, item=meeting.current_item, text=body.text, moved_by=moved_by
    )
    return Status(201, motion)


@router.post(
    "/meetings/{meeting_id}/motions/{motion_id}/count", response={200: MotionOut, **ERRORS}, auth=api_auth.MANAGE
)
def count_motion(request: HttpRequest, meeting_id: int, motion_id: int, body: CountIn) -> Motion:
    """Record a show-of-hands count (run); until the minutes are approved."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    motion = access.access_motion(meeting, motion_id)
    return services.motion_count(
        actor=_member(request),
        motion=motion,
        votes_for=body.votes_for,
        votes_against=body.votes_against,
        votes_abstain=body.votes_abstain,
        override_reason=body.override_reason,
    )


@router.post("/meetings/{meeting_id}/dissents", response={201: DoneOut, **ERRORS}, auth=api_auth.VOTE)
def add_dissent(request: HttpRequest, meeting_id: int, body: DissentIn) -> Status[dict[str, str]]:
    """Attach a dissent or minority report to the minutes, in your words: whoever may take part and attended,
    until the minutes are approved."""
    meeting = access.access_meeting(request.user, meeting_id)
    item = access.access_item(meeting, body.item_id) if body.item_id is not None else None
    services.dissent_add(member=_member(request), meeting=meeting, text=body.text, kind=body.kind, item=item)
    return Status(201, {"detail": _("Your words are attached to the minutes.")})


@router.post("/meetings/{meeting_id}/minutes/approve", response={200: MeetingOut, **ERRORS}, auth=api_auth.MANAGE)
def approve_minutes(request: HttpRequest, meeting_id: int, body: ApproveIn) -> dict[str, Any]:
    """This open meeting approves an earlier closed meeting's minutes (run); returns the approved meeting."""
    meeting = access.access_meeting(request.user, meeting_id, for_write=True)
    awaiting = {m.pk: m for m in selectors.minutes_awaiting_approval(meeting)}
    if body.minutes_of_id not in awaiting:
        raise ValidationError({"minutes_of_id": _("No minutes of this unit wait for approval with that id.")})
    services.minutes_approve(
        actor=_member(request),
        meeting=meeting,
        minutes_of=awaiting[body.minutes_of_id],
        override_reason=body.override_reason,
    )
    return _out(access.access_meeting(request.user, body.minutes_of_id))
