"""Moderation: hiding under the code of conduct, the author's appeal, another moderator's decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.bulletin import access, services
from rankandfile.bulletin.forms import AppealForm, HideForm
from rankandfile.bulletin.views.common import member
from rankandfile.web import add_service_errors, first_message


@login_required
def document_hide(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: `manage_bulletin` in the period's unit, with a reason under the period's code of conduct."""
    document = access.access_document_to_moderate(request.user, document_id)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_hide(actor=member(request), document=document, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Hidden. It stays listed with your name, the time and the reason."))
            return redirect(document)
    context = {"form": form, "document": document, "period": document.period, "title": _("Hide “%s”") % document}
    return render(request, "bulletin/moderation_form.html", context)


@login_required
def document_appeal(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: the author of a hidden document."""
    document = access.access_document(request.user, document_id, for_write=True)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_file(actor=member(request), document=document, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Appeal filed. Another moderator will decide it."))
            return redirect(document)
    context = {"form": form, "document": document, "period": document.period, "title": _("Appeal")}
    return render(request, "bulletin/moderation_form.html", context)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Rule: `manage_bulletin` in the period's unit, not the moderator who hid the document; with a reason."""
    appeal = access.access_appeal_to_decide(request.user, appeal_id)
    if appeal.document.hidden_by_id == request.user.pk:
        raise PermissionDenied(_("Another moderator decides the appeal: you hid this document."))
    try:
        services.appeal_decide(
            actor=member(request),
            appeal=appeal,
            reverse=request.POST.get("decision") == "reverse",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, first_message(error))
    else:
        messages.success(request, _("Appeal decided."))
    return redirect(appeal.document)
