"""Insights pages. Each view names its rule; figures come precomputed (`Snapshot`), suppressed below five."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rankandfile import csv_safe
from rankandfile.insights import access, pages, selectors, services
from rankandfile.insights.figures import unit_figures
from rankandfile.insights.forms import ClimateSurveyForm, ExitSurveyForm
from rankandfile.org import selectors as org_selectors
from rankandfile.web import add_service_errors


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Rule: members in good standing. Every unit side by side (per-unit comparison)."""
    access.require_member(request.user)
    units = org_selectors.unit_tree()
    figures = selectors.comparison(units)
    rows = [{"unit": unit, "f": pages.comparison_row(figures.get(unit.pk))} for unit in units]
    return render(request, "insights/index.html", {"rows": rows})


@login_required
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing (the same figures officers see), any unit."""
    unit = access.access_insights(request.user, unit_id)
    figures = unit_figures(unit)
    context = {"unit": unit, "figures": figures, **pages.page(figures)}
    return render(request, "insights/unit.html", context)


@login_required
def unit_csv(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing. The page's figures as CSV; suppressed cells read "fewer than 5"."""
    unit = access.access_insights(request.user, unit_id)
    buffer = io.StringIO()
    csv_safe.writer(buffer).writerows(pages.csv_rows(unit_figures(unit)))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insights-{unit.pk}.csv"'
    return response


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    """Rule: members in good standing. How every figure is defined."""
    access.require_member(request.user)
    return render(request, "insights/definitions.html")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Rule: the member themself; nobody else sees a member's own figures."""
    member = access.require_member(request.user)
    return render(request, "insights/mine.html", {"mine": selectors.my_figures(member)})


@login_required
def survey_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_ballots` in the unit. Opens the standard climate questions as anonymous survey ballots."""
    unit = access.access_survey_unit(request.user, unit_id)
    form = ClimateSurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.climate_survey_open(
                actor=request.user,  # type: ignore[arg-type]
                unit=unit,
                closes_at=form.cleaned_data["closes_at"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The climate survey is open; members answer it on the ballots page."))
            return redirect("insights:unit", unit.pk)
    return render(request, "insights/survey_new.html", {"unit": unit, "form": form})


def exit_survey(request: HttpRequest, token: str) -> HttpResponse:
    """Rule: whoever holds the link sent when their membership ended; answered once, anonymously."""
    invitation = access.access_exit_invitation(token)
    form = ExitSurveyForm(request.POST or None)
    if request.method == "POST" and not invitation.is_answered and form.is_valid():
        try:
            services.exit_survey_answer(
                raw_token=token,
                reason=form.cleaned_data["reason"],
                free_to_disagree=form.cleaned_data["free_to_disagree"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "insights/exit_thanks.html", status=200)
    context = {"form": form, "unit": invitation.membership.unit, "is_answered": invitation.is_answered}
    return render(request, "insights/exit_survey.html", context)
