"""The Django admin is for site operators: look things up, and switch an account off or on.

Everything that changes the organization (units, memberships, roles and their capabilities, role terms) goes
through the audited services and the members' own pages, so those are read-only here; otherwise an operator could
grant capabilities or rewrite history with no trace in the audit chain. The admin shows no confidential content.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from rankandfile.audit.services import record
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "path", "kind", "dissolved_on")
    search_fields = ("name", "path")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("member", "unit", "status", "joined_on")
    list_filter = ("status",)


@admin.register(RoleType)
class RoleTypeAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "seats", "term_months", "term_limit")


@admin.register(RoleTerm)
class RoleTermAdmin(ReadOnlyAdmin):
    list_display = ("holder", "role_type", "starts_on", "ends_on", "how_filled")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Operators may deactivate an account (or give admin access); each change is recorded in the audit chain."""

    list_display = ("full_name", "email", "is_active", "is_staff")
    search_fields = ("full_name", "email")
    fields = ("full_name", "email", "is_active", "is_staff", "date_joined", "last_login")
    readonly_fields = ("full_name", "email", "date_joined", "last_login")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        record("member.admin_change", actor=request.user, obj=obj, payload=changed)


# django-otp registers its devices in the admin; a site operator must not read members' TOTP secrets or recovery
# codes (settings.OTP_ADMIN_HIDE_SENSITIVE_DATA hides only some fields), so they stay out altogether.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
