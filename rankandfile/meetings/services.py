"""Every write to a meeting. One transaction each; permission checked here as well as in the view.

Each service that changes what a screen shows locks the meeting row by bumping `Meeting.version` first (so writes
to one meeting are serialized and numbered), and publishes the new state after commit (`live.publish`). Chair
overrides of the computed order or time (move, insert, remove, extend) need a reason, become an `Override` row
(shown to everyone and minuted) and an entry in the audit chain.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.meetings import live
from rankandfile.meetings.access import Permission, can_create_meetings, can_take_part, is_unit_member, require
from rankandfile.meetings.domain.placement import Pin, positions_after_call
from rankandfile.meetings.domain.speaking_order import PRESETS, Stance
from rankandfile.meetings.models import (
    AgendaItem,
    Attendance,
    Dissent,
    Meeting,
    MinutesEdit,
    Motion,
    Override,
    SpeakingRequest,
    Speech,
)
from rankandfile.meetings.selectors import is_role_holder, speaker_queue
from rankandfile.org.access import has_capability
from rankandfile.org.domain.capabilities import CHAIR_MEETINGS
from rankandfile.org.models import Member, Unit


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


# --- meetings -------------------------------------------------------------------------------------------------
def _validate_meeting_fields(
    *, unit: Unit, mode: str, place: str, online_link: str, chair: Member | None, secretary: Member | None
) -> None:
    errors: dict[str, str] = {}
    if mode in (Meeting.Mode.IN_PERSON, Meeting.Mode.HYBRID) and not place.strip():
        errors["place"] = _("Say where the meeting takes place.")
    if mode in (Meeting.Mode.ONLINE, Meeting.Mode.HYBRID) and not online_link.strip():
        errors["online_link"] = _("Give the link members use to join online.")
    for name, person in (("chair", chair), ("secretary", secretary)):
        is_allowed = person is None or is_unit_member(person, unit) or has_capability(person, unit, CHAIR_MEETINGS)
        if not is_allowed:
            errors[name] = _("%(person)s is not a member of %(unit)s.") % {"person": person, "unit": unit}
    if errors:
        raise ValidationError(errors)


def meeting_create(
    *,
    actor: Member,
    unit: Unit,
    title: str,
    starts_at: dt.datetime,
    kind: str = Meeting.Kind.GENERAL,
    mode: str = Meeting.Mode.IN_PERSON,
    place: str = "",
    online_link: str = "",
    chair: Member | None = None,
    secretary: Member | None = None,
    quorum: int = 0,
    rules_preset: str = "fair",
    agenda: list[str] | None = None,
) -> Meeting:
    """Rule: `chair_meetings` in the unit. The rules preset is copied into the meeting."""
    if not can_create_meetings(actor, unit):
        raise PermissionDenied(_("You need the 'chair_meetings' capability in %(unit)s.") % {"unit": unit})
    if unit.is_dissolved:
        raise ValidationError({"unit": _("A dissolved unit cannot hold meetings.")})
    if rules_preset not in PRESETS:
        raise ValidationError({"rules_preset": _("Unknown rules preset.")})
    _validate_meeting_fields(
        unit=unit, mode=mode, place=place, online_link=online_link, chair=chair, secretary=secretary
    )
    with transaction.atomic():
        meeting = Meeting(
            unit=unit,
            title=title.strip(),
            kind=kind,
            mode=mode,
            starts_at=starts_at,
            place=place.strip(),
            online_link=online_link.strip(),
            chair=chair,
            secretary=secretary,
            quorum=quorum,
            rules_preset=rules_preset,
            rules=PRESETS[rules_preset].to_dict(),
            checkin_code=secrets.token_urlsafe(12),
            created_by=actor,
        )
        meeting.full_clean()
        meeting.save()
        for position, item_title in enumerate((t.strip() for t in agenda or []), start=1):
            if item_title:
                AgendaItem.objects.create(meeting=meeting, position=position, title=item_title[:200])
        record(
            "meeting.create",
            actor=actor,
            obj=meeting,
            payload={"unit": unit.path, "title": meeting.title, "rules_preset": rules_preset, "rules": meeting.rules},
        )
    return meeting


def meeting_update(
    *,
    actor: Member,
    meeting: Meeting,
    title: str,
    starts_at: dt.datetime,
    kind: str,
    mode: str,
    place: str = "",
    online_link: str = "",
    chair: Member | None = None,
    secretary: Member | None = None,
    quorum: int = 0,
    rules_preset: str | None = None,
) -> Meeting:
    """Rule: may run the meeting; not once closed. The rules preset changes only before the meeting opens."""
    require(actor, meeting, Permission.RUN)
    _require_not_closed(meeting)
    _validate_meeting_fields(
        unit=meeting.unit, mode=mode, place=place, online_link=online_link, chair=chair, secretary=secretary
    )
    fields = ["title", "starts_at", "kind", "mode", "place", "online_link", "chair", "secretary", "quorum"]
    with transaction.atomic():
        _touch(meeting)
        _require_not_closed(meeting)
        meeting.title, meeting.starts_at, meeting.kind, meeting.mode = title.strip(), starts_at, kind, mode
        meeting.place, meeting.online_link = place.strip(), online_link.strip()
        meeting.chair, meeting.secretary, meeting.quorum = chair, secretary, quorum
        if rules_preset is not None and rules_preset != meeting.rules_preset:
            if meeting.status != Meeting.Status.SCHEDULED:
                raise ValidationError({"rules_preset": _("The rules cannot change once the meeting has opened.")})
            if rules_preset not in PRESETS:
                raise ValidationError({"rules_preset": _("Unknown rules preset.")})
            meeting.rules_preset, meeting.rules = rules_preset, PRESETS[rules_preset].to_dict()
            fields += ["rules_preset", "rules"]
        meeting.full_clean(exclude=["checkin_code"])
        meeting.save(update_fields=fields)
        record("meeting.update", actor=actor, obj=meeting, payload={"fields": fields})
        live.publish(meeting)
    return meeting


def meeting_open(*, actor: Member, meeting: Meeting) -> Meeting:
    """Rule: may run. Opens a scheduled meeting and takes up the first agenda item."""
    require(actor, meeting, Permission.RUN)
    with transaction.atomic():
        _touch(meeting)
        if meeting.status != Meeting.Status.SCHEDULED:
            raise ValidationError(_("Only a scheduled meeting can be opened."))
        now = timezone.now()
        meeting.status, meeting.opened_at = Meeting.Status.OPEN, now
        first = meeting.items.first()
        if meeting.current_item_id is None and first is not None:
            meeting.current_item = first
            first.started_at = first.started_at or now
            first.save(update_fields=["started_at"])
        meeting.save(update_fields=["status", "opened_at", "current_item"])
        record("meeting.open", actor=actor, obj=meeting)
        live.publish(meeting)
    return meeting


def meeting_close(*, actor: Member, meeting: Meeting) -> Meeting:
    """Rule: may run. Ends a running speech; the minutes can then be edited by the secretary and approved."""
    require(actor, meeting, Permission.RUN)
    with transaction.atomic():
        _touch(meeting)
        if not meeting.is_open:
            raise ValidationError(_("Only an open meeting can be closed."))
        now = timezone.now()
        for speech in Speech.objects.filter(meeting=meeting, ended_at__isnull=True):
            _finish(speech, now)
        meeting.status, meeting.closed_at = Meeting.Status.CLOSED, now
        meeting.save(update_fields=["status", "closed_at"])
        record("meeting.close", actor=actor, obj=meeting)
        live.publish(meeting)
    return meeting


# --- agenda ---------------------------------------------------------------------------------------------------
def item_add(
    *, actor: Member, meeting: Meeting, title: str, description: str = "", minutes_allotted: int | None = None
) -> AgendaItem:
    """Rule: may run; not once closed."""
    require(actor, meeting, Permission.RUN)
    if not title.strip():
        raise ValidationError({"title": _("Give the item a title.")})
    with transaction.atomic():
        _touch(meeting)
        _require_not_closed(meeting)
        last = meeting.items.aggregate(n=Max("position"))["n"] or 0
        item = AgendaItem(
            meeting=meeting,
            position=last + 1,
            title=title.strip(),
            description=description.strip(),
            minutes_allotted=minutes_allotted,
        )
        item.full_clean()
        item.save()
        if meeting.is_open and meeting.current_item_id is None:
            meeting.current_item = item
            item.started_at = timezone.now()
            item.save(update_fields=["started_at"])
            meeting.save(update_fields=["current_item"])
        live.publish(meeting)
    return item


def item_move(*, actor: Member, item: AgendaItem, direction: str) -> AgendaItem:
    """Rule: may run; not once closed. Swaps the item with its neighbour ("up" or "down")."""
    meeting = item.meeting
    require(actor, meeting, Permission.RUN)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move an item up or down.")})
    with transaction.atomic():
        _touch(meeting)
        _require_not_closed(meeting)
        items = list(meeting.items.all())
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items, start=1):
            if it.position != position:
                it.position = position
                it.save(update_fields=["position"])
        live.publish(meeting)
    item.refresh_from_db()
    return item


def item_select(*, actor: Member, item: AgendaItem) -> AgendaItem:
    """Rule: may run; the meeting is open and no speech is running. Takes up `item` (navigating the agenda)."""
    meeting = item.meeting
    require(actor, meeting, Permission.RUN)
    with transaction.atomic():
        _touch(meeting)
        _require_open(meeting)
        if Speech.objects.filter(meeting=meeting, ended_at__isnull=True).exists():
            raise ValidationError(_("End the current speech before moving to another item."))
        meeting.current_item = item
        if item.started_at is None:
            item.started_at = timezone.now()
            item.save(update_fields=["started_at"])
        meeting.save(update_fields=["current_item"])
        live.publish(meeting)
    return item


# --- attendance -----------------------------------------------------------------------------------------------
def attendance_check_in(
    *, member: Member, meeting: Meeting, code: str = "", how: str = Attendance.How.BUTTON
) -> Attendance:
    """Rule: may take part; not once closed. In person, the code shown on the projector (or its QR) is needed."""
    require(member, meeting, Permission.TAKE_PART)
    if meeting.mode == Meeting.Mode.IN_PERSON and not secrets.compare_digest(
        (code or "").strip(), meeting.checkin_code
    ):
        raise ValidationError({"code": _("Type the code shown on the projector, or scan its QR code.")})
    with transaction.atomic():
        _touch(meeting)
        _require_not_closed(meeting)
        existing = Attendance.objects.filter(meeting=meeting, member=member).first()
        if existing is not None:
            return existing
        attendance = Attendance.objects.create(
            meeting=meeting, member=member, checked_in_at=timezone.now(), how=how, checked_in_by=member
        )
        live.publish(meeting)
    return attendance


def attendance_add(*, actor: Member, meeting: Meeting, member: Member) -> Attendance:
    """Rule: may run. The chair checks in a member (no phone, or at the door)."""
    require(actor, meeting, Permission.RUN)
    if not can_take_part(member, meeting):
        raise ValidationError({"member": _("%(member)s cannot take part in this meeting.") % {"member": member}})
    with transaction.atomic():
        _touch(meeting)
        _require_not_closed(meeting)
        existing = Attendance.objects.filter(meeting=meeting, member=member).first()
        if existing is not None:
            return existing
        attendance = Attendance.objects.create(
            meeting=meeting, member=member, checked_in_at=timezone.now(), how=Attendance.How.CHAIR, checked_in_by=actor
        )
        record("meeting.check_in", actor=actor, obj=attendance, payload={"meeting": meeting.pk, "member": member.pk})
        live.publish(meeting)
    return attendance


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
        live.publish(meeting)
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
        live.publish(meeting)
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
        live.publish(meeting)
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
        live.publish(meeting)
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
        live.publish(meeting)
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
        live.publish(meeting)
    return request


# --- speeches -------------------------------------------------------------------------------------------------
def _running(meeting: Meeting) -> Speech | None:
    return Speech.objects.filter(meeting=meeting, ended_at__isnull=True).first()


def _finish(speech: Speech, now: dt.datetime) -> None:
    if speech.paused_at is not None:
        speech.paused_seconds += max(int((now - speech.paused_at).total_seconds()), 0)
        speech.paused_at = None
    speech.ended_at = now
    speech.save(update_fields=["ended_at", "paused_at", "paused_seconds"])


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
        live.publish(meeting)
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
        live.publish(speech.meeting)
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
        live.publish(speech.meeting)
    return speech


def speech_end(*, actor: Member, speech: Speech) -> Speech:
    """Rule: may run."""
    require(actor, speech.meeting, Permission.RUN)
    with transaction.atomic():
        _locked_speech(speech)
        _finish(speech, timezone.now())
        live.publish(speech.meeting)
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
        live.publish(speech.meeting)
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
        live.publish(speech.meeting)
    return speech


def speech_note(*, actor: Member, speech: Speech, note: str) -> Speech:
    """Rule: may run (the secretary, the chair); until the minutes are approved. Minuted as the secretary's words."""
    require(actor, speech.meeting, Permission.RUN)
    with transaction.atomic():
        _touch(speech.meeting)
        _require_minutes_unlocked(speech.meeting)
        speech.note, speech.note_by = note.strip(), actor
        speech.save(update_fields=["note", "note_by"])
        live.publish(speech.meeting)
    return speech


