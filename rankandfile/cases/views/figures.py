"""The aggregate figures about cases, for every member (officers included): counts by category and state,
median days to acknowledge and to decide, overdue cases; any cell over fewer than 5 cases reads "fewer than 5"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rankandfile.cases import access, selectors


@login_required
def figures(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: any member in good standing, for any unit (its subtree)."""
    unit = access.access_figures_unit(request.user, unit_id)
    return render(request, "cases/figures.html", {"unit": unit, "figures": selectors.figures_for(unit)})
