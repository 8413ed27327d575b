"""Meetings, their agenda and attendance."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.meetings import live
from rankandfile.meetings.access import Permission, can_create_meetings, can_take_part, is_unit_member, require
from rankandfile.meetings.domain.speaking_order import PRESETS, Rules
from rankandfile.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Speech,
)
from rankandfile.meetings.services._base import (
    _finish,
    _require_not_closed,
    _require_open,
    _touch,
)
from rankandfile.meetings.services.guards import guard_open, track_quorum
from rankandfile.notifications import services as notifications
from rankandfile.org.access import has_capability
from rankandfile.org.domain.capabilities import CHAIR_MEETINGS
from rankandfile.org.models import Member, Unit


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
        raise PermissionDenied(_("You need to be able to chair meetings of %(unit)s.") % {"unit": unit})
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
        notifications.notify_on_commit(kind="meeting.scheduled", object_id=meeting.pk, event="called")
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
        was = (meeting.starts_at, meeting.mode, meeting.place, meeting.online_link)
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
        track_quorum(meeting, timezone.now())
        record("meeting.update", actor=actor, obj=meeting, payload={"fields": fields})
        live.feed.publish_on_commit(meeting.pk)
        if was != (meeting.starts_at, meeting.mode, meeting.place, meeting.online_link):
            notifications.notify_on_commit(
                kind="meeting.scheduled", object_id=meeting.pk, event=f"moved-{meeting.version}"
            )
    return meeting


CUSTOM_RULES = "custom"


def meeting_set_rules(*, actor: Member, meeting: Meeting, rules: dict[str, Any]) -> Meeting:
    """Rule: may run the meeting, before it opens. Each rule on or off with its parameter; recorded and audited.

    Changing the rules of a meeting under way would change who speaks next behind the members' backs, so once it
    has opened the chair can only override the order openly, one recorded override at a time.
    """
    require(actor, meeting, Permission.RUN)
    try:
        checked = Rules.from_dict(rules).to_dict()
    except ValueError as error:
        raise ValidationError({"rules": str(error)}) from error
    with transaction.atomic():
        _touch(meeting)
        if meeting.status != Meeting.Status.SCHEDULED:
            raise ValidationError({"rules": _("The rules cannot change once the meeting has opened.")})
        matching = [name for name, preset in PRESETS.items() if preset.to_dict() == checked]
        meeting.rules, meeting.rules_preset = checked, matching[0] if matching else CUSTOM_RULES
        meeting.save(update_fields=["rules", "rules_preset"])
        record("meeting.rules", actor=actor, obj=meeting, payload={"rules": checked})
        live.feed.publish_on_commit(meeting.pk)
    return meeting


def meeting_open(*, actor: Member, meeting: Meeting, override_reason: str = "") -> Meeting:
    """Rule: may run. Opens a scheduled meeting and takes up the first agenda item.

    Guard: more than an hour before `starts_at` it needs `override_reason` (minuted as an override). The real
    opening time is kept; an inquorate period starts now if fewer than the quorum are checked in.
    """
    require(actor, meeting, Permission.RUN)
    with transaction.atomic():
        _touch(meeting)
        if meeting.status != Meeting.Status.SCHEDULED:
            raise ValidationError(_("Only a scheduled meeting can be opened."))
        now = timezone.now()
        guard_open(meeting=meeting, actor=actor, reason=override_reason, now=now)
        meeting.status, meeting.opened_at = Meeting.Status.OPEN, now
        first = meeting.items.first()
        if meeting.current_item_id is None and first is not None:
            meeting.current_item = first
            first.started_at = first.started_at or now
            first.save(update_fields=["started_at"])
        meeting.save(update_fields=["status", "opened_at", "current_item"])
        track_quorum(meeting, now)
        record("meeting.open", actor=actor, obj=meeting)
        live.feed.publish_on_commit(meeting.pk)
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
        track_quorum(meeting, now)
        record("meeting.close", actor=actor, obj=meeting)
        live.feed.publish_on_commit(meeting.pk)
        notifications.notify_on_commit(kind="meeting.minutes", object_id=meeting.pk)
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
        live.feed.publish_on_commit(meeting.pk)
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
        live.feed.publish_on_commit(meeting.pk)
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
        live.feed.publish_on_commit(meeting.pk)
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
        track_quorum(meeting, attendance.checked_in_at)
        live.feed.publish_on_commit(meeting.pk)
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
        track_quorum(meeting, attendance.checked_in_at)
        record("meeting.check_in", actor=actor, obj=attendance, payload={"meeting": meeting.pk, "member": member.pk})
        live.feed.publish_on_commit(meeting.pk)
    return attendance
