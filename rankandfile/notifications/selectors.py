"""Reads for notifications: the member's list and unread count, choices per kind, what waits to be emailed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rankandfile.notifications import kinds
from rankandfile.notifications.domain.delivery import Delivery, delivery_for
from rankandfile.notifications.models import Notification, Preference
from rankandfile.org.models import Member

PAGE = 50


def notifications_of(member: Member, *, limit: int = PAGE) -> list[Notification]:
    """The member's newest notifications (one query; nothing else is read per row)."""
    return list(
        Notification.objects.filter(member=member)
        .only("id", "kind", "title", "body", "link", "created_at", "read_at")
        .order_by("-created_at", "-id")[:limit]
    )


def unread_count(member: Member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).count()


def notification_by_id(notification_id: int) -> Notification | None:
    return Notification.objects.filter(pk=notification_id).first()


def member_by_id(member_id: int) -> Member | None:
    return Member.objects.filter(pk=member_id).first()


def active_member_ids(member_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(member_ids), 1000):
        chunk = member_ids[start : start + 1000]
        found.update(Member.objects.filter(pk__in=chunk, is_active=True).values_list("pk", flat=True))
    return found


def choices_for(kind: str, member_ids: Sequence[int]) -> dict[int, Delivery]:
    """The members' own choices for one kind (members without one are absent)."""
    chosen: dict[int, Delivery] = {}
    for start in range(0, len(member_ids), 1000):
        rows = Preference.objects.filter(kind=kind, member_id__in=member_ids[start : start + 1000])
        chosen.update((member_id, Delivery(value)) for member_id, value in rows.values_list("member_id", "delivery"))
    return chosen


def effective_choices(member: Member) -> list[tuple[str, Delivery]]:
    """Every registered kind with the member's delivery for it (their choice, else the kind's default)."""
    rows = Preference.objects.filter(member=member).values_list("kind", "delivery")
    chosen = {kind: Delivery(value) for kind, value in rows}
    return [(kind.key, delivery_for(kind.default, chosen.get(kind.key))) for kind in kinds.all_kinds()]


def notification_count(kind: str, object_id: int, event: str) -> int:
    return Notification.objects.filter(kind=kind, object_id=object_id, event=event).count()


def unsent_immediate(kind: str, object_id: int, event: str) -> list[int]:
    return list(
        Notification.objects.filter(
            kind=kind, object_id=object_id, event=event, delivery=Delivery.IMMEDIATELY, emailed_at__isnull=True
        )
        .order_by("id")
        .values_list("pk", flat=True)
    )


def members_with_digest_due(cutoff: dt.datetime) -> list[int]:
    return list(
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True, created_at__lt=cutoff)
        .order_by("member_id")
        .values_list("member_id", flat=True)
        .distinct()
    )
