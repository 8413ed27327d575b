"""Recall pages. Each view names its rule; `access_*` fetches and checks, services write (docs/recall.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.org import access as org_access
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.recall import access, selectors, services
from rankandfile.recall.forms import ResponseForm, RulesForm, StartForm
from rankandfile.recall.models import Petition
from rankandfile.web import AuthedRequest, add_service_errors, first_message


@login_required
def petition_list(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: members of the unit in good standing and officers over it. Petitions and the officers they may name."""
    unit = access.access_unit_recalls(request.user, unit_id)
    context = {
        "unit": unit,
        "petitions": selectors.petitions_of_unit(unit),
        "terms": selectors.current_terms_of_unit(unit),
        "can_take_part": access.can_take_part(request.user, unit),
        "rules": selectors.rules_for(unit),
        "can_set_rules": unit.parent_id is None and org_access.has_capability(request.user, unit, MANAGE_BALLOTS),
    }
    return render(request, "recall/petition_list.html", context)


@login_required
def petition_start(request: AuthedRequest, term_id: int) -> HttpResponse:
    """Rule: members of the role's unit in good standing, not the officer named; a current term only."""
    term = access.access_term_for_recall(request.user, term_id)
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_start(actor=request.user, term=term, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Petition started, with your signature. Members of the unit can sign it now."))
            return redirect(petition)
    context = {
        "form": form,
        "term": term,
        "unit": term.role_type.unit,
        "rules": selectors.rules_for(term.role_type.unit),
    }
    return render(request, "recall/petition_start.html", context)


def _detail_context(request: AuthedRequest, petition: Petition) -> dict[str, Any]:
    return {
        "petition": petition,
        "progress": selectors.progress(petition),
        "has_signed": selectors.has_signed(petition, request.user),
        "on_roll": selectors.is_on_roll(petition, request.user),
        "is_officer": petition.term.holder_id == request.user.pk,
        "signatures": selectors.public_signatures(petition),
        "version": petition.version,
    }


@login_required
def petition_detail(request: AuthedRequest, petition_id: int) -> HttpResponse:
    """Rule: as the unit's petitions. Who signed shows only once the petition has closed."""
    petition = access.access_petition(request.user, petition_id)
    return render(request, "recall/petition_detail.html", _detail_context(request, petition))


@login_required
def petition_live(request: AuthedRequest, petition_id: int) -> HttpResponse:
    """Rule: as the petition page. The live fragment (count and status), re-fetched after a reconnect."""
    petition = access.access_petition(request.user, petition_id)
    context = {"petition": petition, "progress": selectors.progress(petition), "version": petition.version}
    return render(request, "recall/_live.html", context)


def _act(request: AuthedRequest, petition: Petition, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, first_message(error))
    else:
        messages.success(request, done)
    return redirect(petition)


@login_required
@require_POST
def petition_sign(request: AuthedRequest, petition_id: int) -> HttpResponse:
    """Rule: members on the petition's roll (the unit's members at its start), not the officer, while it is open."""
    petition = access.access_petition(request.user, petition_id)
    access.require_unit_member(request.user, petition.unit)
    action = partial(services.petition_sign, actor=request.user, petition=petition)
    return _act(request, petition, action, _("You signed this petition."))


@login_required
@require_POST
def petition_unsign(request: AuthedRequest, petition_id: int) -> HttpResponse:
    """Rule: a signer withdraws their own signature, before the threshold."""
    petition = access.access_petition(request.user, petition_id)
    action = partial(services.petition_unsign, actor=request.user, petition=petition)
    return _act(request, petition, action, _("Your signature is withdrawn."))


@login_required
def petition_respond(request: AuthedRequest, petition_id: int) -> HttpResponse:
    """Rule: the officer named in the petition only, until the recall is decided."""
    petition = access.access_own_petition(request.user, petition_id)
    form = ResponseForm(request.POST or None, initial={"response": petition.response})
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_respond(actor=request.user, petition=petition, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your response is published beside the statement."))
            return redirect(petition)
    return render(request, "recall/petition_respond.html", {"form": form, "petition": petition})


@login_required
def rules_edit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_ballots` at the organization's top unit (the rules are the whole organization's)."""
    unit = org_access.access_unit(request.user, unit_id, capability=MANAGE_BALLOTS)
    if unit.parent_id is not None:
        raise Http404("Recall rules are set on the organization's top unit.")
    form = RulesForm(request.POST or None, instance=selectors.rules_for(unit))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        threshold = data.pop("threshold")
        try:
            services.recall_rules_set(actor=request.user, unit=unit, threshold=threshold, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Recall rules saved. Petitions already started keep the rules they began with.")
            )
            return redirect("recall:list", unit.pk)
    return render(request, "recall/rules_form.html", {"form": form, "unit": unit})
