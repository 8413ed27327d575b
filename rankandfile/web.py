"""Small helpers shared by every app's views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest

if TYPE_CHECKING:  # for the type checker only: web.py sits below every app (the "apps" import contract)
    from django_htmx.middleware import HtmxDetails

    from rankandfile.org.models import Member


class AuthedRequest(HttpRequest):
    """The request a view behind `login_required` receives: its user is a `Member`, never anonymous (Django's own
    `HttpRequest.user` may be either). django-htmx's middleware adds `htmx`. Annotate such views with it instead of
    casting `request.user` or silencing the type checker."""

    user: Member
    htmx: HtmxDetails


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names when the form has it, else at the top."""
    if hasattr(error, "error_dict"):
        for field_name, messages in error.message_dict.items():
            target = field_name if field_name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def first_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(m for messages in error.message_dict.values() for m in messages)
    return "; ".join(error.messages)


__all__ = ["NON_FIELD_ERRORS", "AuthedRequest", "add_service_errors", "first_message"]
