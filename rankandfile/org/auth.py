"""Email login with throttling per account and per address that slows attackers but never locks members out.

Failures are counted in the cache for a window; once over the limit, further tries are refused until the window
passes. Nothing is stored on the account, so an attacker cannot lock a member out for good, and a password reset
always works.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.org.services.two_factor import second_factor_throttles_lift


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _generation(email: str) -> int:
    # Bumped when the member sets a new password: every counter kept for the account starts again from zero.
    return int(cache.get("login-gen:" + _digest(email), 0))


def _keys(email: str, ip: str) -> dict[str, str]:
    account = f"{_digest(email)}:{_generation(email)}"
    keys = {"account": "login-fail:account:" + account}
    if ip:
        keys["pair"] = f"login-fail:pair:{account}:{_digest(ip)}"
        keys["ip"] = "login-fail:ip:" + _digest(ip)
    return keys


def _limits() -> dict[str, int]:
    return {
        "pair": settings.LOGIN_THROTTLE_FAILURES,
        "ip": settings.LOGIN_THROTTLE_IP_FAILURES,
        "account": settings.LOGIN_THROTTLE_ACCOUNT_FAILURES,
    }


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    # X-Real-IP is trusted only when the operator says a proxy sets it (docs/deploy.md); otherwise anyone could
    # send a new value with each guess and never be counted.
    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return str(request.META["HTTP_X_REAL_IP"])
    return str(request.META.get("REMOTE_ADDR") or "")


def is_throttled(email: str, ip: str) -> bool:
    """Over the limit for this account from this address, for this address, or for the account from everywhere.

    The per-address-and-account limit is the low one, so an attacker elsewhere cannot keep a member locked out
    with a handful of wrong guesses; only a large, distributed attack reaches the account-wide limit, and a
    password reset lifts every counter of the account at once.
    """
    keys = _keys(email, ip)
    counts = cache.get_many(list(keys.values()))
    limits = _limits()
    return any(counts.get(key, 0) >= limits[kind] for kind, key in keys.items())


def _count(key: str, window: int) -> None:
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)


def note_failure(email: str, ip: str) -> None:
    for key in _keys(email, ip).values():
        _count(key, settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def clear_failures(email: str) -> None:
    gen_key = "login-gen:" + _digest(email)
    if not cache.add(gen_key, 1, None):
        cache.incr(gen_key)


def _record_failure(email: str, ip: str) -> None:
    """A failed login, and the pause it starts when it is the one that reaches a limit, go to the audit log.

    The entry names no address and no email (the log is public to members): the account's id only when the email
    is an account's, kept out of the sentence the log page shows (audit/domain/wording.py)."""
    account = get_user_model()._default_manager.filter(email__iexact=email).values_list("pk", flat=True).first()
    record("login.failed", object_type="account", object_id=account or "", payload={})
    keys, limits = _keys(email, ip), _limits()
    counts = cache.get_many(list(keys.values()))
    scopes = {"pair": "this account from one address", "ip": "one address", "account": "this account"}
    for kind, key in keys.items():
        if counts.get(key, 0) == limits[kind]:
            record(
                "login.locked",
                object_type="account",
                object_id=account or "",
                payload={
                    "scope": scopes[kind],
                    "failures": limits[kind],
                    "minutes": max(1, round(settings.LOGIN_THROTTLE_WINDOW_SECONDS / 60)),
                },
            )


class ThrottledEmailBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        """Whether this member may be logged in at all. Django asks at login and, through `get_user`, on every
        request; the cast door and the live sockets ask through `org.sessions.session_member`. So a rule that
        refuses members everywhere (a suspension decided in a case, say) is added here, once. Today: the account
        is active (ModelBackend's rule)."""
        return super().user_can_authenticate(user)

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        ip = client_ip(request)
        if is_throttled(email, ip):
            # Django's authenticate() treats PermissionDenied as "stop here": no other backend is tried.
            raise PermissionDenied("Too many failed logins; try again later.")
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            note_failure(email, ip)
            _record_failure(email, ip)
        else:
            clear_failures(email)
        return user


def reset_request_refusal(email: str, ip: str) -> str | None:
    """Count a password-reset request; say why it is refused when over a limit, or None.

    Limits per address asked for and per client address, in a fixed window (settings `PASSWORD_RESET_*`). They stop
    mail-bombing a member and using the site as a mail cannon. Nothing is locked: login is untouched, and the links
    already sent to the member's mailbox keep working, so an attacker who fills the quota only sends the member
    working links.
    """
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS
    keys = {"email": "reset:email:" + _digest(email)}
    limits = {"email": settings.PASSWORD_RESET_THROTTLE_PER_EMAIL, "ip": settings.PASSWORD_RESET_THROTTLE_PER_IP}
    if ip:
        keys["ip"] = "reset:ip:" + _digest(ip)
    counts = cache.get_many(list(keys.values()))
    over = [kind for kind, key in keys.items() if counts.get(key, 0) >= limits[kind]]
    if over:
        minutes = max(1, round(window / 60))
        if "email" in over:
            return _(
                "Too many reset links were asked for this address. Try again in %(minutes)d minutes, or use a "
                "link already sent: each works for %(days)d days."
            ) % {
                "minutes": minutes,
                "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            }
        return _("Too many reset links were asked from your network. Try again in %(minutes)d minutes.") % {
            "minutes": minutes
        }
    for key in keys.values():
        _count(key, window)
    return None


class ResetPasswordForm(SetPasswordForm):
    """Setting a new password from a reset link also lifts the account's throttle: the reset is the way out."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit)
        clear_failures(user.email)
        second_factor_throttles_lift(member=user)
        return user


class RequestResetForm(PasswordResetForm):
    """Also sends the link to members who never had a password (imported, or invited but not yet joined).

    Django's form skips accounts with an unusable password; for us that is exactly an imported member, and the
    emailed link proves control of the address just as an invitation does. Requests are rate-limited per address
    asked for and per client address (`reset_request_refusal`), whether or not the address has an account.
    """

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        refusal = reset_request_refusal(email, client_ip(self.request))
        if refusal:
            raise ValidationError(refusal, code="throttled")
        return email

    def get_users(self, email: str) -> Iterator[Any]:
        model = get_user_model()
        return iter(model._default_manager.filter(email__iexact=email.strip(), is_active=True))


class RequestResetView(PasswordResetView):
    form_class = RequestResetForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}
