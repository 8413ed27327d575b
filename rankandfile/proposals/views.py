"""Proposal pages. Each view names its rule; `access_*` fetches and checks, services write (docs/proposals.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.org import access as org_access
from rankandfile.org.domain.capabilities import CHAIR_MEETINGS, MANAGE_BALLOTS
from rankandfile.org.models import Member
from rankandfile.proposals import access, selectors, services
from rankandfile.proposals.domain import lifecycle, texts
from rankandfile.proposals.forms import AmendmentForm, EditForm, ProposalForm, RulesForm
from rankandfile.proposals.models import Proposal
from rankandfile.proposals.rendering import render_markdown
from rankandfile.web import add_service_errors, first_message


def _member(request: HttpRequest) -> Member:
    """The logged-in member (every view here is behind login_required; the services check the rest)."""
    return cast(Member, request.user)


@login_required
def proposal_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing; drafts only their authors'."""
    unit = org_access.access_unit(request.user, unit_id)
    context = {
        "unit": unit,
        "proposals": selectors.proposals_of_unit(unit, _member(request), status=request.GET.get("status", "")),
        "can_propose": access.can_take_part(request.user, unit),
        "can_manage": org_access.has_capability(request.user, unit, MANAGE_BALLOTS),
        "rules": selectors.rules_for(unit),
        "cosigners_required": selectors.cosigners_required(unit),
    }
    return render(request, "proposals/proposal_list.html", context)


@login_required
def proposal_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members of the unit (or a unit inside it) in good standing. Starts as a draft only the author sees."""
    unit = org_access.access_unit(request.user, unit_id)
    access.require_unit_member(request.user, unit)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(actor=_member(request), unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Submit it when it is ready for members to co-sign."))
            return redirect(proposal)
    return render(request, "proposals/proposal_form.html", {"form": form, "unit": unit, "title": _("New proposal")})


def _detail_context(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    unit = proposal.unit
    return {
        "proposal": proposal,
        "html": render_markdown(proposal.text),
        "answers": proposal.answers,
        "cosigners": selectors.cosigners(proposal),
        "has_signed": selectors.has_signed(proposal, request.user),
        "counters": selectors.counter_proposals(proposal, _member(request)) if not proposal.is_counter else [],
        "cosigners_required": selectors.cosigners_required(unit),
        "amendments": selectors.amendments_of(proposal),
        "revisions": selectors.revisions(proposal),
        "is_author": proposal.author_id == request.user.pk,
        "can_take_part": access.can_take_part(request.user, unit),
        "is_open": proposal.status in lifecycle.OPEN_FOR_DEBATE,
        "is_editable": proposal.status in lifecycle.EDITABLE,
        "can_manage": org_access.has_capability(request.user, unit, MANAGE_BALLOTS),
        "can_chair": org_access.has_capability(request.user, unit, CHAIR_MEETINGS),
        "ballots": selectors.ballots_about(proposal),
        "agenda_items": selectors.agenda_items_for(unit) if proposal.status == Proposal.Status.SUBMITTED else [],
    }


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: members in good standing; a draft only its author (404 for anyone else)."""
    proposal = access.access_proposal(request.user, proposal_id)
    return render(request, "proposals/proposal_detail.html", _detail_context(request, proposal))


