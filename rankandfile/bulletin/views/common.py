from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from rankandfile.org.models import Member
from rankandfile.web import first_message


def member(request: HttpRequest) -> Member:
    """The logged-in member (every view here is behind login_required; access and services check the rest)."""
    return cast(Member, request.user)


def act(request: HttpRequest, target: Any, action: Callable[[], object], done: str) -> HttpResponse:
    """Run one service call for a POST button; its refusal becomes a message. Back to `target` either way."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, first_message(error))
    else:
        messages.success(request, done)
    return redirect(target)
