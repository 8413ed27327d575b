"""Keeps a member who must use a second factor to the second-factor pages until they have used one.

Enforced for the whole session, at login, rather than at each use of a capability: capabilities are checked in
views, services, htmx fragments and the API alike, and one gate here is one rule instead of many. It also covers
a role gained mid-session (an appointment, an election result): the next page asks for enrolment.

Not gated: the second-factor pages and logging out; the API (bearer tokens only, made from a verified session);
and the ballot cast, which needs no capability (an officer's vote is a member's vote), so the cast door, which
serves only casts, agrees with Django without running this (ballots/cast_door.py lists it as passive).

The session counts as verified when django-otp's `login()` stored a device in it after a good code (the same key
its OTPMiddleware reads): checking the key costs no query, and a member never loses a device while logged in
except by replacing it from a verified session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY

from rankandfile.org import access
from rankandfile.org.services import two_factor

EXEMPT_VIEWS = frozenset({"two_factor_verify", "two_factor_setup", "logout", "ballots:cast"})
EXEMPT_NAMESPACES = frozenset({"api"})


class SecondFactorRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or request.session.get(DEVICE_ID_SESSION_KEY):
            return None
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_VIEWS or EXEMPT_NAMESPACES.intersection(match.namespaces):
            return None
        if not access.needs_second_factor(user):
            return None
        name = "two_factor_verify" if two_factor.is_enrolled(user) else "two_factor_setup"
        target = reverse(name) + "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
