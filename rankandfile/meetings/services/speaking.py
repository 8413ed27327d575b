"""The speaking list and speeches."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.meetings import live
from rankandfile.meetings.access import Permission, can_take_part, require
from rankandfile.meetings.domain.placement import Pin, positions_after_call
from rankandfile.meetings.domain.speaking_order import Stance
from rankandfile.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Override,
    SpeakingRequest,
    Speech,
)
from rankandfile.meetings.selectors import is_role_holder, speaker_queue
from rankandfile.meetings.services._base import (
    _current_item,
    _finish,
    _one_hand_message,
    _override,
    _reason,
    _require_minutes_unlocked,
    _require_open,
    _touch,
)
from rankandfile.notifications import services as notifications
from rankandfile.org.models import Member


# --- the speaking list ---------------------------------------------------------------------------------------
def _stance(stance: str) -> Stance:
    try:
        return Stance(stance)
    except ValueError:
        raise ValidationError({"stance": _("Choose a stance.")}) from None


def _new_request(
    *,
    meeting: Meeting,
    item: AgendaItem,
    member: Member,
    stance: Stance,
    added_by: Member | None = None,
    reply_to: Member | None = None,
    pinned_position: int | None = None,
    pin_reason: str = "",
) -> SpeakingRequest:
    if SpeakingRequest.objects.filter(item=item, member=member, status=SpeakingRequest.Status.WAITING).exists():
        if added_by is None:
            raise ValidationError({"stance": _one_hand_message()})
        raise ValidationError(
            {"member": _("%(member)s is already waiting to speak on this item.") % {"member": member}}
        )
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the constraint catches a double tap that raced past the check
            return SpeakingRequest.objects.create(
                meeting=meeting,
                item=item,
                member=member,
                stance=stance.value,
                requested_at=now,
                is_role_holder=is_role_holder(member, meeting.unit),
                reply_to=reply_to,
                added_by=added_by,
                pinned_position=pinned_position,
                pin_reason=pin_reason,
                pinned_at=now if pinned_position is not None else None,
            )
    except IntegrityError:
        raise ValidationError({"stance": _one_hand_message()}) from None


def hand_raise(*, member: Member, meeting: Meeting, stance: str, reply_to: Member | None = None) -> SpeakingRequest:
    """Rule: may take part; the meeting is open with an item under discussion; one waiting request per item."""
    require(member, meeting, Permission.TAKE_PART)
    chosen = _stance(stance)
    with transaction.atomic():
        _touch(meeting)
        _require_open(meeting)
        item = _current_item(meeting)
        request = _new_request(meeting=meeting, item=item, member=member, stance=chosen, reply_to=reply_to)
        if meeting.mode != Meeting.Mode.IN_PERSON:
            # Raising a hand online says "I am here": it checks the member in. In the hall the projector's code
            # still does (a hand raised from elsewhere must not count toward quorum).
            Attendance.objects.get_or_create(
                meeting=meeting,
                member=member,
                defaults={"checked_in_at": timezone.now(), "how": Attendance.How.BUTTON, "checked_in_by": member},
            )
        live.feed.publish_on_commit(meeting.pk)
    return request


def hand_withdraw(*, member: Member, meeting: Meeting) -> SpeakingRequest:
    """Rule: a member withdraws their own waiting request on the item under discussion."""
    require(member, meeting, Permission.TAKE_PART)
    with transaction.atomic():
        _touch(meeting)
        item = _current_item(meeting)
        request = SpeakingRequest.objects.filter(
            item=item, member=member, status=SpeakingRequest.Status.WAITING
        ).first()
        if request is None:
            raise ValidationError(_("You have no hand raised on this item."))
        request.status, request.closed_at = SpeakingRequest.Status.WITHDRAWN, timezone.now()
        request.save(update_fields=["status", "closed_at"])
        live.feed.publish_on_commit(meeting.pk)
    return request


def speaker_add(*, actor: Member, meeting: Meeting, member: Member, stance: str) -> SpeakingRequest:
    """Rule: may run. Adds a member who has no phone; the rules place them like anyone else (no override)."""
    require(actor, meeting, Permission.RUN)
    chosen = _stance(stance)
    if not can_take_part(member, meeting):
        raise ValidationError({"member": _("%(member)s cannot take part in this meeting.") % {"member": member}})
    with transaction.atomic():
        _touch(meeting)
        _require_open(meeting)
        item = _current_item(meeting)
        request = _new_request(meeting=meeting, item=item, member=member, stance=chosen, added_by=actor)
        record(
            "meeting.speaker_add",
            actor=actor,
            obj=request,
            payload={"meeting": meeting.pk, "member": member.pk, "stance": chosen.value},
        )
        live.feed.publish_on_commit(meeting.pk)
    return request


def _position(meeting: Meeting, request: SpeakingRequest) -> int | None:
    queue = speaker_queue(meeting, request.item)
    return queue.position_of(request.member_id)


def request_move(*, actor: Member, request: SpeakingRequest, position: int, reason: str) -> SpeakingRequest:
    """Rule: may run; a reason is required. Places a waiting request at `position` (1 = next)."""
    meeting = request.meeting
    require(actor, meeting, Permission.RUN)
    reason = _reason(reason)
    if position < 1:
        raise ValidationError({"position": _("Places start at 1 (next to speak).")})
    with transaction.atomic():
        _touch(meeting)
        request.refresh_from_db()
        if request.status != SpeakingRequest.Status.WAITING:
            raise ValidationError(_("This request is no longer waiting."))
        before = _position(meeting, request)
        request.pinned_position, request.pin_reason, request.pinned_at = position, reason, timezone.now()
        request.save(update_fields=["pinned_position", "pin_reason", "pinned_at"])
        _override(
            meeting=meeting,
            actor=actor,
            action=Override.Action.MOVE,
            reason=reason,
            item=request.item,
            member=request.member,
            request=request,
            detail={"from": before, "to": position},
        )
        live.feed.publish_on_commit(meeting.pk)
    return request


def request_insert(
    *, actor: Member, meeting: Meeting, member: Member, stance: str, position: int, reason: str
) -> SpeakingRequest:
    """Rule: may run; a reason is required. Puts a member in the queue at `position`, outside the rules."""
    require(actor, meeting, Permission.RUN)
    reason = _reason(reason)
    chosen = _stance(stance)
    if position < 1:
        raise ValidationError({"position": _("Places start at 1 (next to speak).")})
    if not can_take_part(member, meeting):
        raise ValidationError({"member": _("%(member)s cannot take part in this meeting.") % {"member": member}})
    with transaction.atomic():
        _touch(meeting)
        _require_open(meeting)
        item = _current_item(meeting)
        request = _new_request(
            meeting=meeting,
            item=item,
            member=member,
            stance=chosen,
            added_by=actor,
            pinned_position=position,
            pin_reason=reason,
        )
        _override(
            meeting=meeting,
            actor=actor,
            action=Override.Action.INSERT,
            reason=reason,
            item=item,
            member=member,
            request=request,
            detail={"to": position, "stance": chosen.value},
        )
        live.feed.publish_on_commit(meeting.pk)
    return request


def request_remove(*, actor: Member, request: SpeakingRequest, reason: str) -> SpeakingRequest:
    """Rule: may run; a reason is required. Takes a waiting request off the list."""
    meeting = request.meeting
    require(actor, meeting, Permission.RUN)
    reason = _reason(reason)
    with transaction.atomic():
        _touch(meeting)
        request.refresh_from_db()
        if request.status != SpeakingRequest.Status.WAITING:
            raise ValidationError(_("This request is no longer waiting."))
        before = _position(meeting, request)
        request.status, request.closed_at = SpeakingRequest.Status.REMOVED, timezone.now()
        request.save(update_fields=["status", "closed_at"])
        _override(
            meeting=meeting,
            actor=actor,
            action=Override.Action.REMOVE,
            reason=reason,
            item=request.item,
            member=request.member,
            request=request,
            detail={"from": before},
        )
        live.feed.publish_on_commit(meeting.pk)
    return request


# --- speeches -------------------------------------------------------------------------------------------------
def _running(meeting: Meeting) -> Speech | None:
    return Speech.objects.filter(meeting=meeting, ended_at__isnull=True).first()


def speech_start(*, actor: Member, meeting: Meeting) -> Speech:
    """Rule: may run; the meeting is open and nobody is speaking. Calls the first request of the queue."""
    require(actor, meeting, Permission.RUN)
    with transaction.atomic():
        _touch(meeting)
        _require_open(meeting)
        item = _current_item(meeting)
        if _running(meeting) is not None:
            raise ValidationError(_("Someone is speaking: end that speech first."))
        queue = speaker_queue(meeting, item)
        head = queue.head
        if head is None:
            raise ValidationError(_("Nobody is waiting to speak."))
        now = timezone.now()
        request = head.request
        request.status, request.closed_at = SpeakingRequest.Status.CALLED, now
        request.save(update_fields=["status", "closed_at"])
        speech = Speech.objects.create(
            meeting=meeting,
            item=item,
            member=request.member,
            request=request,
            stance=request.stance,
            is_role_holder=request.is_role_holder,
            started_at=now,
            seconds_allowed=head.seconds_allowed,
        )
        # The chair's other placements move one place up with the queue.
        others = [r.request for r in queue.rows[1:] if r.is_pinned]
        moved = positions_after_call(
            [Pin(key=r.pk, position=r.pinned_position or 1, pinned_at=r.pinned_at or now) for r in others]
        )
        for other in others:
            other.pinned_position = moved[other.pk]
            other.save(update_fields=["pinned_position"])
        live.feed.publish_on_commit(meeting.pk)
        if request.reply_to_id is not None:
            notifications.notify_on_commit(kind="meeting.reply", object_id=speech.pk, recipients=[request.reply_to_id])
    return speech


def _locked_speech(speech: Speech) -> Speech:
    _touch(speech.meeting)
    speech.refresh_from_db()
    if speech.ended_at is not None:
        raise ValidationError(_("This speech has ended."))
    return speech


def speech_pause(*, actor: Member, speech: Speech) -> Speech:
    """Rule: may run. Stops the speech's clock."""
    require(actor, speech.meeting, Permission.RUN)
    with transaction.atomic():
        _locked_speech(speech)
        if speech.paused_at is None:
            speech.paused_at = timezone.now()
            speech.save(update_fields=["paused_at"])
        live.feed.publish_on_commit(speech.meeting_id)
    return speech


