"""Proposals, counter-proposals, amendments and co-signatures (DESIGN §5).

A counter-proposal is a Proposal that `answers` another one: it has the same text, revisions and co-signers, and
the same ballot must carry it once it has enough co-signers (enforced where ballots open, ballots/services/setup.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DecisionRules(models.Model):
    """How a unit decides: co-signers a counter-proposal needs, and the method of choice ballots.

    A unit without its own rules uses its nearest ancestor's, and the defaults below at the top.
    """

    class ChoiceMethod(models.TextChoices):
        IRV = "irv", _("instant-runoff (IRV)")
        SCHULZE = "schulze", _("Schulze (Condorcet)")

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="decision_rules")
    counter_cosigners = models.PositiveSmallIntegerField(
        _("co-signers a counter-proposal needs"),
        default=5,
        help_text=_("With this many co-signers a counter-proposal must be on the same ballot as the proposal."),
    )
    counter_cosigner_percent = models.PositiveSmallIntegerField(
        _("or a share of members (%)"),
        null=True,
        blank=True,
        help_text=_("When set, the share of the unit's members in good standing replaces the fixed number."),
    )
    choice_method = models.CharField(
        _("method for choices between alternatives"), max_length=10, choices=ChoiceMethod.choices, default="irv"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "decision rules"
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(counter_cosigner_percent__isnull=True) | Q(counter_cosigner_percent__lte=100),
                name="decisionrules_percent_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return f"Decision rules of {self.unit}"


class Proposal(models.Model):
    class Status(models.TextChoices):
        # The same values as domain.lifecycle.Status, which holds the rules; these are the labels.
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ON_AGENDA = "on_agenda", _("on agenda")
        ON_BALLOT = "on_ballot", _("on ballot")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="proposals")
    answers = models.ForeignKey(
        "self",
        verbose_name=_("counter-proposal to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counter_proposals",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("Markdown: *emphasis*, lists, links, headings."))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="draft")
    revision = models.PositiveIntegerField(default=1)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("on the agenda as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    # Bumped by every change that a live page shows (co-signatures, status): the frame's version number.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["unit", "status"], name="proposal_unit_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.pk])

    @property
    def is_counter(self) -> bool:
        return self.answers_id is not None


class Revision(models.Model):
    """Every text a proposal has had, kept for ever; the page shows the diff between any two."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["proposal", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["proposal", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} r{self.number}"


class CoSignature(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosignatures")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cosignatures")
    revision = models.PositiveIntegerField(help_text="The revision the member signed.")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["signed_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["proposal", "member"], name="cosignature_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} signs {self.proposal}"


class Amendment(models.Model):
    """A proposed change to a proposal's text: the whole new text, against the revision it was written for."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted as friendly")
        ON_BALLOT = "on_ballot", _("on ballot")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments")
    base_revision = models.PositiveIntegerField()
    text = models.TextField(_("amended text"))
    rationale = models.TextField(_("why"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    applied_revision = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Amendment {self.pk} to {self.proposal}"

    def get_absolute_url(self) -> str:
        return reverse("proposals:amendment", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.ON_BALLOT)