# --- motions and votes ---------------------------------------------------------------------------------------
def motion_add(
    *, actor: Member, meeting: Meeting, item: AgendaItem, text: str, moved_by: Member | None = None
) -> Motion:
    """Rule: may run; not once closed."""
    require(actor, meeting, Permission.RUN)
    if not text.strip():
        raise ValidationError({"text": _("Write the text of the motion.")})
    with transaction.atomic():
        _touch(meeting)
        _require_not_closed(meeting)
        motion = Motion.objects.create(
            meeting=meeting, item=item, text=text.strip(), moved_by=moved_by, created_at=timezone.now()
        )
        record("meeting.motion", actor=actor, obj=motion, payload={"meeting": meeting.pk, "text": motion.text})
        live.publish(meeting)
    return motion


def motion_count(*, actor: Member, motion: Motion, votes_for: int, votes_against: int, votes_abstain: int) -> Motion:
    """Rule: may run; until the minutes are approved. A show of hands: carried when more for than against."""
    meeting = motion.meeting
    require(actor, meeting, Permission.RUN)
    if min(votes_for, votes_against, votes_abstain) < 0:
        raise ValidationError({"votes_for": _("Counts cannot be negative.")})
    with transaction.atomic():
        _touch(meeting)
        _require_minutes_unlocked(meeting)
        motion.votes_for, motion.votes_against, motion.votes_abstain = votes_for, votes_against, votes_abstain
        motion.result = Motion.Result.CARRIED if votes_for > votes_against else Motion.Result.DEFEATED
        motion.counted_at, motion.counted_by = timezone.now(), actor
        motion.save(update_fields=["votes_for", "votes_against", "votes_abstain", "result", "counted_at", "counted_by"])
        record(
            "meeting.vote",
            actor=actor,
            obj=motion,
            payload={"for": votes_for, "against": votes_against, "abstain": votes_abstain, "result": motion.result},
        )
        live.publish(meeting)
    return motion


