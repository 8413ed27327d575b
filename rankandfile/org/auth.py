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
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def _key(kind: str, value: str) -> str:
    return "login-fail:" + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    # Behind the documented reverse proxy, REMOTE_ADDR is the proxy; it sets X-Real-IP (docs/deploy.md).
    return str(request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or "")


def is_throttled(email: str, ip: str) -> bool:
    account = cache.get(_key("account", email), 0)
    address = cache.get(_key("ip", ip), 0) if ip else 0
    return bool(account >= settings.LOGIN_THROTTLE_FAILURES or address >= settings.LOGIN_THROTTLE_IP_FAILURES)


def note_failure(email: str, ip: str) -> None:
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    for key in [_key("account", email)] + ([_key("ip", ip)] if ip else []):
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)


def clear_failures(email: str) -> None:
    cache.delete(_key("account", email))


class ThrottledEmailBackend(ModelBackend):
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
        else:
            clear_failures(email)
        return user


class ResetPasswordForm(SetPasswordForm):
    """Setting a new password from a reset link also lifts the account's throttle: the reset is the way out."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit)
        clear_failures(user.email)
        return user


class RequestResetForm(PasswordResetForm):
    """Also sends the link to members who never had a password (imported, or invited but not yet joined).

    Django's form skips accounts with an unusable password; for us that is exactly an imported member, and the
    emailed link proves control of the address just as an invitation does.
    """

    def get_users(self, email: str) -> Iterator[Any]:
        model = get_user_model()
        return iter(model._default_manager.filter(email__iexact=email.strip(), is_active=True))
