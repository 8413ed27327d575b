"""Every write of insights: refreshing the precomputed figures, opening a climate survey, the exit survey.

A refresh is skipped when the unit's source rows have not changed since the last one (`Snapshot.mark`), so the
scheduled job (tasks.py) recomputes only the units where something happened: the figures follow the meetings,
memberships, roles, proposals and surveys within minutes, and pages read one precomputed row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile import mail
from rankandfile.audit.services import record
from rankandfile.ballots import services as ballots
from rankandfile.ballots.domain import kinds
from rankandfile.insights import selectors
from rankandfile.insights.domain.surveys import LIKERT
from rankandfile.insights.figures import member_figures, quarter
from rankandfile.insights.models import ClimateSurvey, ExitInvitation, ExitResponse, Snapshot, SurveyQuestion
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member, Membership, Unit

QUESTIONS = {
    "free_to_disagree": "I feel free to disagree in meetings.",
    "answered_on_merits": "When I disagree, I am answered on the merits, not attacked.",
    "roles_open": "Roles in this unit are open to anyone willing to stand.",
}
LIKERT_LABELS = ("1 Strongly disagree", "2 Disagree", "3 Neither agree nor disagree", "4 Agree", "5 Strongly agree")
EXIT_OFFER_DAYS = 90


def snapshot_refresh(*, unit: Unit, force: bool = False) -> Snapshot:
    """Recompute `unit`'s figures when its sources changed (or `force`); one row per unit."""
    mark = selectors.source_mark(unit)
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().filter(unit=unit).first()
        if snapshot is not None and snapshot.mark == mark and not force:
            return snapshot
        figures = member_figures(unit, as_of=timezone.localdate())
        if snapshot is None:
            snapshot = Snapshot(unit=unit)
        snapshot.figures, snapshot.mark, snapshot.computed_at = figures, mark, timezone.now()
        snapshot.full_clean(exclude=["unit"])
        if snapshot.pk is None:
            snapshot.save()
        else:
            snapshot.save(update_fields=["figures", "mark", "computed_at"])
    return snapshot


def snapshots_refresh_stale() -> int:
    """The scheduled refresh: every unit whose sources changed. Returns how many were recomputed."""
    refreshed = 0
    for unit in Unit.objects.filter(dissolved_on__isnull=True):
        before = Snapshot.objects.filter(unit=unit).values_list("mark", flat=True).first()
        if before != snapshot_refresh(unit=unit).mark or before is None:
            refreshed += 1
    return refreshed


def climate_survey_open(*, actor: Member, unit: Unit, closes_at: dt.datetime, title: str = "") -> ClimateSurvey:
    """Rule: `manage_ballots` in the unit. One anonymous survey ballot per standard question, opened at once."""
    require_capability(actor, unit, MANAGE_BALLOTS)
    today = timezone.localdate()
    title = title.strip() or _("Climate survey, %(day)s") % {"day": today.isoformat()}
    with transaction.atomic():
        survey = ClimateSurvey(unit=unit, title=title, opened_on=today, created_by=actor)
        survey.full_clean(exclude=["unit", "created_by"])
        survey.save()
        for key, text in QUESTIONS.items():
            ballot = ballots.ballot_create(
                actor=actor,
                unit=unit,
                title=text,
                description=_("Anonymous: only the totals are shown, and only from five answers."),
                kind=kinds.Kind.SURVEY,
                method=kinds.Method.PLURALITY,
                cutoff_on=today,
                options=ballots.options_for(
                    kind=kinds.Kind.SURVEY, proposal=None, alternatives=[], labels=LIKERT_LABELS
                ),
            )
            ballots.ballot_open(actor=actor, ballot=ballot, closes_at=closes_at)
            SurveyQuestion.objects.create(survey=survey, key=key, ballot=ballot)
        record("insights.survey_open", actor=actor, obj=survey, payload={"unit": unit.path, "title": title})
    return survey


def likert_label(score: int) -> str:
    return LIKERT_LABELS[LIKERT.index(score)]


def _token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(24)
    return raw, hashlib.sha256(raw.encode()).hexdigest()


def exit_survey_offer(*, membership: Membership, send: bool = True) -> tuple[ExitInvitation, str]:
    """Offer the exit survey to a member whose membership lapsed or ended (once per membership)."""
    if membership.status == Membership.Status.ACTIVE:
        raise ValidationError(_("The exit survey is offered only when a membership lapses or ends."))
    raw, hashed = _token()
    with transaction.atomic():
        invitation = ExitInvitation(membership=membership, token_hash=hashed)
        invitation.full_clean(exclude=["membership"])
        invitation.save()
    if send and membership.member.email and not mail.is_muted():
        link = settings.SITE_URL.rstrip("/") + reverse("insights:exit_survey", args=[raw])
        transaction.on_commit(
            lambda: send_mail(
                _("Why did you leave? An anonymous question from %(unit)s") % {"unit": membership.unit.name},
                _(
                    "Your membership of %(unit)s has ended. If you can spare a minute, tell us why: the answer is "
                    "anonymous, counted only with four or more others, and helps the organization see what it "
                    "loses.\n\n%(link)s\n"
                )
                % {"unit": membership.unit.name, "link": link},
                None,
                [membership.member.email],
                fail_silently=True,
            )
        )
    return invitation, raw


def exit_surveys_offer_due() -> int:
    """The scheduled offer: memberships that ended in the last 90 days and were not offered the survey yet."""
    since = timezone.localdate() - dt.timedelta(days=EXIT_OFFER_DAYS)
    due = Membership.objects.filter(
        status__in=[Membership.Status.LAPSED, Membership.Status.LEFT],
        status_changed_on__gte=since,
        exit_invitation__isnull=True,
    ).select_related("member", "unit")
    count = 0
    for membership in due:
        exit_survey_offer(membership=membership)
        count += 1
    return count


def exit_survey_answer(*, raw_token: str, reason: str, free_to_disagree: int | None) -> ExitResponse:
    """Record one exit survey's answers, unlinked from the invitation (which only learns it was answered)."""
    if reason not in ExitResponse.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if free_to_disagree is not None and free_to_disagree not in LIKERT:
        raise ValidationError({"free_to_disagree": _("Choose 1 to 5, or leave it empty.")})
    with transaction.atomic():
        hashed = hashlib.sha256(raw_token.encode()).hexdigest()
        invitation = (
            ExitInvitation.objects.select_for_update()
            .select_related("membership__unit")
            .filter(token_hash=hashed)
            .first()
        )
        if invitation is None:
            raise ValidationError(_("This link is not valid."))
        if invitation.is_answered:
            raise ValidationError(_("This survey has already been answered. Thank you."))
        invitation.is_answered = True
        invitation.save(update_fields=["is_answered"])
        response = ExitResponse(
            unit=invitation.membership.unit,
            quarter=quarter(invitation.membership.status_changed_on or timezone.localdate()),
            reason=reason,
            free_to_disagree=free_to_disagree,
        )
        response.full_clean(exclude=["unit"])
        response.save()
    return response
