"""The Django admin shows operators which meetings exist; running them happens on the meeting screens."""

from django.contrib import admin
from django.http import HttpRequest

from rankandfile.meetings.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "starts_at", "kind", "mode", "status")
    list_filter = ("status", "kind", "mode")
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit", "chair", "secretary", "created_by", "current_item", "minutes_approved_in")
    readonly_fields = ("rules_preset", "rules", "version", "opened_at", "closed_at", "minutes_approved_at")

    # View only: every change to a meeting goes through the services (audited, broadcast), never the admin.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False
