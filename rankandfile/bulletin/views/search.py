"""Search of published documents, with filters (period, author, caucus, dates)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rankandfile.bulletin import search
from rankandfile.bulletin.forms import SearchForm
from rankandfile.org.access import require_member


def _start_of(day: dt.date | None, *, plus_days: int = 0) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=plus_days), dt.time.min))


@login_required
def search_documents(request: HttpRequest) -> HttpResponse:
    """Rule: members in good standing. Published documents only; hidden ones are not searched."""
    require_member(request.user)
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and any(form.cleaned_data[k] for k in ("q", "author", "caucus", "period")):
        data = form.cleaned_data
        filters = search.Filters(
            period_id=data["period"],
            author_id=data["author"],
            caucus_id=data["caucus"],
            published_from=_start_of(data["published_from"]),
            published_until=_start_of(data["published_until"], plus_days=1),
        )
        results = search.documents_search(data["q"], filters, page=data["page"] or 1)
    context = {"form": form, "results": results, "params": request.GET.copy()}
    return render(request, "bulletin/search.html", context)
