"""The guards a chair meets before acting, and the record of quorum while a meeting is open.

A guard refuses an action that is usually a mistake (opening more than an hour early, a count larger than the
members checked in, a vote or an approval while inquorate) with a message under `override_reason`; the same action
with a reason goes ahead, and the departure becomes an `Override` (shown to everyone, minuted) and an audit entry.
Each function runs inside the caller's transaction, after `_touch` has locked the meeting.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rankandfile.meetings.models import AgendaItem, Attendance, InquoratePeriod, Meeting, Override
from rankandfile.meetings.selectors import opens_early
from rankandfile.meetings.services._base import _override
from rankandfile.org.models import Member

REASON_FIELD = "override_reason"


def checked_in_count(meeting: Meeting) -> int:
    return Attendance.objects.filter(meeting=meeting).count()


def _pass(
    *,
    meeting: Meeting,
    actor: Member,
    action: str,
    message: str,
    reason: str,
    item: AgendaItem | None = None,
    detail: dict[str, object] | None = None,
) -> Override:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({REASON_FIELD: message}, code="guard")
    return _override(meeting=meeting, actor=actor, action=action, reason=reason[:500], item=item, detail=detail)


def early_message(meeting: Meeting) -> str:
    when = formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    return _(
        "This meeting is called for %(when)s, more than an hour from now. To open it now, give a reason: "
        "it is shown to everyone and minuted."
    ) % {"when": when}


def inquorate_message(present: int, quorum: int) -> str:
    return _(
        "The meeting is not quorate: %(present)s checked in, quorum %(quorum)s. To go on, give a reason: "
        "it is shown to everyone and minuted."
    ) % {"present": present, "quorum": quorum}


def over_count_message(votes: int, present: int) -> str:
    return _(
        "%(votes)s votes counted, but only %(present)s members are checked in. To record this count, give a reason: "
        "it is shown to everyone and minuted."
    ) % {"votes": votes, "present": present}


def guard_open(*, meeting: Meeting, actor: Member, reason: str, now: dt.datetime) -> None:
    if opens_early(meeting, now):
        _pass(
            meeting=meeting,
            actor=actor,
            action=Override.Action.OPEN_EARLY,
            message=early_message(meeting),
            reason=reason,
            detail={"starts_at": meeting.starts_at.isoformat(), "opened_at": now.isoformat()},
        )


def guard_quorate(*, meeting: Meeting, actor: Member, reason: str, item: AgendaItem | None, what: str) -> None:
    """Refuse `what` (a short code: "vote", "approve") while fewer than the quorum are checked in."""
    present = checked_in_count(meeting)
    if present < meeting.quorum:
        _pass(
            meeting=meeting,
            actor=actor,
            action=Override.Action.INQUORATE,
            message=inquorate_message(present, meeting.quorum),
            reason=reason,
            item=item,
            detail={"what": what, "checked_in": present, "quorum": meeting.quorum},
        )


def guard_count(*, meeting: Meeting, actor: Member, reason: str, item: AgendaItem, votes: int) -> None:
    present = checked_in_count(meeting)
    if votes > present:
        _pass(
            meeting=meeting,
            actor=actor,
            action=Override.Action.OVER_COUNT,
            message=over_count_message(votes, present),
            reason=reason,
            item=item,
            detail={"votes": votes, "checked_in": present},
        )


def track_quorum(meeting: Meeting, now: dt.datetime) -> None:
    """Start or end the current inquorate period after whatever changed the count, the quorum or the status."""
    current = InquoratePeriod.objects.filter(meeting=meeting, ended_at__isnull=True).first()
    present = checked_in_count(meeting) if meeting.is_open else 0
    if meeting.is_open and present < meeting.quorum:
        if current is None:
            InquoratePeriod.objects.create(meeting=meeting, started_at=now, checked_in=present, quorum=meeting.quorum)
    elif current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