# --- minutes --------------------------------------------------------------------------------------------------
def dissent_add(
    *,
    member: Member,
    meeting: Meeting,
    text: str,
    kind: str = Dissent.Kind.DISSENT,
    item: AgendaItem | None = None,
    motion: Motion | None = None,
) -> Dissent:
    """Rule: a member who attended (checked in); until the minutes are approved. Minuted in the member's words."""
    require(member, meeting, Permission.TAKE_PART)
    if not Attendance.objects.filter(meeting=meeting, member=member).exists():
        raise ValidationError(_("Only members who attended the meeting can attach a dissent to its minutes."))
    if not text.strip():
        raise ValidationError({"text": _("Write your dissent or report.")})
    if kind not in Dissent.Kind.values:
        raise ValidationError({"kind": _("Choose a dissent or a minority report.")})
    with transaction.atomic():
        _touch(meeting)
        _require_minutes_unlocked(meeting)
        dissent = Dissent.objects.create(
            meeting=meeting,
            item=item,
            motion=motion,
            kind=kind,
            author=member,
            text=text.strip(),
            created_at=timezone.now(),
        )
        record("meeting.dissent", actor=member, obj=dissent, payload={"meeting": meeting.pk, "kind": kind})
    return dissent


def minutes_edit(
    *, actor: Member, meeting: Meeting, narrative: str, item_narratives: dict[int, str] | None = None
) -> list[MinutesEdit]:
    """Rule: may run (the secretary); until approved. Each changed part is kept as a tracked edit."""
    require(actor, meeting, Permission.RUN)
    edits: list[MinutesEdit] = []
    with transaction.atomic():
        _touch(meeting)
        _require_minutes_unlocked(meeting)
        now = timezone.now()
        narrative = narrative.strip()
        if narrative != meeting.minutes_narrative:
            edits.append(
                MinutesEdit.objects.create(
                    meeting=meeting, editor=actor, before=meeting.minutes_narrative, after=narrative, edited_at=now
                )
            )
            meeting.minutes_narrative = narrative
            meeting.save(update_fields=["minutes_narrative"])
        for item in meeting.items.all():
            text = (item_narratives or {}).get(item.pk)
            if text is None or text.strip() == item.narrative:
                continue
            edits.append(
                MinutesEdit.objects.create(
                    meeting=meeting, item=item, editor=actor, before=item.narrative, after=text.strip(), edited_at=now
                )
            )
            item.narrative = text.strip()
            item.save(update_fields=["narrative"])
        if edits:
            record("meeting.minutes_edit", actor=actor, obj=meeting, payload={"edits": [e.pk for e in edits]})
    return edits


