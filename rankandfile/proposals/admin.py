"""Proposals are public to members; operators may look them up, but changes go through the services."""

from typing import Any

from django.contrib import admin

from rankandfile.proposals.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "author", "status", "revision", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)
    fields = ("title", "unit", "author", "answers", "status", "revision", "text")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
