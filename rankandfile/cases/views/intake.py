"""Filing a concern: members (named or anonymous), anyone on a unit's public page, the committee recording one.

Every intake view reads its body through the sealing upload handler (uploads.py), set before CSRF reads the body
(hence csrf_exempt outside, csrf_protect inside). The receipt is rendered in the answer to the POST, once: no
redirect, nothing stored, `Cache-Control: no-store`.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from rankandfile.cases import access, forms, selectors, services, uploads
from rankandfile.cases.models import Case
from rankandfile.org.auth import client_ip


def _refused_files(request: HttpRequest) -> list[str]:
    return list(getattr(request, "case_uploads_refused", []))


def _receipt(request: HttpRequest, filed: services.Filed) -> HttpResponse:
    return render(request, "cases/receipt.html", {"receipt": filed.receipt})


def _discard(request: HttpRequest) -> None:
    for upload in uploads.sealed_uploads(request):
        upload.discard()


def _file(request: HttpRequest, form: forms.ComplaintForm, **kwargs: object) -> services.Filed | None:
    refused = _refused_files(request)
    if refused:
        form.add_error(None, _("Not attached (PDF, image or audio only, 25 MB at most): %s") % ", ".join(refused))
    if refused or not form.is_valid():
        _discard(request)
        return None
    data = form.cleaned_data
    try:
        return services.case_file(
            category=data["category"],
            text=data["text"],
            others=data.get("others", ""),
            attachments=uploads.sealed_uploads(request),
            **kwargs,  # type: ignore[arg-type]
        )
    except ValidationError as refused_error:
        form.add_error(None, refused_error)
        _discard(request)
        return None


@csrf_exempt
@never_cache
def report(request: HttpRequest) -> HttpResponse:
    """Rule: any logged-in member files, named or anonymous; a visitor is shown each unit's public page."""
    uploads.use_sealing_uploads(request)
    return _report(request)


@csrf_protect
def _report(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        units = selectors.intake_units()
        return render(request, "cases/report_choose_unit.html", {"units": units})
    form = forms.MemberComplaintForm(request.POST or None)
    if request.method == "POST":
        anonymous = request.POST.get("anonymous") == "on"
        filed = _file(
            request,
            form,
            unit=form.cleaned_data["unit"] if form.is_valid() else None,
            channel=Case.Channel.MEMBER,
            filed_by=None if anonymous else request.user,
            named=list(form.cleaned_data.get("named") or []) if form.is_valid() else [],
        )
        if filed is not None:
            return _receipt(request, filed)
    return render(request, "cases/report.html", {"form": form, "title": _("Report a concern")}, status=_status(request))


def _status(request: HttpRequest) -> int:
    return 422 if request.method == "POST" else 200


def _over_public_limit(request: HttpRequest) -> bool:
    address = hashlib.sha256(("cases.intake:" + client_ip(request)).encode()).hexdigest()
    key = f"cases:intake:{address}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > settings.CASE_PUBLIC_INTAKE_PER_HOUR


@csrf_exempt
@never_cache
def public_report(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: anyone, no login (a guest, a former member); rate-limited per client address."""
    uploads.use_sealing_uploads(request)
    return _public_report(request, unit_id)


@csrf_protect
def _public_report(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access.access_intake_unit(unit_id)
    form = forms.ComplaintForm(request.POST or None)
    context = {"form": form, "unit": unit, "title": _("Report a concern to the committee")}
    if request.method == "POST":
        if _over_public_limit(request):
            _discard(request)
            context["limited"] = True
            return render(request, "cases/report.html", context, status=429)
        filed = _file(request, form, unit=unit, channel=Case.Channel.PUBLIC)
        if filed is not None:
            return _receipt(request, filed)
    return render(request, "cases/report.html", context, status=_status(request))


@csrf_exempt
@login_required
@never_cache
def record(request: HttpRequest) -> HttpResponse:
    """Rule: a committee member records a complaint received on paper or by phone."""
    access.require_case_keyholder(request.user)
    uploads.use_sealing_uploads(request)
    return _record(request)


@csrf_protect
def _record(request: HttpRequest) -> HttpResponse:
    form = forms.RecordedComplaintForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        filed = _file(
            request,
            form,
            unit=form.cleaned_data["unit"] if valid else None,
            channel=Case.Channel.RECORDED,
            named=list(form.cleaned_data.get("named") or []) if valid else [],
            recorded_by=request.user,
        )
        if filed is not None:
            return _receipt(request, filed)
    title = _("Record a complaint received on paper or by phone")
    return render(request, "cases/report.html", {"form": form, "title": title}, status=_status(request))