def speech_resume(*, actor: Member, speech: Speech) -> Speech:
    """Rule: may run. Restarts the speech's clock; the pause does not count as speaking time."""
    require(actor, speech.meeting, Permission.RUN)
    with transaction.atomic():
        _locked_speech(speech)
        if speech.paused_at is not None:
            now = timezone.now()
            speech.paused_seconds += max(int((now - speech.paused_at).total_seconds()), 0)
            speech.paused_at = None
            speech.save(update_fields=["paused_at", "paused_seconds"])
        live.feed.publish_on_commit(speech.meeting_id)
    return speech


def speech_end(*, actor: Member, speech: Speech) -> Speech:
    """Rule: may run."""
    require(actor, speech.meeting, Permission.RUN)
    with transaction.atomic():
        _locked_speech(speech)
        _finish(speech, timezone.now())
        live.feed.publish_on_commit(speech.meeting_id)
    return speech


def speech_extend(*, actor: Member, speech: Speech, seconds: int, reason: str) -> Speech:
    """Rule: may run; a reason is required. Gives the running speech more time."""
    require(actor, speech.meeting, Permission.RUN)
    reason = _reason(reason)
    if seconds < 1 or seconds > 3600:
        raise ValidationError({"seconds": _("Extend by 1 second to 1 hour.")})
    with transaction.atomic():
        _locked_speech(speech)
        if speech.seconds_allowed is None:
            raise ValidationError({"seconds": _("This speech has no time limit to extend.")})
        before = speech.seconds_allowed
        speech.seconds_allowed = before + seconds
        speech.save(update_fields=["seconds_allowed"])
        _override(
            meeting=speech.meeting,
            actor=actor,
            action=Override.Action.EXTEND,
            reason=reason,
            item=speech.item,
            member=speech.member,
            speech=speech,
            detail={"from": before, "to": speech.seconds_allowed, "seconds": seconds},
        )
        live.feed.publish_on_commit(speech.meeting_id)
    return speech


def speech_summarize(*, member: Member, speech: Speech, summary: str) -> Speech:
    """Rule: only the speaker, in their own words, until the minutes are approved."""
    if speech.member_id != member.pk:
        raise PermissionDenied(_("Only the speaker can summarize their own speech."))
    summary = " ".join(summary.split())
    if len(summary) > 280:
        raise ValidationError({"summary": _("Keep it to one line (280 characters at most).")})
    with transaction.atomic():
        _touch(speech.meeting)
        _require_minutes_unlocked(speech.meeting)
        speech.summary = summary
        speech.save(update_fields=["summary"])
        live.feed.publish_on_commit(speech.meeting_id)
    return speech


def speech_note(*, actor: Member, speech: Speech, note: str) -> Speech:
    """Rule: may run (the secretary, the chair); until the minutes are approved. Minuted as the secretary's words."""
    require(actor, speech.meeting, Permission.RUN)
    with transaction.atomic():
        _touch(speech.meeting)
        _require_minutes_unlocked(speech.meeting)
        speech.note, speech.note_by = note.strip(), actor
        speech.save(update_fields=["note", "note_by"])
        live.feed.publish_on_commit(speech.meeting_id)
    return speech
