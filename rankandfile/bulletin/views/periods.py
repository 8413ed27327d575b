"""Periods, issues, the printable digest, subscriptions and the Atom feed."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.bulletin import access, feeds, selectors, services
from rankandfile.bulletin.forms import IssueForm, PeriodForm
from rankandfile.bulletin.views.common import act, member
from rankandfile.org import access as org_access
from rankandfile.org.domain.capabilities import MANAGE_BULLETIN
from rankandfile.web import add_service_errors


@login_required
def unit_bulletin(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing. The unit's discussion periods and caucuses."""
    unit = org_access.access_unit(request.user, unit_id)
    context = {
        "unit": unit,
        "periods": selectors.periods_of_unit(unit),
        "caucuses": selectors.caucuses_of_unit(unit),
        "can_manage": access.can_manage(request.user, unit),
        "can_take_part": access.can_take_part(request.user, unit),
    }
    return render(request, "bulletin/unit.html", context)


@login_required
def period_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_bulletin` in the unit."""
    unit = org_access.access_unit(request.user, unit_id, capability=MANAGE_BULLETIN)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(actor=member(request), unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Period opened. Schedule its issues next."))
            return redirect(period)
    return render(request, "org/form.html", {"form": form, "unit": unit, "title": _("New discussion period")})


@login_required
def period_edit(request: HttpRequest, period_id: int) -> HttpResponse:
    """Rule: `manage_bulletin` in the period's unit. Every change is in the audit log."""
    period = access.access_period(request.user, period_id, for_write=True)
    initial = {name: getattr(period, name) for name in services.periods.PERIOD_FIELDS}
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(actor=member(request), period=period, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Period saved."))
            return redirect(period)
    return render(request, "org/form.html", {"form": form, "unit": period.unit, "title": period.title})


@login_required
def period_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    """Rule: members in good standing. Schedule, published documents, documents waiting for an issue."""
    period = access.access_period(request.user, period_id)
    can_manage = access.can_manage(request.user, period.unit)
    context = {
        "period": period,
        "issues": selectors.issues_of(period),
        "awaiting": selectors.documents_awaiting_issue(period),
        "replies": selectors.replies_outside_issues(period),
        "drafts": selectors.own_drafts(period, member(request)),
        "can_take_part": access.can_take_part(request.user, period.unit),
        "can_manage": can_manage,
        "open_issues": selectors.unpublished_issues(period) if can_manage else [],
        "appeals": selectors.pending_appeals(period) if can_manage else [],
        "is_subscribed": selectors.is_subscribed(period, member(request)),
        "feed_key": feeds.feed_key(member(request), period),
    }
    return render(request, "bulletin/period_detail.html", context)


@login_required
def issue_create(request: HttpRequest, period_id: int) -> HttpResponse:
    """Rule: `manage_bulletin` in the period's unit. The next number on the schedule."""
    period = access.access_period(request.user, period_id, for_write=True)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_schedule(actor=member(request), period=period, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Issue %d scheduled.") % issue.number)
            return redirect(period)
    title = _("Schedule issue %d") % selectors.next_issue_number(period)
    return render(request, "org/form.html", {"form": form, "unit": period.unit, "title": title})


def _issue_context(request: HttpRequest, issue_id: int) -> dict[str, object]:
    issue = access.access_issue(request.user, issue_id)
    can_manage = access.can_manage(request.user, issue.period.unit)
    documents = list(selectors.documents_of_issue(issue))
    if not issue.is_published and not can_manage:
        documents = []  # the contents of an issue are news on its date, not before
    return {"issue": issue, "period": issue.period, "documents": documents, "can_manage": can_manage}


@login_required
def issue_detail(request: HttpRequest, issue_id: int) -> HttpResponse:
    """Rule: members in good standing; an unpublished issue's contents only to editors. One page per issue."""
    return render(request, "bulletin/issue_detail.html", _issue_context(request, issue_id))


@login_required
def issue_print(request: HttpRequest, issue_id: int) -> HttpResponse:
    """Rule: as the issue. The printable digest: every document in full, print stylesheet, no navigation."""
    return render(request, "bulletin/issue_print.html", _issue_context(request, issue_id))


@login_required
@require_POST
def issue_publish(request: HttpRequest, issue_id: int) -> HttpResponse:
    """Rule: `manage_bulletin` in the period's unit; publishes now rather than on its date."""
    issue = access.access_issue(request.user, issue_id, for_write=True)
    action = partial(services.issue_publish, actor=member(request), issue=issue)
    return act(request, issue, action, _("Issue %d published.") % issue.number)


@login_required
@require_POST
def subscribe(request: HttpRequest, period_id: int) -> HttpResponse:
    """Rule: members in good standing; each published issue by email (one-click unsubscribe in every email)."""
    period = access.access_period(request.user, period_id)
    wanted = request.POST.get("subscribed") == "1"
    action = partial(services.subscription_set, actor=member(request), period=period, subscribed=wanted)
    done = _("You will get each issue by email.") if wanted else _("No more issues by email.")
    return act(request, period, action, done)


def period_feed(request: HttpRequest, period_id: int) -> HttpResponse:
    """Rule: members in good standing, by their session or by the personal key in the feed's address (a feed
    reader has no session). Anyone else is sent to log in."""
    viewer = (
        request.user if request.user.is_authenticated else feeds.member_for_key(request.GET.get("key", ""), period_id)
    )
    if viewer is None:
        return redirect_to_login(request.get_full_path())
    period = access.access_period(viewer, period_id)
    return HttpResponse(feeds.period_atom(request, period), content_type="application/atom+xml; charset=utf-8")
