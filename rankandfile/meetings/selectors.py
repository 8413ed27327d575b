"""Reads of a meeting: the speaking queue (through `order_speakers`), the live state, a member's panel, minutes.

Each function's query count is fixed, whatever the size of the meeting (the live fragment test counts them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.meetings.domain.placement import Pin, place_pinned
from rankandfile.meetings.domain.speaking_order import (
    PastSpeech,
    QueueEntry,
    Rules,
    SpeakingOrder,
    Stance,
    WaitingRequest,
    order_speakers,
)
from rankandfile.meetings.models import (
    AgendaItem,
    Attendance,
    Dissent,
    InquoratePeriod,
    Meeting,
    MinutesEdit,
    Motion,
    Override,
    SpeakingRequest,
    Speech,
)
from rankandfile.org.access import capabilities_by_path
from rankandfile.org.models import Member, Unit
from rankandfile.org.selectors import active_members


def rules_of(meeting: Meeting) -> Rules:
    return Rules.from_dict(meeting.rules)


def is_role_holder(member: Member, unit: Unit) -> bool:
    """A current role in the meeting's unit or any unit above it (what the pile-on cap calls a role holder)."""
    held = capabilities_by_path(member)
    return any(path in held for path in unit.ancestor_paths())


def meetings_of_unit(unit: Unit) -> list[Meeting]:
    return list(Meeting.objects.filter(unit=unit).select_related("chair", "secretary").order_by("-starts_at", "-id"))


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.order_by("position"))


def motions_of(meeting: Meeting) -> list[Motion]:
    return list(meeting.motions.order_by("created_at", "id"))


# --- the speaking queue ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueRow:
    position: int
    request: SpeakingRequest
    reasons: tuple[str, ...]
    reason_codes: tuple[str, ...]
    seconds_allowed: int | None
    is_pinned: bool
    is_over_allowance: bool


@dataclass(frozen=True)
class SpeakerQueue:
    rows: tuple[QueueRow, ...]
    order: SpeakingOrder

    @property
    def head(self) -> QueueRow | None:
        return self.rows[0] if self.rows else None

    def position_of(self, member_id: int) -> int | None:
        for row in self.rows:
            if row.request.member_id == member_id:
                return row.position
        return None


def _waiting(request: SpeakingRequest) -> WaitingRequest:
    return WaitingRequest(
        id=request.pk,
        member_id=request.member_id,
        stance=Stance(request.stance),
        requested_at=request.requested_at,
        is_role_holder=request.is_role_holder,
        reply_to=request.reply_to_id,
    )


def _past(speech: Speech, now: dt.datetime) -> PastSpeech:
    return PastSpeech(
        member_id=speech.member_id,
        stance=Stance(speech.stance),
        is_role_holder=speech.is_role_holder,
        duration_seconds=speech.duration_seconds(now),
    )


def meeting_speech_counts(meeting: Meeting) -> dict[int, int]:
    """Debate speeches (points of order excluded) per member in the whole meeting."""
    rows = (
        Speech.objects.filter(meeting=meeting)
        .exclude(stance=Stance.POINT_OF_ORDER.value)
        .values("member_id")
        .annotate(n=Count("id"))
    )
    return {row["member_id"]: row["n"] for row in rows}


def speaker_queue(
    meeting: Meeting,
    item: AgendaItem,
    *,
    waiting: list[SpeakingRequest] | None = None,
    history: list[Speech] | None = None,
    now: dt.datetime | None = None,
) -> SpeakerQueue:
    """The queue of `item` as every screen shows it: `order_speakers` decides, the chair's pins are then placed.

    Pinned requests are passed to `order_speakers` too, so their time allowance comes from the same rules.
    """
    now = now or timezone.now()
    if waiting is None:
        waiting = list(
            SpeakingRequest.objects.filter(item=item, status=SpeakingRequest.Status.WAITING).select_related("member")
        )
    if history is None:
        history = list(Speech.objects.filter(item=item).order_by("started_at", "id"))
    order = order_speakers(
        [_waiting(r) for r in waiting],
        [_past(s, now) for s in history],
        rules_of(meeting),
        meeting_speech_counts=meeting_speech_counts(meeting),
    )
    by_id = {r.pk: r for r in waiting}
    entries: dict[int, QueueEntry] = {entry.request.id: entry for entry in order.entries}
    pins = [
        Pin(key=r.pk, position=r.pinned_position, pinned_at=r.pinned_at or r.requested_at)
        for r in waiting
        if r.pinned_position is not None
    ]
    placed = place_pinned([entry.request.id for entry in order.entries], pins)
    rows: list[QueueRow] = []
    for position, request_id in enumerate(placed, start=1):
        request = by_id[request_id]
        entry = entries[request_id]
        if request.pinned_position is not None:
            reasons: tuple[str, ...] = (f"placed by the chair: {request.pin_reason}",)
            codes: tuple[str, ...] = ("chair_override",)
        else:
            reasons = tuple(reason.text for reason in entry.reasons)
            codes = tuple(reason.code.value for reason in entry.reasons)
        rows.append(
            QueueRow(
                position=position,
                request=request,
                reasons=reasons,
                reason_codes=codes,
                seconds_allowed=entry.seconds_allowed,
                is_pinned=request.pinned_position is not None,
                is_over_allowance=entry.is_over_item_allowance,
            )
        )
    return SpeakerQueue(rows=tuple(rows), order=order)


