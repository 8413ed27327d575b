"""Recall petitions against a role's holder, their frozen roll and signatures, and the organization's rules
(docs/recall.md). The rules themselves are in domain/rules.py; the ballot is an ordinary secret ballot."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rankandfile.recall.domain import rules


class RecallRules(models.Model):
    """The organization's recall rules, set on its top unit; a petition copies them when it starts."""

    class Threshold(models.TextChoices):
        MAJORITY = "majority", _("a majority of votes cast")
        TWO_THIRDS = "two-thirds", _("two thirds of votes cast")

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="recall_rules")
    signature_percent = models.PositiveSmallIntegerField(
        _("signatures needed (% of the unit's members)"), default=rules.DEFAULT_PERCENT
    )
    signature_minimum = models.PositiveSmallIntegerField(_("at least"), default=rules.DEFAULT_MINIMUM)
    lapse_days = models.PositiveSmallIntegerField(_("a petition lapses after (days)"), default=rules.DEFAULT_LAPSE_DAYS)
    cooldown_months = models.PositiveSmallIntegerField(
        _("after a failed recall, no new petition against the officer for (months)"),
        default=rules.DEFAULT_COOLDOWN_MONTHS,
    )
    ballot_days = models.PositiveSmallIntegerField(
        _("the recall ballot is open for (days)"), default=rules.DEFAULT_BALLOT_DAYS
    )
    threshold = models.CharField(
        _("the recall carries with"), max_length=10, choices=Threshold.choices, default=Threshold.MAJORITY
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of the roll who must vote; 0 for none)"), default=rules.DEFAULT_QUORUM_PERCENT
    )
    nomination_days = models.PositiveSmallIntegerField(
        _("nominations for the remainder stay open for (days)"), default=rules.DEFAULT_NOMINATION_DAYS
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "recall rules"

    def __str__(self) -> str:
        return f"Recall rules of {self.unit}"


class Petition(models.Model):
    """A recall petition against one term of a role. Its numbers (roll, signatures needed, the ballot's rule,
    quorum and period) are frozen when it starts: a later change of rules or memberships does not move them."""

    class Status(models.TextChoices):
        OPEN = rules.Status.OPEN.value, _("collecting signatures")
        BALLOT = rules.Status.BALLOT.value, _("recall ballot open")
        CARRIED = rules.Status.CARRIED.value, _("recalled")
        FAILED = rules.Status.FAILED.value, _("recall failed")
        LAPSED = rules.Status.LAPSED.value, _("lapsed")
        ENDED = rules.Status.ENDED.value, _("the term ended first")

    term = models.ForeignKey("org.RoleTerm", on_delete=models.PROTECT, related_name="recall_petitions")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="recall_petitions")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("statement of reasons"), help_text=_("Markdown: *emphasis*, lists, links."))
    response = models.TextField(_("the officer's response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField()
    lapse_days = models.PositiveSmallIntegerField()
    lapses_at = models.DateTimeField()
    # When signing ended (threshold reached, lapsed, term ended): who signed is public from then on.
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)  # when the recall ballot's result was applied
    # Frozen at the start.
    roll_size = models.PositiveIntegerField()
    signatures_required = models.PositiveIntegerField()
    threshold = models.CharField(max_length=10)
    quorum = models.PositiveIntegerField(null=True, blank=True)
    ballot_days = models.PositiveSmallIntegerField()
    nomination_days = models.PositiveSmallIntegerField()
    ballot = models.OneToOneField(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="recall"
    )
    result = models.CharField(max_length=300, blank=True)
    election_id_ref = models.BigIntegerField(null=True, blank=True)  # the election for the remainder, if any
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            # One petition at a time per term (docs/recall.md, safeguards).
            models.UniqueConstraint(
                fields=["term"], condition=Q(status__in=["open", "ballot"]), name="petition_one_active_per_term"
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["status", "lapses_at"], name="petition_status_lapse")]

    def __str__(self) -> str:
        return f"Recall petition {self.pk} against {self.term}"

    def get_absolute_url(self) -> str:
        return reverse("recall:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def signatures_are_public(self) -> bool:
        """Who signed is public once the petition closes (the threshold reached, or lapsed), never before."""
        return self.status != self.Status.OPEN


class RollEntry(models.Model):
    """The unit's members in good standing when the petition started: who may sign, and the ballot's roll."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["petition", "member"], name="recallroll_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} on the roll of {self.petition}"


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recall_signatures")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["signed_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["petition", "member"], name="recallsignature_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} signs {self.petition}"