@login_required
def proposal_live(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: as the proposal page. The live fragment (status and co-signatures), re-fetched after a reconnect."""
    proposal = access.access_proposal(request.user, proposal_id)
    return render(request, "proposals/_live.html", {"proposal": proposal, "version": proposal.version})


@login_required
def proposal_edit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: the author only, until a ballot carries the proposal. Every revision is kept."""
    proposal = access.access_proposal(request.user, proposal_id, for_write=True)
    form = EditForm(request.POST or None, initial={"title": proposal.title, "text": proposal.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_edit(actor=_member(request), proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved as revision %d.") % proposal.revision)
            return redirect(proposal)
    context = {"form": form, "unit": proposal.unit, "title": _("Edit “%s”") % proposal.title}
    return render(request, "proposals/proposal_form.html", context)


def _act(request: HttpRequest, target: Any, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, first_message(error))
    else:
        messages.success(request, done)
    return redirect(target)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: the author, from draft: members can now read, co-sign, counter and amend it."""
    proposal = access.access_proposal(request.user, proposal_id, for_write=True)
    action = partial(services.proposal_submit, actor=_member(request), proposal=proposal)
    return _act(request, proposal, action, _("Submitted."))


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: the author, until a ballot carries the proposal."""
    proposal = access.access_proposal(request.user, proposal_id, for_write=True)
    action = partial(services.proposal_withdraw, actor=_member(request), proposal=proposal)
    return _act(request, proposal, action, _("Withdrawn."))


@login_required
@require_POST
def proposal_put_on_agenda(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: `chair_meetings` in the proposal's unit."""
    proposal = access.access_proposal(request.user, proposal_id)
    org_access.require_capability(request.user, proposal.unit, CHAIR_MEETINGS)
    item = selectors.agenda_item_of_unit(proposal.unit, request.POST.get("agenda_item", ""))
    action = partial(services.proposal_put_on_agenda, actor=_member(request), proposal=proposal, agenda_item=item)
    return _act(request, proposal, action, _("Put on the agenda."))


@login_required
@require_POST
def proposal_sign(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: members of the unit in good standing, not the author, while the proposal is open for debate."""
    proposal = access.access_proposal(request.user, proposal_id)
    action = partial(services.proposal_sign, actor=_member(request), proposal=proposal)
    return _act(request, proposal, action, _("You co-signed this proposal."))


@login_required
@require_POST
def proposal_unsign(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: a co-signer withdraws their own signature, while the proposal is open for debate."""
    proposal = access.access_proposal(request.user, proposal_id)
    action = partial(services.proposal_unsign, actor=_member(request), proposal=proposal)
    return _act(request, proposal, action, _("Your signature is withdrawn."))


@login_required
def counter_create(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: members of the unit in good standing, against a proposal open for debate."""
    answers = access.access_proposal(request.user, proposal_id)
    access.require_unit_member(request.user, answers.unit)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                actor=_member(request),
                unit=answers.unit,
                answers=answers,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Counter-proposal saved as a draft. Submit it to collect co-signers."))
            return redirect(proposal)
    context = {"form": form, "unit": answers.unit, "answers": answers, "title": _("Counter-proposal")}
    return render(request, "proposals/proposal_form.html", context)


@login_required
def amendment_create(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Rule: members of the unit in good standing other than the author, while the proposal is open for debate."""
    proposal = access.access_proposal(request.user, proposal_id)
    access.require_unit_member(request.user, proposal.unit)
    form = AmendmentForm(request.POST or None, initial={"text": proposal.text})
    if request.method == "POST" and form.is_valid():
        try:
            amendment = services.amendment_propose(actor=_member(request), proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Amendment proposed."))
            return redirect(amendment)
    context = {"form": form, "unit": proposal.unit, "answers": proposal, "title": _("Amend “%s”") % proposal.title}
    return render(request, "proposals/proposal_form.html", context)


@login_required
def revision_detail(request: HttpRequest, proposal_id: int, number: int) -> HttpResponse:
    """Rule: as the proposal. One revision and what changed from the one before."""
    proposal = access.access_proposal(request.user, proposal_id)
    revision = selectors.revision(proposal, number)
    if revision is None:
        raise Http404("No such revision.")
    previous = selectors.revision(proposal, number - 1)
    context = {
        "proposal": proposal,
        "revision": revision,
        "previous": previous,
        "diff": texts.diff_lines(previous.text, revision.text) if previous else [],
        "html": render_markdown(revision.text),
    }
    return render(request, "proposals/revision_detail.html", context)


@login_required
def amendment_detail(request: HttpRequest, amendment_id: int) -> HttpResponse:
    """Rule: members in good standing. The change as a difference against the text it was written for."""
    amendment = access.access_amendment(request.user, amendment_id)
    proposal = amendment.proposal
    base = selectors.revision(proposal, amendment.base_revision)
    context = {
        "amendment": amendment,
        "proposal": proposal,
        "diff": texts.diff_lines(base.text if base else "", amendment.text),
        "is_author": proposal.author_id == request.user.pk,
        "is_amender": amendment.author_id == request.user.pk,
        "can_manage": org_access.has_capability(request.user, proposal.unit, MANAGE_BALLOTS),
        "is_current": amendment.base_revision == proposal.revision,
    }
    return render(request, "proposals/amendment_detail.html", context)


@login_required
@require_POST
def amendment_accept(request: HttpRequest, amendment_id: int) -> HttpResponse:
    """Rule: the proposal's author accepts an amendment as friendly (it becomes the next revision)."""
    amendment = access.access_amendment(request.user, amendment_id)
    action = partial(services.amendment_accept, actor=_member(request), amendment=amendment)
    return _act(request, amendment, action, _("Amendment accepted: the proposal has a new revision."))


@login_required
@require_POST
def amendment_withdraw(request: HttpRequest, amendment_id: int) -> HttpResponse:
    """Rule: the amendment's author, while it is proposed."""
    amendment = access.access_amendment(request.user, amendment_id)
    action = partial(services.amendment_withdraw, actor=_member(request), amendment=amendment)
    return _act(request, amendment, action, _("Amendment withdrawn."))


@login_required
def rules_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_ballots` in the unit. Co-signers a counter-proposal needs; the method of choices."""
    unit = org_access.access_unit(request.user, unit_id, capability=MANAGE_BALLOTS)
    form = RulesForm(request.POST or None, initial=model_to_dict(selectors.rules_for(unit)))
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_set(actor=_member(request), unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision rules saved."))
            return redirect("proposals:list", unit.pk)
    return render(request, "org/form.html", {"form": form, "title": _("Decision rules of %s") % unit, "unit": unit})
