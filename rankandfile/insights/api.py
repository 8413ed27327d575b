"""Insights over the API: the same suppressed figures as the pages and the CSV (docs/insights.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from rankandfile.api_errors import ERRORS
from rankandfile.insights import access, selectors
from rankandfile.insights.figures import unit_figures

router = Router(tags=["insights"])


class InsightsOut(Schema):
    """Every figure of the unit's insights page. A suppressed cell is `{"value": null, "n": null,
    "suppressed": true}`: fewer than 5 members, or a figure that would let one work out such a cell."""

    unit: str
    as_of: str
    k: int
    floor: list[dict[str, Any]]
    pile_ons: list[dict[str, Any]]
    overrides: dict[str, Any]
    adoption: dict[str, Any]
    roles: dict[str, Any]
    retention: dict[str, Any]
    climate: list[dict[str, Any]]
    exit: dict[str, Any]
    # Added later: a snapshot computed before them lacks them until its next refresh.
    floor_meetings: list[dict[str, Any]] = []
    minority: list[dict[str, Any]] = []
    elections: list[dict[str, Any]] = []
    acts: list[dict[str, Any]] = []


class MyFiguresOut(Schema):
    turns: int
    seconds: int
    meetings_spoken_in: int
    dissents_in_minutes: int
    counter_proposals_signed: int


@router.get("/units/{unit_id}/insights", response={200: InsightsOut, **ERRORS})
def unit_insights(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """A unit's culture insights (members in good standing; the same figures officers see)."""
    return unit_figures(access.access_insights(request.user, unit_id))


@router.get("/insights/me", response={200: MyFiguresOut, **ERRORS})
def my_insights(request: HttpRequest) -> dict[str, Any]:
    """Your own floor figures (only yours)."""
    return selectors.my_figures(access.require_member(request.user))
