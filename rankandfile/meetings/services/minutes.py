"""Motions, votes, dissents and the minutes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.meetings import live
from rankandfile.meetings.access import Permission, require
from rankandfile.meetings.models import (
    AgendaItem,
    Attendance,
    Dissent,
    Meeting,
    MinutesEdit,
    Motion,
)
from rankandfile.meetings.services._base import (
    _require_minutes_unlocked,
    _require_not_closed,
    _require_open,
    _touch,
)
from rankandfile.meetings.services.guards import guard_count, guard_quorate
from rankandfile.org.models import Member


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
        live.feed.publish_on_commit(meeting.pk)
    return motion


def motion_count(
    *,
    actor: Member,
    motion: Motion,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    override_reason: str = "",
) -> Motion:
    """Rule: may run; until the minutes are approved. A show of hands: carried when more for than against.

    Guards (each passed only with `override_reason`, minuted as an override): the meeting is open and inquorate;
    more votes than members checked in.
    """
    meeting = motion.meeting
    require(actor, meeting, Permission.RUN)
    if min(votes_for, votes_against, votes_abstain) < 0:
        raise ValidationError({"votes_for": _("Counts cannot be negative.")})
    with transaction.atomic():
        _touch(meeting)
        _require_minutes_unlocked(meeting)
        if meeting.is_open:
            guard_quorate(meeting=meeting, actor=actor, reason=override_reason, item=motion.item, what="vote")
        total = votes_for + votes_against + votes_abstain
        guard_count(meeting=meeting, actor=actor, reason=override_reason, item=motion.item, votes=total)
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
        live.feed.publish_on_commit(meeting.pk)
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


def minutes_approve(*, actor: Member, meeting: Meeting, minutes_of: Meeting, override_reason: str = "") -> Meeting:
    """Rule: may run `meeting`, which is open; `minutes_of` is an earlier, closed meeting of the same unit.

    Guard: while `meeting` is inquorate it needs `override_reason` (minuted as an override).

    Approved minutes are locked: no more summaries, notes, counts, dissents or narrative edits.
    """
    require(actor, meeting, Permission.RUN)
    if minutes_of.unit_id != meeting.unit_id or minutes_of.starts_at >= meeting.starts_at:
        raise ValidationError({"minutes_of": _("Only a later meeting of the same unit can approve these minutes.")})
    with transaction.atomic():
        _touch(meeting)
        _require_open(meeting)
        guard_quorate(meeting=meeting, actor=actor, reason=override_reason, item=None, what="approve")
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
        live.feed.publish_on_commit(meeting.pk)
    return minutes_of
