"""The case figures through the API: aggregate only, as on the page (no route reaches a single case: case work
needs the passphrase in a browser, docs/cases.md)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from rankandfile.api_errors import ERRORS
from rankandfile.cases import access, selectors
from rankandfile.cases.domain.figures import Cell

router = Router(tags=["cases"])


class FiguresOut(Schema):
    unit: str
    total: int | None  # null: fewer than 5
    overdue: int | None
    by_category: dict[str, int | None]
    by_state: dict[str, int | None]
    median_days_to_acknowledge: float | None
    median_days_to_decide: float | None


def _n(cell: Cell) -> int | None:
    return None if cell.suppressed else cell.count


@router.get("/units/{unit_id}/case-figures", response={200: FiguresOut, **ERRORS})
def case_figures(request: HttpRequest, unit_id: int) -> dict[str, object]:
    """Cases of the unit's subtree by category and state, medians and overdue; null means "fewer than 5"
    (members in good standing)."""
    unit = access.access_figures_unit(request.user, unit_id)
    figures = selectors.figures_for(unit)
    return {
        "unit": unit.path,
        "total": _n(figures.total),
        "overdue": _n(figures.overdue),
        "by_category": {k: _n(v) for k, v in figures.by_category.items()},
        "by_state": {k: _n(v) for k, v in figures.by_state.items()},
        "median_days_to_acknowledge": figures.median_days_to_acknowledge,
        "median_days_to_decide": figures.median_days_to_decide,
    }
