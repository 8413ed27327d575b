"""Who may see, take part in and run a meeting. Views, services and the consumer all ask here.

Rules (docs/meetings.md, "Who may do what"):
- *Take part* (see every screen but the projector, check in, raise a hand, summarize one's own speech, attach a
  dissent): a member in good standing with an active membership in the meeting's unit or a unit inside it, or
  anyone who may run the meeting.
- *Run* (chair console, projector, every chair action, secretary's notes and narrative): the `chair_meetings`
  capability in the meeting's unit (from a role there or above), or being the meeting's designated chair or
  secretary.
- *Create* meetings of a unit: `chair_meetings` in that unit.
Anyone else gets 403; a meeting (or an object in it) that does not exist gets 404.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from rankandfile.meetings.models import AgendaItem, Meeting, Motion, SpeakingRequest, Speech
from rankandfile.org import selectors as org_selectors
from rankandfile.org.access import access_unit, has_capability, is_member_in_good_standing, require_member
from rankandfile.org.domain.capabilities import CHAIR_MEETINGS
from rankandfile.org.models import Unit

_PARTICIPANT_CACHE = "_rankandfile_meeting_units"


class Permission(StrEnum):
    TAKE_PART = "take_part"
    RUN = "run"
    CREATE = "create"


def is_unit_member(member: Any, unit: Unit) -> bool:
    """An active membership in `unit` or a unit inside it (cached on the member per unit)."""
    if not is_member_in_good_standing(member):
        return False
    cache: dict[int, bool] = getattr(member, _PARTICIPANT_CACHE, None) or {}
    if unit.pk not in cache:
        cache[unit.pk] = org_selectors.is_active_member(member, unit)
        setattr(member, _PARTICIPANT_CACHE, cache)
    return cache[unit.pk]


def can_create_meetings(member: Any, unit: Unit) -> bool:
    return has_capability(member, unit, CHAIR_MEETINGS)


def can_run(member: Any, meeting: Meeting) -> bool:
    if not is_member_in_good_standing(member):
        return False
    if member.pk in (meeting.chair_id, meeting.secretary_id):
        return True
    return has_capability(member, meeting.unit, CHAIR_MEETINGS)


def can_take_part(member: Any, meeting: Meeting) -> bool:
    if not is_member_in_good_standing(member):
        return False
    if is_unit_member(member, meeting.unit):
        return True
    return can_run(member, meeting)


def require(member: Any, meeting: Meeting, permission: Permission) -> None:
    """Raise PermissionDenied unless `member` has `permission` on `meeting`."""
    if permission is Permission.RUN and not can_run(member, meeting):
        raise PermissionDenied(_("Only the chair, the secretary or a member who may chair meetings can do this."))
    if permission is Permission.TAKE_PART and not can_take_part(member, meeting):
        raise PermissionDenied(_("Only members of %(unit)s can take part in this meeting.") % {"unit": meeting.unit})
    if permission is Permission.CREATE and not can_create_meetings(member, meeting.unit):
        raise PermissionDenied(_("You need the 'chair_meetings' capability in %(unit)s.") % {"unit": meeting.unit})


# --- object access for views and the consumer --------------------------------------------------------------
def access_unit_meetings(member: Any, unit_id: int, *, for_write: bool = False) -> Unit:
    """The unit whose meetings are listed (members of it, or chairs) or created (`chair_meetings`)."""
    unit = access_unit(member, unit_id)
    if for_write and not can_create_meetings(member, unit):
        raise PermissionDenied(_("You need the 'chair_meetings' capability in %(unit)s.") % {"unit": unit})
    if not is_unit_member(member, unit) and not can_create_meetings(member, unit):
        raise PermissionDenied(_("Only members of %(unit)s can see its meetings.") % {"unit": unit})
    return unit


def access_meeting(member: Any, meeting_id: int, *, for_write: bool = False) -> Meeting:
    require_member(member)
    meeting = Meeting.objects.select_related("unit", "chair", "secretary", "current_item").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("No such meeting."))
    require(member, meeting, Permission.RUN if for_write else Permission.TAKE_PART)
    return meeting


def access_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise Http404(_("No such agenda item in this meeting."))
    return item


def access_request(meeting: Meeting, request_id: int) -> SpeakingRequest:
    request = SpeakingRequest.objects.select_related("member", "item").filter(meeting=meeting, pk=request_id).first()
    if request is None:
        raise Http404(_("No such speaking request in this meeting."))
    return request


def access_speech(meeting: Meeting, speech_id: int) -> Speech:
    speech = Speech.objects.select_related("member", "item").filter(meeting=meeting, pk=speech_id).first()
    if speech is None:
        raise Http404(_("No such speech in this meeting."))
    return speech


def access_motion(meeting: Meeting, motion_id: int) -> Motion:
    motion = Motion.objects.select_related("item").filter(meeting=meeting, pk=motion_id).first()
    if motion is None:
        raise Http404(_("No such motion in this meeting."))
    return motion


def may_subscribe(member: Any, meeting_id: int) -> bool:
    """For the WebSocket consumer: may this member follow the meeting live?"""
    try:
        access_meeting(member, meeting_id)
    except (PermissionDenied, Http404):
        return False
    return True