EARLY = dt.timedelta(hours=1)  # opening earlier than this before `starts_at` needs a reason (services/guards.py)


def opens_early(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether opening `meeting` now meets the guard on opening more than an hour before its time."""
    return meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at - (now or timezone.now()) > EARLY


# --- a speaker typed by name (the chair's "add a speaker") ------------------------------------------------------
SUGGESTIONS = 12
_WITH_ID = re.compile(r"^(?P<name>.*?)\s*\(#(?P<pk>\d+)\)\s*$")


def speaker_suggestions(meeting: Meeting, typed: str = "") -> list[tuple[Member, bool, str]]:
    """Up to SUGGESTIONS members who may take part and whose name contains `typed`: the checked-in first.

    Each comes with whether they are checked in and the text the name field takes: the name, or, for a name two
    members share, the name and "(#id)" so that it resolves to one (`speaker_by_name`). Two queries (one when
    nothing matches).
    """
    present = Attendance.objects.filter(meeting=meeting, member=OuterRef("pk"))
    people = active_members(meeting.unit).annotate(is_here=Exists(present))
    typed = typed.strip()
    if typed:
        people = people.filter(full_name__icontains=_WITH_ID.sub(r"\g<name>", typed) or typed)
    found = list(people.order_by("-is_here", "full_name", "id")[:SUGGESTIONS])
    shared: set[str] = set()
    if found:  # names held by more than one member who may take part, suggested now or not
        shared = set(
            active_members(meeting.unit)
            .filter(full_name__in=[m.full_name for m in found])
            .order_by()  # no ordering column in the GROUP BY: it grouped by member, and every count was 1
            .values("full_name")
            .annotate(n=Count("id", distinct=True))
            .filter(n__gt=1)
            .values_list("full_name", flat=True)
        )
    return [(m, bool(m.is_here), f"{m.full_name} (#{m.pk})" if m.full_name in shared else m.full_name) for m in found]


def speaker_by_name(meeting: Meeting, typed: str) -> Member:
    """The one member who may take part whose name is `typed` (case aside), or "Name (#id)"; refuses otherwise."""
    typed = typed.strip()
    people = active_members(meeting.unit)
    match = _WITH_ID.match(typed)
    if match:
        found = list(people.filter(pk=int(match["pk"]), full_name__iexact=match["name"].strip())[:2])
    else:
        found = list(people.filter(full_name__iexact=typed).distinct()[:2])
    if len(found) == 1:
        return found[0]
    if found:
        raise ValidationError(_("Several members are called %(name)s: pick one from the list.") % {"name": typed})
    raise ValidationError(
        _("Nobody called %(name)s can take part in this meeting: pick a name from the list.") % {"name": typed}
    )


# --- the live state every screen shows ------------------------------------------------------------------------
LIVE_SPEECHES = 10  # speeches on this item that a frame carries (docs/meetings.md, "Live updates")


@dataclass
class LiveState:
    meeting: Meeting
    items: list[AgendaItem]
    item: AgendaItem | None
    item_number: int
    current_speech: Speech | None
    queue: SpeakerQueue | None
    speeches: list[Speech]
    reply_due: list[Member]
    overrides: list[Override]
    attendance_count: int
    motions: list[Motion]
    server_now: dt.datetime
    is_quorate: bool = field(init=False)

    def __post_init__(self) -> None:
        self.is_quorate = self.attendance_count >= self.meeting.quorum

    @property
    def version(self) -> int:
        return self.meeting.version

    @property
    def next_three(self) -> tuple[QueueRow, ...]:
        return self.queue.rows[:3] if self.queue else ()

    @property
    def recent_speeches(self) -> list[Speech]:
        """The speeches the live screens show: the last LIVE_SPEECHES (all of them are in the minutes)."""
        return self.speeches[-LIVE_SPEECHES:]

    @property
    def earlier_speeches(self) -> list[Speech]:
        """The speeches before those: on the chair's console only, for the secretary's notes."""
        return self.speeches[:-LIVE_SPEECHES]


def live_state(meeting_id: int) -> LiveState | None:
    """Everything the shared screens show, read fresh (the frame renderer and the fragment endpoint use it)."""
    meeting = Meeting.objects.select_related("unit", "chair", "secretary", "current_item").filter(pk=meeting_id).first()
    if meeting is None:
        return None
    now = timezone.now()
    items = list(meeting.items.all())
    item = meeting.current_item
    speeches: list[Speech] = []
    queue = None
    motions: list[Motion] = []
    reply_due: list[Member] = []
    current_speech = (
        Speech.objects.select_related("member").filter(meeting=meeting, ended_at__isnull=True).first()
        if meeting.is_open
        else None
    )
    if item is not None:
        speeches = list(Speech.objects.filter(item=item).select_related("member").order_by("started_at", "id"))
        if meeting.is_open:
            queue = speaker_queue(meeting, item, history=speeches, now=now)
            if queue.order.reply_due_for:
                due = {m.pk: m for m in Member.objects.filter(pk__in=queue.order.reply_due_for)}
                reply_due = [due[pk] for pk in queue.order.reply_due_for if pk in due]
        motions = list(item.motions.select_related("moved_by"))
    overrides = list(
        Override.objects.filter(meeting=meeting)
        .select_related("actor", "member", "item")
        .order_by("-created_at", "-id")[:8]
    )
    attendance_count = Attendance.objects.filter(meeting=meeting).count()
    item_number = next((i for i, it in enumerate(items, start=1) if item is not None and it.pk == item.pk), 0)
    return LiveState(
        meeting=meeting,
        items=items,
        item=item,
        item_number=item_number,
        current_speech=current_speech,
        queue=queue,
        speeches=speeches,
        reply_due=reply_due,
        overrides=overrides,
        attendance_count=attendance_count,
        motions=motions,
        server_now=now,
    )


# --- one member's own panel ---------------------------------------------------------------------------------
@dataclass
class MyPanel:
    meeting: Meeting
    member: Member
    attendance: Attendance | None
    request: SpeakingRequest | None
    position: int | None
    is_reply_due: bool
    unsummarized: list[Speech]
    speaking_id: int | None = None

    @property
    def key(self) -> str:
        """What the panel depends on, in the form live.js derives from the shared fragments to know when to
        re-fetch it: status | my waiting request | my running speech | due a reply."""
        request_id = self.request.pk if self.request else ""
        return f"{self.meeting.status}|{request_id}|{self.speaking_id or ''}|{int(self.is_reply_due)}"


def my_panel(meeting: Meeting, member: Member) -> MyPanel:
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    request = None
    position = None
    is_reply_due = False
    item = meeting.current_item
    if item is not None and meeting.is_open:
        request = SpeakingRequest.objects.filter(
            item=item, member=member, status=SpeakingRequest.Status.WAITING
        ).first()
        queue = speaker_queue(meeting, item)
        position = queue.position_of(member.pk) if request else None
        is_reply_due = member.pk in queue.order.reply_due_for
    # The member's own last speeches: those without a summary ask for one, those with one show it, editable
    # until the minutes are approved.
    unsummarized = list(
        Speech.objects.filter(meeting=meeting, member=member, ended_at__isnull=False)
        .select_related("item")
        .order_by("-started_at")[:3]
    )
    speaking_id = (
        Speech.objects.filter(meeting=meeting, member=member, ended_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
        if meeting.is_open
        else None
    )
    return MyPanel(meeting, member, attendance, request, position, is_reply_due, unsummarized, speaking_id)


def running_speech(meeting: Meeting) -> Speech | None:
    return (
        Speech.objects.select_related("meeting__unit", "item", "member")
        .filter(meeting=meeting, ended_at__isnull=True)
        .first()
    )


def minutes_awaiting_approval(meeting: Meeting) -> list[Meeting]:
    """Closed, unapproved earlier meetings of the same unit: what this meeting may approve."""
    return list(
        Meeting.objects.filter(
            unit=meeting.unit,
            status=Meeting.Status.CLOSED,
            minutes_approved_at__isnull=True,
            starts_at__lt=meeting.starts_at,
        ).order_by("starts_at")
    )


# --- minutes ------------------------------------------------------------------------------------------------
@dataclass
class ItemMinutes:
    item: AgendaItem
    speeches: list[Speech]
    motions: list[Motion]
    overrides: list[Override]
    dissents: list[Dissent]


@dataclass
class Minutes:
    meeting: Meeting
    attendance: list[Attendance]
    items: list[ItemMinutes]
    general_overrides: list[Override]
    general_dissents: list[Dissent]
    edits: list[MinutesEdit]
    approved_here: list[Meeting]
    inquorate_periods: list[InquoratePeriod] = field(default_factory=list)

    @property
    def speech_count(self) -> int:
        return sum(len(i.speeches) for i in self.items)


def minutes_of(meeting: Meeting) -> Minutes:
    """The minutes, produced from the meeting's own records (a fixed number of queries)."""
    items = list(meeting.items.all())
    speeches = list(Speech.objects.filter(meeting=meeting).select_related("member", "note_by").order_by("started_at"))
    motions = list(Motion.objects.filter(meeting=meeting).select_related("moved_by").order_by("created_at", "id"))
    overrides = list(
        Override.objects.filter(meeting=meeting).select_related("actor", "member").order_by("created_at", "id")
    )
    dissents = list(
        Dissent.objects.filter(meeting=meeting).select_related("author", "motion").order_by("created_at", "id")
    )
    by_item: dict[int, ItemMinutes] = {it.pk: ItemMinutes(it, [], [], [], []) for it in items}
    for speech in speeches:
        by_item[speech.item_id].speeches.append(speech)
    for motion in motions:
        by_item[motion.item_id].motions.append(motion)
    general_overrides = []
    for override in overrides:
        if override.item_id in by_item:
            by_item[override.item_id].overrides.append(override)
        else:
            general_overrides.append(override)
    general_dissents = []
    for dissent in dissents:
        item_id = dissent.motion.item_id if dissent.motion else dissent.item_id
        if item_id in by_item:
            by_item[item_id].dissents.append(dissent)
        else:
            general_dissents.append(dissent)
    return Minutes(
        meeting=meeting,
        attendance=list(
            Attendance.objects.filter(meeting=meeting).select_related("member").order_by("member__full_name")
        ),
        items=[by_item[it.pk] for it in items],
        general_overrides=general_overrides,
        general_dissents=general_dissents,
        edits=list(MinutesEdit.objects.filter(meeting=meeting).select_related("editor", "item")),
        approved_here=list(Meeting.objects.filter(minutes_approved_in=meeting).order_by("starts_at")),
        inquorate_periods=list(InquoratePeriod.objects.filter(meeting=meeting).order_by("started_at", "id")),
    )


# --- for notifications (meetings/notices.py) -------------------------------------------------------------------
def meeting_by_id(meeting_id: int) -> Meeting | None:
    return Meeting.objects.select_related("unit").filter(pk=meeting_id).first()


def attendee_ids(meeting_id: int) -> list[int]:
    return list(Attendance.objects.filter(meeting_id=meeting_id).values_list("member_id", flat=True))


def unit_participant_ids(meeting_id: int) -> list[int]:
    meeting = meeting_by_id(meeting_id)
    return [] if meeting is None else list(active_members(meeting.unit).order_by().values_list("pk", flat=True))


def speech_by_id(speech_id: int) -> Speech | None:
    return Speech.objects.select_related("meeting", "item", "member", "request").filter(pk=speech_id).first()


# --- what needs a member (meetings/needs.py) ----------------------------------------------------------------
def meetings_for_member(member: Member, units: Sequence[Unit], now: dt.datetime) -> list[tuple[Meeting, bool]]:
    """Each unit's live meetings and its next scheduled one, with whether the member is checked in (2 queries)."""
    rows = list(
        Meeting.objects.filter(unit__in=units)
        .filter(Q(status=Meeting.Status.OPEN) | Q(status=Meeting.Status.SCHEDULED, starts_at__gte=now - _LATE))
        .select_related("unit")
        .order_by("starts_at", "id")[:100]
    )
    chosen: list[Meeting] = []
    next_seen: set[int] = set()
    for meeting in rows:
        if meeting.status == Meeting.Status.OPEN:
            chosen.append(meeting)
        elif meeting.unit_id not in next_seen:
            next_seen.add(meeting.unit_id)
            chosen.append(meeting)
    here = set(Attendance.objects.filter(meeting__in=chosen, member_id=member.pk).values_list("meeting_id", flat=True))
    return [(meeting, meeting.pk in here) for meeting in chosen]


_LATE = dt.timedelta(hours=6)  # a scheduled meeting the chair has not opened yet stays "next" for a while


def minutes_to_approve(units: Sequence[Unit]) -> list[Meeting]:
    """Closed meetings of `units` whose minutes are not approved yet: members read them before the vote."""
    return list(
        Meeting.objects.filter(unit__in=units, status=Meeting.Status.CLOSED, minutes_approved_at__isnull=True)
        .select_related("unit")
        .order_by("-starts_at", "-id")[:20]
    )
