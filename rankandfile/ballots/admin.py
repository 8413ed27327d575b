"""Operators see that ballots exist and in what state; never a ballot's contents, receipts or who voted.

Participation, CastBallot and the roll are not registered at all. Ballots and elections are read-only here: every
change goes through the audited services.
"""

from typing import Any

from django.contrib import admin

from rankandfile.ballots.models import Ballot, Election


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "kind", "method", "status", "opened_at", "closed_at")
    list_filter = ("status", "kind", "mode")
    fields = ("title", "unit", "kind", "method", "seats", "mode", "status", "cutoff_on", "opened_at", "closes_at")


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdmin):
    list_display = ("role_type", "seats", "method", "status", "nominations_close_at")
    fields = ("role_type", "seats", "method", "status", "nominations_close_at", "term_starts_on", "ballot")
