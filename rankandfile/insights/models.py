"""Insights: precomputed figures per unit, climate surveys (made of the ballots app's anonymous survey ballots)
and the exit survey (DESIGN §8).

Secrecy of the exit survey follows the ballots' (docs/security.md, "Ballot secrecy"): `ExitInvitation` says who
was offered the survey and whether they answered; `ExitResponse` says what was answered, with no link to the
invitation or the member, no time finer than the quarter, and a random key, so nobody can join the two.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """A unit's member-facing figures (suppressed), refreshed when what they are computed from has changed."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="insights_snapshot")
    figures = models.JSONField(default=dict)
    # A fingerprint of the unit's source rows (counts and latest ids); a refresh is skipped when it is unchanged.
    mark = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"insights of {self.unit}"


class ClimateSurvey(models.Model):
    """A round of the standard climate questions in a unit: one anonymous survey ballot per question."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="climate_surveys")
    title = models.CharField(_("title"), max_length=200)
    opened_on = models.DateField()
    created_by = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(ClimateSurvey, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=40)
    ballot = models.OneToOneField("ballots.Ballot", on_delete=models.PROTECT, related_name="climate_question")

    class Meta:
        ordering: ClassVar[list[str]] = ["survey", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["survey", "key"], name="surveyquestion_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key


class ExitInvitation(models.Model):
    """That a member whose membership ended was offered the exit survey, and whether they answered."""

    membership = models.OneToOneField("org.Membership", on_delete=models.CASCADE, related_name="exit_invitation")
    token_hash = models.CharField(max_length=64, unique=True)
    is_answered = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"exit survey for {self.membership_id}"


class ExitResponse(models.Model):
    """One exit survey's answers: the unit and the quarter, never who or when."""

    class Reason(models.TextChoices):
        NOT_HEARD = "not_heard", _("My views were not heard, or were answered with hostility")
        SILENCED = "silenced", _("Disagreeing in meetings felt unsafe")
        ROLES = "roles", _("Roles went to the same people")
        NO_TIME = "no_time", _("I no longer have the time")
        MOVED = "moved", _("I moved away or changed job")
        OTHER = "other", _("Another reason")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    quarter = models.CharField(max_length=7)  # 2026-Q1
    reason = models.CharField(_("main reason for leaving"), max_length=12, choices=Reason.choices)
    free_to_disagree = models.PositiveSmallIntegerField(
        _("I felt free to disagree in meetings (1 strongly disagree – 5 strongly agree)"), null=True, blank=True
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(free_to_disagree__isnull=True)
                | models.Q(free_to_disagree__gte=1, free_to_disagree__lte=5),
                name="exitresponse_likert_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"exit response {self.id}"
