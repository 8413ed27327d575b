"""Helpers shared by the meeting services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.meetings.models import (
    AgendaItem,
    Meeting,
    Override,
    SpeakingRequest,
    Speech,
)
from rankandfile.org.models import Member


def _one_hand_message() -> str:
    return _("You already have your hand raised on this item. Withdraw it first to change your stance.")


# --- helpers --------------------------------------------------------------------------------------------------
def _touch(meeting: Meeting) -> int:
    """Lock the meeting row and bump its version (inside the caller's transaction); return the new version."""
    Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
    fresh = Meeting.objects.values("version", "status", "current_item_id", "minutes_approved_at").get(pk=meeting.pk)
    meeting.version = fresh["version"]
    meeting.status = fresh["status"]
    meeting.current_item_id = fresh["current_item_id"]
    meeting.minutes_approved_at = fresh["minutes_approved_at"]
    return meeting.version


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give a reason: every change to the computed order or time is shown to everyone and minuted.")}
        )
    return reason[:500]


def _require_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise ValidationError(_("The meeting is not open."))


def _require_not_closed(meeting: Meeting) -> None:
    if meeting.is_closed:
        raise ValidationError(_("The meeting is closed."))


def _require_minutes_unlocked(meeting: Meeting) -> None:
    if meeting.are_minutes_approved:
        raise ValidationError(_("These minutes have been approved and are locked."))


def _current_item(meeting: Meeting) -> AgendaItem:
    if meeting.current_item_id is None:
        raise ValidationError(_("No agenda item is under discussion yet."))
    return AgendaItem.objects.get(pk=meeting.current_item_id)


def _override(
    *,
    meeting: Meeting,
    actor: Member,
    action: str,
    reason: str,
    item: AgendaItem | None = None,
    member: Member | None = None,
    request: SpeakingRequest | None = None,
    speech: Speech | None = None,
    detail: dict[str, Any] | None = None,
) -> Override:
    override = Override.objects.create(
        meeting=meeting,
        item=item,
        action=action,
        actor=actor,
        member=member,
        request=request,
        speech=speech,
        detail=detail or {},
        reason=reason,
        created_at=timezone.now(),
    )
    record(
        f"meeting.override.{action}",
        actor=actor,
        obj=override,
        payload={
            "meeting": meeting.pk,
            "item": item.pk if item else None,
            "member": member.pk if member else None,
            "request": request.pk if request else None,
            "speech": speech.pk if speech else None,
            "detail": detail or {},
            "reason": reason,
        },
    )
    return override


def _finish(speech: Speech, now: dt.datetime) -> None:
    if speech.paused_at is not None:
        speech.paused_seconds += max(int((now - speech.paused_at).total_seconds()), 0)
        speech.paused_at = None
    speech.ended_at = now
    speech.save(update_fields=["ended_at", "paused_at", "paused_seconds"])
