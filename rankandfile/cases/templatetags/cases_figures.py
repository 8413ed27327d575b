"""`{% cell c %}`: a count, or "fewer than 5" (cases/domain/figures.py decides which)."""

from django import template
from django.utils.translation import gettext as _

from rankandfile.cases.domain.figures import Cell

register = template.Library()


@register.simple_tag
def cell(value: Cell) -> str:
    return _("fewer than 5") if value.suppressed else str(value.count)
