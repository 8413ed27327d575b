"""Logging in with a second factor, and enrolling one (rankandfile/org/services/two_factor.py says who must).

The login is Django's LoginView: after the password, a member who has enrolled is not logged in yet; the session
only remembers, for `SECOND_FACTOR_LOGIN_SECONDS`, who gave the password, and the code page finishes the login.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from rankandfile.org import access, selectors
from rankandfile.org.forms import EmailLoginForm, SecondFactorForm
from rankandfile.org.models import Member
from rankandfile.org.services import two_factor
from rankandfile.web import AuthedRequest, add_service_errors

PENDING_LOGIN = "rankandfile_pending_login"


class EmailLoginView(LoginView):
    """Rule: anyone. The password first; then, for an enrolled member, the code page."""

    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        member = form.get_user()
        if not two_factor.is_enrolled(member):
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN] = {"member": member.pk, "backend": member.backend, "at": time.time()}
        return redirect(reverse("two_factor_verify") + "?" + urlencode({"next": self.get_success_url()}))


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _member_to_verify(request: HttpRequest) -> tuple[Member | None, str]:
    """Who this code is for: the logged-in member, or a login waiting for its code (and that login's backend)."""
    if request.user.is_authenticated:
        return request.user, ""
    pending = request.session.get(PENDING_LOGIN) or {}
    if not pending or time.time() - pending.get("at", 0) > settings.SECOND_FACTOR_LOGIN_SECONDS:
        return None, ""
    return selectors.active_member(pending.get("member")), str(pending.get("backend", ""))


@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Rule: a login whose password was given in the last few minutes, or a logged-in member whose session has not
    used its second factor. Finishes the login with a code from the app or a recovery code."""
    member, backend = _member_to_verify(request)
    if member is None:
        messages.info(request, _("Log in again: the code was not given in time."))
        return redirect("login")
    if request.user.is_authenticated and request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    if not two_factor.is_enrolled(member):
        return redirect(reverse("two_factor_setup") + "?" + urlencode({"next": _next_url(request)}))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.second_factor_check(member=member, token=form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("That code is not right, or too many were wrong: wait a minute and try again."))
        else:
            if not request.user.is_authenticated:
                request.session.pop(PENDING_LOGIN, None)
                login(request, member, backend=backend)
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(member)
                messages.warning(request, _("You used a recovery code; %d are left.") % left)
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/two_factor_verify.html", context)


@never_cache
@login_required
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Rule: the logged-in account, for itself. An account already enrolled changes its app only from a session
    that used its second factor (else the password alone would replace it)."""
    member = request.user
    if two_factor.is_enrolled(member) and not member.is_verified():  # type: ignore[attr-defined]
        return redirect(reverse("two_factor_verify") + "?" + urlencode({"next": request.get_full_path()}))
    device = two_factor.pending_totp_device(member)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = two_factor.totp_enrolment_confirm(member=member, device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            otp_login(request, device)
            return _show_recovery_codes(request, codes)
    if device is None:
        device = two_factor.totp_enrolment_start(member=member)
    context = {
        "form": form,
        "qr": two_factor.enrolment_qr_svg(device),
        "secret": two_factor.secret_of(device),
        "required": access.needs_second_factor(member),
        "enrolled": two_factor.is_enrolled(member),
        "next": _next_url(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
@require_POST
def recovery_codes_renew(request: AuthedRequest) -> HttpResponse:
    """Rule: the logged-in account, from a session that used its second factor; the old codes stop working."""
    if not request.user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
        return redirect(reverse("two_factor_verify") + "?" + urlencode({"next": reverse("org:my_profile")}))
    try:
        codes = two_factor.recovery_codes_renew(member=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("org:my_profile")
    return _show_recovery_codes(request, codes)


def _show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    # Rendered in the POST's response, never stored for a later page: shown once.
    response = render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    response["Cache-Control"] = "no-store"
    return response
