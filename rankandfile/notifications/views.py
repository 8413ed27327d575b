"""The member's notifications, their settings, and the unsubscribe link. Each view names its rule."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from rankandfile.notifications import access, kinds, selectors, services
from rankandfile.notifications.forms import PreferencesForm
from rankandfile.org.models import Member


def _member(request: HttpRequest) -> Member:
    return cast(Member, request.user)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Rule: any logged-in account, its own notifications only; newest first."""
    context = {"notifications": selectors.notifications_of(_member(request))}
    return render(request, "notifications/notification_list.html", context)


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Rule: only the account it was written for (others: 404). Marks it read and goes where it points."""
    notification = access.access_notification(request.user, notification_id)
    services.notification_open(member=_member(request), notification=notification)
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.link)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Rule: any logged-in account, its own notifications."""
    count = services.notifications_read_all(member=_member(request))
    messages.success(
        request, ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count) % {"n": count}
    )
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Rule: any logged-in account, its own choices: per kind, immediately, in a daily digest, or never."""
    current = dict(selectors.effective_choices(_member(request)))
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(member=_member(request), choices=form.choices())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # RFC 8058: the mail program POSTs without a session or CSRF token; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Rule: whoever holds the signed link, no login. GET asks (link checkers must not unsubscribe anyone);
    POST, from the page's button or the mail program's one-click, sets the kind to never."""
    try:
        _member_named, kind = services.read_unsubscribe_token(token)
    except ValidationError:
        raise Http404("No such unsubscribe link.") from None
    label = _("the daily digest") if kind == services.DIGEST else kinds.get(kind).label
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "notifications/unsubscribed.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label})
