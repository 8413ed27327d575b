"""The Django admin is for site operators. It shows organization records only, never confidential content."""

from django.contrib import admin

from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "path", "kind", "dissolved_on")
    search_fields = ("name", "path")
    readonly_fields = ("path", "depth")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "is_active", "is_staff")
    search_fields = ("full_name", "email")
    exclude = ("password", "user_permissions", "groups")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("member", "unit", "status", "joined_on")
    list_filter = ("status",)
    raw_id_fields = ("member", "unit")


@admin.register(RoleType)
class RoleTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "seats", "term_months", "term_limit")


@admin.register(RoleTerm)
class RoleTermAdmin(admin.ModelAdmin):
    """Read-only: role changes go through the services so that each one is audited."""

    list_display = ("holder", "role_type", "starts_on", "ends_on", "how_filled")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
