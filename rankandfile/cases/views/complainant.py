"""The complainant's side: enter the receipt, read the committee's messages and the status, answer, add files,
appeal a decision. Reached only with the receipt (unlock.py keeps the case key in this browser for 30 minutes idle).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from rankandfile.cases import access, forms, services, unlock, uploads
from rankandfile.cases.views.committee import download
from rankandfile.cases.views.intake import over_limit


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """Rule: anyone with a receipt. A wrong receipt is answered like any other (nothing says which cases exist)."""
    form = forms.ReceiptForm(request.POST or None)
    if request.method == "POST" and over_limit(request, "receipt", settings.CASE_RECEIPT_TRIES_PER_HOUR):
        form.add_error(None, _("Too many tries from this address: wait an hour, or ask the committee."))
        return render(request, "cases/receipt_enter.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        found = services.complainant_enter(receipt=form.cleaned_data["receipt"])
        if found is not None:
            case, receipt_key = found
            response = HttpResponseRedirect(reverse("cases:mine"))
            unlock.remember_case_key(response, unlock.ComplainantAccess(case.pk, receipt_key))
            return response
        form.add_error("receipt", _("No case has this receipt. Check the digits."))
    status = 422 if request.method == "POST" else 200
    return render(request, "cases/receipt_enter.html", {"form": form}, status=status)


@never_cache
def mine(request: HttpRequest) -> HttpResponse:
    """Rule: the complainant, by receipt; everyone else is sent to the receipt page."""
    try:
        case, keys = access.access_complainant_case(request)
    except Http404:  # no receipt held here: ask for it
        return HttpResponseRedirect(reverse("cases:receipt"))
    services.case_key_share(case=case, keys=keys, actor="complainant")
    opened = services.case_read_by_complainant(case=case, keys=keys)
    context = {"opened": opened, "case": case, "form": forms.MessageForm(), "appeal_form": forms.MessageForm()}
    return unlock.keep_case_key(request, render(request, "cases/mine.html", context))


@csrf_exempt
@require_POST
@never_cache
def mine_message(request: HttpRequest) -> HttpResponse:
    """Rule: the complainant, by receipt: answer, add information and files."""
    uploads.use_sealing_uploads(request)
    return _mine_message(request)


@csrf_protect
def _mine_message(request: HttpRequest) -> HttpResponse:
    case, keys = access.access_complainant_case(request)
    form = forms.MessageForm(request.POST)
    attached = uploads.sealed_uploads(request)
    if form.is_valid() and not getattr(request, "case_uploads_refused", []):
        try:
            services.complainant_message(case=case, keys=keys, text=form.cleaned_data["text"], attachments=attached)
        except ValidationError:
            for upload in attached:
                upload.discard()
    else:
        for upload in attached:
            upload.discard()
    return unlock.keep_case_key(request, HttpResponseRedirect(reverse("cases:mine")))


@require_POST
@never_cache
def mine_appeal(request: HttpRequest) -> HttpResponse:
    """Rule: the complainant, by receipt, appeals a decided case to the appeal body."""
    case, keys = access.access_complainant_case(request)
    form = forms.MessageForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_lodge(case=case, keys=keys, text=form.cleaned_data["text"])
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
    return unlock.keep_case_key(request, HttpResponseRedirect(reverse("cases:mine")))


@never_cache
def mine_file(request: HttpRequest, attachment_id: int) -> StreamingHttpResponse:
    """Rule: the complainant, by receipt, downloads the files they sent or were sent."""
    case, keys = access.access_complainant_case(request)
    attachment = access.access_complainant_attachment(case, attachment_id)
    return download(actor="complainant", case=case, keys=keys, attachment=attachment)


@require_POST
def mine_leave(request: HttpRequest) -> HttpResponse:
    """Rule: anyone: this browser forgets the case key."""
    response = HttpResponseRedirect(reverse("cases:receipt"))
    unlock.forget_case_key(response)
    return response
