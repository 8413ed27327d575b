"""Pages of the organization. Each view names its rule: `access_*` fetches and checks, services write."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.needs import needs_for
from rankandfile.org import access, selectors, services
from rankandfile.org.domain.capabilities import MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_UNITS
from rankandfile.org.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    AppointForm,
    EndTermForm,
    ImportMembersForm,
    InviteForm,
    MoveUnitForm,
    ProfileForm,
    RenameUnitForm,
    RoleTypeForm,
    UnitForm,
)
from rankandfile.org.models import Invitation, Member
from rankandfile.org.services import two_factor
from rankandfile.web import AuthedRequest, add_service_errors


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Rule: any logged-in account (a former member still sees their own memberships)."""
    context = selectors.home_summary(request.user)
    context["in_good_standing"] = access.is_member_in_good_standing(request.user)
    units = selectors.units_of_member(request.user) if context["in_good_standing"] else []
    context["needs"] = needs_for(request.user, units)
    return render(request, "org/home.html", context)


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    """Rule: members in good standing."""
    access.require_member(request.user)
    return render(request, "org/unit_list.html", {"units": selectors.unit_tree()})


@login_required
def unit_detail(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing; management links only with the capability."""
    unit = access.access_unit(request.user, unit_id)
    caps = access.capabilities_in(request.user, unit)
    context = {
        "unit": unit,
        "ancestors": selectors.ancestors(unit),
        "children": unit.children.order_by("name"),
        "roles": selectors.roles_of_unit(unit),
        "history": selectors.role_history_of_unit(unit, limit=20, begun_only=True),
        "caps": caps,
        "needs": needs_for(request.user, [unit]),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def unit_directory(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing see names, units, roles; contact details need `manage_members`."""
    unit = access.access_unit(request.user, unit_id)
    show_contacts = access.has_capability(request.user, unit, MANAGE_MEMBERS)
    status = request.GET.get("status", "active") if show_contacts else "active"
    page = selectors.directory_page(
        unit, page=request.GET.get("page", 1), query=request.GET.get("q", "").strip()[:100], status=status
    )
    context = {
        "unit": unit,
        "page": page,
        "show_contacts": show_contacts,
        "q": request.GET.get("q", ""),
        "status": status,
    }
    return render(request, "org/unit_directory.html", context)


@login_required
def unit_history(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing (role history is public to members)."""
    unit = access.access_unit(request.user, unit_id)
    return render(request, "org/unit_history.html", {"unit": unit, "history": selectors.role_history_of_unit(unit)})


@login_required
def unit_create(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_units` in the parent unit."""
    parent = access.access_unit(request.user, unit_id, capability=MANAGE_UNITS)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Unit created."))
            return redirect(unit)
    return render(request, "org/form.html", {"form": form, "title": _("New unit in %s") % parent, "unit": parent})


@login_required
def unit_rename(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_units` in the unit."""
    unit = access.access_unit(request.user, unit_id, capability=MANAGE_UNITS)
    form = RenameUnitForm(request.POST or None, initial={"name": unit.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_rename(actor=request.user, unit=unit, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Unit renamed."))
            return redirect(unit)
    return render(request, "org/form.html", {"form": form, "title": _("Rename %s") % unit, "unit": unit})


@login_required
def unit_move(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_units` in the unit and in the new parent."""
    unit = access.access_unit(request.user, unit_id, capability=MANAGE_UNITS)
    parents = selectors.movable_parents(unit, access.units_where(request.user, MANAGE_UNITS))
    form = MoveUnitForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(actor=request.user, unit=unit, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Unit moved."))
            return redirect(unit)
    return render(request, "org/form.html", {"form": form, "title": _("Move %s") % unit, "unit": unit})


@login_required
@require_POST
def unit_dissolve(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_units` in the unit. History is kept."""
    unit = access.access_unit(request.user, unit_id, capability=MANAGE_UNITS)
    try:
        services.unit_dissolve(actor=request.user, unit=unit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Unit dissolved; its history is kept."))
    return redirect(unit)


@login_required
def role_type_create(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_roles` in the unit."""
    unit = access.access_unit(request.user, unit_id, capability=MANAGE_ROLES)
    form = RoleTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_type_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Role defined."))
            return redirect(unit)
    return render(request, "org/form.html", {"form": form, "title": _("New role in %s") % unit, "unit": unit})


@login_required
def role_appoint(request: AuthedRequest, role_type_id: int) -> HttpResponse:
    """Rule: `manage_roles` in the role's unit; the reason is required and public."""
    role_type = access.access_role_type(request.user, role_type_id, capability=MANAGE_ROLES)
    seats = selectors.role_seats(role_type)
    form = AppointForm(
        request.POST or None,
        candidates=selectors.candidates_for_role(role_type),
        initial={"starts_on": seats.today, "ends_on": seats.appointment_ends_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_fill(
                role_type=role_type,
                holder=form.cleaned_data["holder"],
                how_filled="appointed",
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                appointed_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Appointment recorded in the role history."))
            return redirect(role_type.unit)
    title = _("Appoint to %(role)s, %(unit)s") % {"role": role_type.name, "unit": role_type.unit}
    context = {"form": form, "title": title, "unit": role_type.unit, "seats": seats}
    return render(request, "org/appoint_form.html", context)


@login_required
def term_end(request: AuthedRequest, term_id: int) -> HttpResponse:
    """Rule: `manage_roles` in the role's unit; the reason is public."""
    term = access.access_role_term(request.user, term_id, capability=MANAGE_ROLES)
    form = EndTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_end(actor=request.user, term=term, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Term ended."))
            return redirect(term.role_type.unit)
    title = _("End %(holder)s's term as %(role)s") % {"holder": term.holder, "role": term.role_type.name}
    return render(request, "org/form.html", {"form": form, "title": title, "unit": term.role_type.unit})


@login_required
def member_invite(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_members` in the unit."""
    unit = access.access_unit(request.user, unit_id, capability=MANAGE_MEMBERS)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, raw = services.member_invite(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            link = settings.SITE_URL + reverse("org:accept_invitation", args=[raw])
            send_mail(
                _("You are invited to %(unit)s on %(site)s") % {"unit": unit, "site": settings.SITE_NAME},
                _("%(who)s invites you to join %(unit)s.\n\nSet your password here (valid 14 days):\n%(link)s\n")
                % {"who": request.user, "unit": unit, "link": link},
                None,
                [invitation.email],
            )
            messages.success(request, _("Invitation sent to %s.") % invitation.email)
            return redirect(unit)
    return render(request, "org/form.html", {"form": form, "title": _("Invite to %s") % unit, "unit": unit})


IMPORT_PROBLEMS_SHOWN = 500  # a page listing 100,000 bad rows helps nobody; the count is always shown


@login_required
def member_import(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_members` in the unit (rows may go to the units under it). All or nothing unless skipping."""
    unit = access.access_unit(request.user, unit_id, capability=MANAGE_MEMBERS)
    # Bound on every POST: a POST with no file at all must show the field's error, not a blank form.
    form = ImportMembersForm(request.POST, request.FILES) if request.method == "POST" else ImportMembersForm()
    report = None
    if form.is_bound and form.is_valid():
        try:
            report = services.members_import(
                actor=request.user,
                unit=unit,
                file=form.cleaned_data["file"],
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    problems = report.problems if report else ()
    context = {
        "form": form,
        "unit": unit,
        "report": report,
        "problems": problems[:IMPORT_PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(problems) - IMPORT_PROBLEMS_SHOWN),
    }
    return render(request, "org/member_import.html", context)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Rule: anyone holding a valid, unused, unexpired invitation link; for an address that already has an account
    with a password, only that account, logged in (the link never sets its password)."""
    invitation = services.invitation_find(token)
    if invitation is None:
        raise Http404(_("This invitation link is not valid any more."))
    account = selectors.account_with_password(invitation.email)
    if account is not None:
        return _accept_invitation_as_member(request, invitation, account)
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        member = services.invitation_accept(
            invitation=invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
        )
        login(request, member, backend="rankandfile.org.auth.ThrottledEmailBackend")
        messages.success(request, _("Welcome to %s.") % invitation.unit)
        return redirect("home")
    title = _("Join %s") % invitation.unit
    return render(request, "org/form.html", {"form": form, "title": title, "public": True})


def _accept_invitation_as_member(request: HttpRequest, invitation: Invitation, account: Member) -> HttpResponse:
    is_owner = request.user.is_authenticated and request.user.pk == account.pk
    if is_owner and request.method == "POST":
        services.invitation_accept(invitation=invitation, actor=account)
        messages.success(request, _("Welcome to %s.") % invitation.unit)
        return redirect("home")
    context = {"invitation": invitation, "is_owner": is_owner, "title": _("Join %s") % invitation.unit}
    return render(request, "org/join_existing.html", context)


@login_required
def member_profile(request: AuthedRequest, member_id: int) -> HttpResponse:
    """Rule: members in good standing see names, units, role history; contacts as `can_see_contact_details`."""
    member = access.access_member_profile(request.user, member_id)
    context = {
        "profile": member,
        "memberships": selectors.memberships_of(member),
        "history": selectors.role_history_of_member(member),
        "show_contacts": access.can_see_contact_details(request.user, member),
    }
    return render(request, "org/member_profile.html", context)


@login_required
def my_profile(request: AuthedRequest) -> HttpResponse:
    """Rule: the logged-in account, about itself only."""
    member = request.user
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.profile_update(member=member, **form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect("org:my_profile")
    context = {
        "form": form,
        "token_form": ApiTokenForm(),
        "tokens": selectors.active_api_tokens(member),
        "new_token": request.session.pop("new_api_token", None),
        "memberships": selectors.memberships_of(member),
        "second_factor": {
            "enrolled": two_factor.is_enrolled(member),
            "required": access.needs_second_factor(member),
            "codes_left": two_factor.recovery_codes_left(member),
        },
    }
    return render(request, "org/my_profile.html", context)


@login_required
@require_POST
def api_token_create(request: AuthedRequest) -> HttpResponse:
    """Rule: the logged-in account creates tokens for itself, with the scopes and lifetime it picks."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.api_token_create(member=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown once, on the next page, then gone: only the hash is kept.
            request.session["new_api_token"] = raw
            return redirect("org:my_profile")
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for problem in errors:
            messages.error(request, f"{label}: {problem}" if label else str(problem))
    return redirect("org:my_profile")


@login_required
@require_POST
def api_token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    """Rule: only the token's owner (others get 404)."""
    token = access.access_own_api_token(request.user, token_id)
    services.api_token_revoke(member=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("org:my_profile")


@login_required
@require_POST
def membership_leave(request: AuthedRequest, membership_id: int) -> HttpResponse:
    """Rule: a member leaves their own membership of a unit (no expulsion without due process: docs/cases.md)."""
    membership = access.access_own_membership(request.user, membership_id)
    try:
        services.membership_leave(member=request.user, membership=membership, reason=request.POST.get("reason", ""))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("You left %(unit)s.") % {"unit": membership.unit.name})
    return redirect("org:my_profile")


@login_required
@require_POST
def membership_contest(request: AuthedRequest, membership_id: int) -> HttpResponse:
    """Rule: a member contests an exit an officer recorded for them; the contest stays on record."""
    membership = access.access_own_membership(request.user, membership_id)
    try:
        services.membership_contest(member=request.user, membership=membership, text=request.POST.get("text", ""))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Your contest is recorded."))
    return redirect("org:my_profile")