def minutes_approve(*, actor: Member, meeting: Meeting, minutes_of: Meeting) -> Meeting:
    """Rule: may run `meeting`, which is open; `minutes_of` is an earlier, closed meeting of the same unit.

    Approved minutes are locked: no more summaries, notes, counts, dissents or narrative edits.
    """
    require(actor, meeting, Permission.RUN)
    if minutes_of.unit_id != meeting.unit_id or minutes_of.starts_at >= meeting.starts_at:
        raise ValidationError({"minutes_of": _("Only a later meeting of the same unit can approve these minutes.")})
    with transaction.atomic():
        _touch(meeting)
        _require_open(meeting)
        _touch(minutes_of)
        if not minutes_of.is_closed:
            raise ValidationError({"minutes_of": _("That meeting has not closed yet.")})
        if minutes_of.are_minutes_approved:
            raise ValidationError({"minutes_of": _("These minutes are already approved.")})
        minutes_of.minutes_approved_at, minutes_of.minutes_approved_in = timezone.now(), meeting
        minutes_of.save(update_fields=["minutes_approved_at", "minutes_approved_in"])
        record(
            "meeting.minutes_approve",
            actor=actor,
            obj=minutes_of,
            payload={"approved_in": meeting.pk, "meeting": minutes_of.pk},
        )
        live.publish(meeting)
    return minutes_of
