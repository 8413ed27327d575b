"""The organization's case settings: categories, deadlines, retention period (docs/cases.md, "Case settings").

Rule for every view here: `accountability_committee` held in a role of the organization's top unit
(`access.require_top_committee`; 403 for other members, login for visitors). No case content is shown or needed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rankandfile.cases import access, forms, selectors, services
from rankandfile.web import AuthedRequest, add_service_errors, first_message


def _page(request: AuthedRequest, policy_form: forms.PolicyForm, add_form: forms.CategoryForm) -> HttpResponse:
    categories = selectors.all_categories()
    context = {
        "policy_form": policy_form,
        "add_form": add_form,
        "rows": [(c, selectors.category_in_use(c)) for c in categories],
        "last": len(categories) - 1,
    }
    return render(request, "cases/settings.html", context)


@login_required
def settings(request: AuthedRequest) -> HttpResponse:
    """Rule: `accountability_committee` at the top unit. Shows the settings; saves the deadlines and retention
    (action "policy") or adds a category (action "add"), errors on their fields."""
    access.require_top_committee(request.user)
    member = request.user
    policy = services.policy_get()
    initial = {f: getattr(policy, f) for f in ("acknowledge_days", "decide_days", "retention_years")}
    action = request.POST.get("action") if request.method == "POST" else None
    policy_form = forms.PolicyForm(request.POST if action == "policy" else None, initial=initial)
    add_form = forms.CategoryForm(request.POST if action == "add" else None, prefix="add")
    if action == "policy" and policy_form.is_valid():
        try:
            services.policy_set(actor=member, **policy_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(policy_form, error)
        else:
            messages.success(request, _("Saved. Cases already filed keep their deadlines."))
            return redirect("cases:settings")
    if action == "add" and add_form.is_valid():
        try:
            services.category_create(actor=member, name=add_form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(add_form, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("cases:settings")
    return _page(request, policy_form, add_form)


@login_required
def category(request: AuthedRequest, category_id: int) -> HttpResponse:
    """Rule: `accountability_committee` at the top unit. GET: the rename form; POST: rename (errors on the
    field), or move up/down, retire, restore, delete (refused with a message when the category is in use)."""
    access.require_top_committee(request.user)
    member = request.user
    found = access.access_category(category_id)
    action = request.POST.get("action") if request.method == "POST" else None
    form = forms.CategoryForm(request.POST if action == "rename" else None, initial={"name": found.name})
    if action == "rename" and form.is_valid():
        try:
            services.category_rename(actor=member, category=found, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Category renamed."))
            return redirect("cases:settings")
    elif action in {"up", "down", "retire", "restore", "delete"}:
        try:
            if action in {"up", "down"}:
                services.category_move(actor=member, category=found, offset=-1 if action == "up" else 1)
            elif action == "retire":
                services.category_retire(actor=member, category=found)
            elif action == "restore":
                services.category_restore(actor=member, category=found)
            else:
                services.category_delete(actor=member, category=found)
        except ValidationError as error:
            messages.error(request, first_message(error))
        else:
            messages.success(request, _("Categories updated."))
        return redirect("cases:settings")
    return render(request, "cases/category.html", {"form": form, "category": found})
