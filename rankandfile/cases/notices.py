"""The cases app's kind of notification (rankandfile/notifications/kinds.py says how kinds work).

Confidentiality: a notice names the case's opaque reference and what happened, never the unit's people, the
category or a word of content; it goes only to committee members who are not recused.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.cases import selectors
from rankandfile.cases.models import Case, Recusal
from rankandfile.notifications.kinds import Kind, Notice, register

_TITLES = {
    "received": gettext_lazy("A new case, %(reference)s, awaits acknowledgement"),
    "message": gettext_lazy("A message from the complainant on case %(reference)s"),
    "overdue": gettext_lazy("Case %(reference)s is past a deadline"),
}


def _describe(case_id: int, event: str) -> Notice | None:
    case = Case.objects.filter(pk=case_id).first()
    if case is None or event not in _TITLES:
        return None
    return Notice(
        title=str(_TITLES[event]) % {"reference": case.reference},
        link=reverse("cases:case", args=[case.reference]),
        body=_("Unlock your case key on the site to read it."),
    )


def _committee(case_id: int, event: str) -> list[int]:
    case = Case.objects.select_related("unit").filter(pk=case_id).first()
    if case is None:
        return []
    recused = set(Recusal.objects.filter(case=case).values_list("member_id", flat=True))
    return [m.pk for m in selectors.committee_for(case.unit) if m.pk not in recused]


CASE_COMMITTEE = register(
    Kind("case.committee", gettext_lazy("News on a case before my committee"), _describe, recipients=_committee)
)
