"""Caucuses and platforms: their page (statement, public members, counts over time, documents), joining."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.bulletin import access, selectors, services
from rankandfile.bulletin.forms import CaucusForm
from rankandfile.bulletin.views.common import act, member
from rankandfile.org import access as org_access
from rankandfile.proposals.rendering import render_markdown
from rankandfile.web import add_service_errors


@login_required
def caucus_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members of the unit in good standing; the founder is the first member."""
    unit = org_access.access_unit(request.user, unit_id)
    access.require_unit_member(request.user, unit)
    form = CaucusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            caucus = services.caucus_create(actor=member(request), unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Caucus founded."))
            return redirect(caucus)
    return render(request, "org/form.html", {"form": form, "unit": unit, "title": _("New caucus or platform")})


@login_required
def caucus_detail(request: HttpRequest, caucus_id: int) -> HttpResponse:
    """Rule: members in good standing. Membership is public to members."""
    caucus = access.access_caucus(request.user, caucus_id)
    context = {
        "caucus": caucus,
        "statement": render_markdown(caucus.statement),
        "members": selectors.caucus_members(caucus),
        "counts": selectors.caucus_counts(caucus),
        "documents": selectors.caucus_documents(caucus),
        "is_member": selectors.is_caucus_member(caucus, member(request)),
        "can_take_part": access.can_take_part(request.user, caucus.unit),
    }
    return render(request, "bulletin/caucus_detail.html", context)


@login_required
@require_POST
def caucus_join(request: HttpRequest, caucus_id: int) -> HttpResponse:
    """Rule: members of the caucus's unit in good standing."""
    caucus = access.access_caucus(request.user, caucus_id)
    return act(request, caucus, partial(services.caucus_join, actor=member(request), caucus=caucus), _("Joined."))


@login_required
@require_POST
def caucus_leave(request: HttpRequest, caucus_id: int) -> HttpResponse:
    """Rule: a member of the caucus, at any time."""
    caucus = access.access_caucus(request.user, caucus_id)
    return act(request, caucus, partial(services.caucus_leave, actor=member(request), caucus=caucus), _("You left."))
