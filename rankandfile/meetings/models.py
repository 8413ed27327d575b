"""Meetings, their agenda, attendance, speaking list, speeches, overrides, motions and minutes (DESIGN §4).

Fields, constraints and trivial properties only: every write goes through `services.py`, and the order of the
speaking list is decided by `domain/speaking_order.py` alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rankandfile.meetings.domain.speaking_order import Stance
from rankandfile.org.models import Member, Unit


class StanceChoice(models.TextChoices):
    FOR = Stance.FOR.value, _("for")
    AGAINST = Stance.AGAINST.value, _("against")
    NEUTRAL = Stance.NEUTRAL.value, _("neutral")
    QUESTION = Stance.QUESTION.value, _("question")
    POINT_OF_ORDER = Stance.POINT_OF_ORDER.value, _("point of order")
    REPLY = Stance.REPLY.value, _("reply")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("general meeting")
        COMMITTEE = "committee", _("committee meeting")
        CONVENTION = "convention", _("convention")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    mode = models.CharField(_("held"), max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    chair = models.ForeignKey(
        Member, verbose_name=_("chair"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretary = models.ForeignKey(
        Member, verbose_name=_("secretary"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quorum = models.PositiveIntegerField(_("quorum"), default=0, help_text=_("Members checked in for quorum."))
    # The preset is copied at creation: changing a preset later never changes how a past meeting was run.
    rules_preset = models.CharField(_("rules preset"), max_length=40)
    rules = models.JSONField(_("rules"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    current_item = models.ForeignKey("AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checkin_code = models.CharField(max_length=40, unique=True, editable=False)
    # Bumped by every write that changes what a screen shows; frames and fragments carry it.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Minutes: the secretary's narrative, and approval by a later meeting (after which they are locked).
    minutes_narrative = models.TextField(_("narrative"), blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_in = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="approved_minutes"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-starts_at", "-id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["unit", "starts_at"], name="meeting_unit_starts")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def are_minutes_approved(self) -> bool:
        return self.minutes_approved_at is not None


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    minutes_allotted = models.PositiveIntegerField(_("minutes allotted"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class How(models.TextChoices):
        BUTTON = "button", _("check-in button")
        QR = "qr", _("QR code")
        CHAIR = "chair", _("by the chair")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    checked_in_at = models.DateTimeField()
    how = models.CharField(max_length=10, choices=How.choices)
    checked_in_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["checked_in_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.meeting}"


class SpeakingRequest(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("called")
        WITHDRAWN = "withdrawn", _("withdrawn")
        REMOVED = "removed", _("removed by the chair")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="requests")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="requests")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("stance"), max_length=20, choices=StanceChoice.choices)
    requested_at = models.DateTimeField()
    # Whether the member held a role in the unit (or above) when asking: the pile-on cap looks at it.
    is_role_holder = models.BooleanField(default=False)
    reply_to = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    added_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A chair's override: the place in the queue this request was moved or inserted to (1 = next).
    pinned_position = models.PositiveIntegerField(null=True, blank=True)
    pin_reason = models.CharField(max_length=500, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["requested_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["item", "member"],
                condition=Q(status="waiting"),
                name="one_waiting_request_per_member_per_item",
            ),
            models.CheckConstraint(
                condition=Q(pinned_position__isnull=True) | ~Q(pin_reason=""),
                name="speakingrequest_pin_needs_reason",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["item", "status"], name="request_item_status")]

    def __str__(self) -> str:
        return f"{self.member} ({self.stance}) on {self.item}"


class Speech(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="speeches")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(
        SpeakingRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="speech"
    )
    stance = models.CharField(_("stance"), max_length=20, choices=StanceChoice.choices)
    is_role_holder = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    seconds_allowed = models.PositiveIntegerField(null=True, blank=True)  # None: no limit
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    summary = models.CharField(_("your one-line summary"), max_length=280, blank=True)
    note = models.TextField(_("secretary's note"), blank=True)
    note_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["started_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(ended_at__isnull=True), name="one_speech_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.item}"

    def duration_seconds(self, now: dt.datetime | None = None) -> int:
        """Speaking time so far (or in all, once ended), pauses excluded."""
        end = self.ended_at or self.paused_at or now
        if end is None:
            return 0
        return max(int((end - self.started_at).total_seconds()) - self.paused_seconds, 0)


class Override(models.Model):
    """A chair's departure from the computed order or time, or past a guard: always with a reason, shown to all
    and minuted.

    The guards (services/guards.py) are: opening more than an hour early, a count larger than the members checked
    in, and acting while inquorate (taking a vote, approving minutes).
    """

    class Action(models.TextChoices):
        MOVE = "move", _("moved a request")
        INSERT = "insert", _("inserted a speaker")
        REMOVE = "remove", _("removed a request")
        EXTEND = "extend", _("extended speaking time")
        OPEN_EARLY = "open_early", _("opened the meeting early")
        OVER_COUNT = "over_count", _("recorded more votes than members checked in")
        INQUORATE = "inquorate", _("acted while the meeting was not quorate")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="overrides")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="overrides")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(SpeakingRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    speech = models.ForeignKey(Speech, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=~Q(reason=""), name="override_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.reason})"


class InquoratePeriod(models.Model):
    """A stretch of an open meeting with fewer members checked in than its quorum (`ended_at` empty while it
    lasts). Kept as it happens (opening, check-ins, a changed quorum, closing), so the minutes show it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="inquorate_periods")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    checked_in = models.PositiveIntegerField()  # the count when it began
    quorum = models.PositiveIntegerField()  # the quorum when it began

    class Meta:
        ordering: ClassVar[list[str]] = ["started_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(ended_at__isnull=True), name="one_open_inquorate_period"
            ),
        ]

    def __str__(self) -> str:
        return f"inquorate from {self.started_at} at {self.meeting}"


class Motion(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", _("not yet voted")
        CARRIED = "carried", _("carried")
        DEFEATED = "defeated", _("defeated")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="motions")
    text = models.TextField(_("text of the motion"))
    moved_by = models.ForeignKey(
        Member, verbose_name=_("moved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The proposal this motion puts to the meeting; becomes a foreign key when the proposals app lands.
    proposal_ref = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.PENDING)
    counted_at = models.DateTimeField(null=True, blank=True)
    counted_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Dissent(models.Model):
    """A member's dissent or minority report, attached to the minutes in the member's own words."""

    class Kind(models.TextChoices):
        DISSENT = "dissent", _("dissent")
        MINORITY_REPORT = "minority_report", _("minority report")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="dissents")
    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    motion = models.ForeignKey(
        Motion, verbose_name=_("motion"), null=True, blank=True, on_delete=models.CASCADE, related_name="dissents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DISSENT)
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"


class MinutesEdit(models.Model):
    """One edit of a narrative part of the minutes: kept so that every change can be seen."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_edits")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    editor = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    edited_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["edited_at", "id"]

    def __str__(self) -> str:
        return f"minutes edit by {self.editor} at {self.edited_at}"
