"""The meetings app's kinds of notification (rankandfile/notifications/kinds.py says how kinds work)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.meetings import selectors
from rankandfile.meetings.models import Meeting
from rankandfile.notifications.kinds import Kind, Notice, register


def _when_and_where(meeting: Meeting) -> str:
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    where = ", ".join(part for part in (meeting.place, meeting.online_link) if part)
    return f"{when}, {where}" if where else when


def _scheduled(meeting_id: int, event: str) -> Notice | None:
    """`called` when the meeting is created; `moved-<version>` when its time or place changes before it opens."""
    meeting = selectors.meeting_by_id(meeting_id)
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED:
        return None
    title = _("Meeting called: %(title)s (%(unit)s)") if event == "called" else _("Meeting moved: %(title)s (%(unit)s)")
    return Notice(
        title=title % {"title": meeting.title, "unit": meeting.unit.name},
        link=meeting.get_absolute_url(),
        body=_when_and_where(meeting),
    )


def _minutes(meeting_id: int, event: str) -> Notice | None:
    meeting = selectors.meeting_by_id(meeting_id)
    if meeting is None or not meeting.is_closed or meeting.are_minutes_approved:
        return None
    return Notice(
        title=_("Minutes to approve: %(title)s") % {"title": meeting.title},
        link=reverse("meetings:minutes", args=[meeting.pk]),
        body=_(
            "You attended. Read the minutes and add a dissent or minority report before the next meeting approves them."
        ),
    )


def _reply(speech_id: int, event: str) -> Notice | None:
    speech = selectors.speech_by_id(speech_id)
    if speech is None:
        return None
    return Notice(
        title=_("%(who)s replied to you in %(meeting)s")
        % {"who": speech.member.full_name, "meeting": speech.meeting.title},
        link=reverse("meetings:minutes", args=[speech.meeting_id]),
        body=speech.item.title,
    )


MEETING_SCHEDULED = register(
    Kind(
        "meeting.scheduled",
        gettext_lazy("A meeting of my units called or moved"),
        describe=_scheduled,
        recipients=lambda meeting_id, event: selectors.unit_participant_ids(meeting_id),
    )
)
MINUTES_TO_APPROVE = register(
    Kind(
        "meeting.minutes",
        gettext_lazy("Minutes to approve of a meeting I attended"),
        describe=_minutes,
        recipients=lambda meeting_id, event: selectors.attendee_ids(meeting_id),
    )
)
REPLY = register(Kind("meeting.reply", gettext_lazy("A reply to me in a meeting's minutes"), describe=_reply))
