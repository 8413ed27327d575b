"""Ballots, the eligible roll, participation and the ballot box; elections for roles (DESIGN §5).

Secrecy lives in this file. `Participation` says *who* voted, `CastBallot` says *what* was voted; nothing joins
them: no foreign key between them, no time of day on either, no sequential id on either (both keys are random
UUIDs), and the box is rewritten in a shuffled order when the ballot closes (services.ballot_close), which also
drops what the database itself keeps about insertion order (PostgreSQL's row position and inserting transaction,
SQLite's rowid). docs/security.md, "Ballot secrecy", has the threat model.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rankandfile.ballots.domain import kinds


class Ballot(models.Model):
    class Kind(models.TextChoices):
        QUESTION = kinds.Kind.QUESTION.value, _("question (yes / no / abstain)")
        CHOICE = kinds.Kind.CHOICE.value, _("choice between alternatives")
        ELECTION = kinds.Kind.ELECTION.value, _("election")
        SURVEY = kinds.Kind.SURVEY.value, _("survey question (anonymous, aggregate only)")

    class Method(models.TextChoices):
        YES_NO = kinds.Method.YES_NO.value, _("yes / no / abstain")
        IRV = kinds.Method.IRV.value, _("instant-runoff (IRV), one seat")
        SCHULZE = kinds.Method.SCHULZE.value, _("Schulze (Condorcet)")
        STV_SCOTTISH = kinds.Method.STV_SCOTTISH.value, _("single transferable vote, Scottish rules")
        STV_MEEK = kinds.Method.STV_MEEK.value, _("single transferable vote, Meek's method")
        APPROVAL = kinds.Method.APPROVAL.value, _("approval voting")
        PLURALITY = kinds.Method.PLURALITY.value, _("one choice (survey)")

    class Threshold(models.TextChoices):
        MAJORITY = "majority", _("majority of votes cast")
        TWO_THIRDS = "two-thirds", _("two thirds of votes cast")
        ABSOLUTE = "absolute", _("absolute majority of eligible members")

    class Mode(models.TextChoices):
        REMOTE = "remote", _("remote (open for days)")
        IN_MEETING = "in_meeting", _("in a meeting (open for minutes)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="ballots")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("counting method"), max_length=14, choices=Method.choices)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    threshold = models.CharField(_("threshold"), max_length=10, choices=Threshold.choices, default="majority")
    quorum = models.PositiveIntegerField(
        _("quorum"), null=True, blank=True, help_text=_("Ballots needed for a decision; empty for none.")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default="remote")
    cutoff_on = models.DateField(
        _("eligibility cut-off"), help_text=_("Members who joined on or before this day and are in good standing.")
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default="draft")
    # None when a rule set the ballot up (a recall at its threshold): no officer did.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Opened by a rule, not by an officer (a recall petition at its threshold): no officer may close it early.
    opened_by_rule = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # What the ballot decides about, when it is about a proposal or an amendment.
    proposal = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    amendment = models.ForeignKey(
        "proposals.Amendment", null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    # Frozen when the ballot opens / closes.
    eligible_count = models.PositiveIntegerField(null=True, blank=True)
    cast_count = models.PositiveIntegerField(null=True, blank=True)
    seed = models.CharField(max_length=64, blank=True, help_text="The seed of any lot the counting rule draws.")
    decision = models.JSONField(null=True, blank=True)
    report_html = models.TextField(blank=True)
    report_json = models.TextField(blank=True)
    box_sha256 = models.CharField(max_length=64, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["unit", "status"], name="ballot_unit_status")]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="ballot_at_least_one_seat"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ballots:detail", args=[self.pk])

    @property
    def mark(self) -> kinds.Mark:
        return kinds.mark_for(self.method)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def key(self) -> str:
        """The ballot's name inside receipts: a receipt is valid for this ballot only."""
        return f"ballot-{self.pk}"


class BallotOption(models.Model):
    """One line of the ballot paper: a candidate, a proposal or counter-proposal, yes/no/abstain, "none of these"."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    proposal = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["ballot", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["ballot", "position"], name="option_unique_position"),
            # Labels are the candidate names of the exported box, which must be unique.
            models.UniqueConstraint(fields=["ballot", "label"], name="option_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label


class EligibleVoter(models.Model):
    """The roll, frozen when the ballot opens. Who is on it is no secret; who voted how is."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["ballot", "member"], name="roll_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} may vote in {self.ballot}"


class Participation(models.Model):
    """That a member voted in a ballot: nothing about how. Unique, so a member's second cast fails here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="participations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["ballot", "member"], name="participation_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} voted in {self.ballot}"


class CastBallot(models.Model):
    """One ballot in the box of an *open* ballot: its content and receipt, nothing about who cast it or when.

    Written in the cast's transaction, beside the Participation, so while the ballot is open the database keeps
    their common transaction id and order. The close moves the papers to `PublishedBallot` and empties this table
    with TRUNCATE, which leaves no older row version behind (docs/security.md, "Unlinking at close").
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="box")
    content = models.JSONField()
    receipt = models.CharField(max_length=64)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["ballot", "receipt"], name="castballot_unique_receipt"),
        ]

    def __str__(self) -> str:
        return f"ballot paper {self.id}"


class PublishedBallot(models.Model):
    """One ballot paper of a closed ballot's published box, written once by the close, in a random order, with a
    fresh random id; never updated nor deleted. Listed and exported in the order of that id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="published_box")
    content = models.JSONField()
    receipt = models.CharField(max_length=64)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["ballot", "receipt"], name="publishedballot_unique_receipt"),
        ]

    def __str__(self) -> str:
        return f"published ballot paper {self.id}"


class Election(models.Model):
    """Open nominations for the seats of a role, then a ballot, or acclamation when candidates ≤ seats."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("nominations open")
        BALLOT = "ballot", _("ballot")
        ACCLAIMED = "acclaimed", _("filled by acclamation")
        ELECTED = "elected", _("elected")
        NO_CANDIDATES = "none", _("no candidates")
        UNDECIDED = "undecided", _("no decision")

    role_type = models.ForeignKey("org.RoleType", on_delete=models.PROTECT, related_name="elections")
    seats = models.PositiveSmallIntegerField(_("seats to fill"), default=1)
    method = models.CharField(_("counting method"), max_length=14, choices=Ballot.Method.choices, default="irv")
    nominations_close_at = models.DateTimeField(_("nominations close at"))
    term_starts_on = models.DateField(_("terms start on"))
    # Set for an election for the remainder of a term (after a recall): the new term ends when the old one would.
    term_ends_on = models.DateField(_("terms end on"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOMINATING)
    ballot = models.OneToOneField(Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="election")
    # None when a rule opened the nominations (a carried recall).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Election: {self.role_type.name}, {self.role_type.unit}"

    def get_absolute_url(self) -> str:
        return reverse("ballots:election", args=[self.pk])


class Nomination(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("candidate's statement"), blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["election", "nominee"], name="nomination_unique_nominee"),
        ]

    def __str__(self) -> str:
        return f"{self.nominee} for {self.election}"

    @property
    def is_standing(self) -> bool:
        return self.accepted_at is not None and self.withdrawn_at is None
