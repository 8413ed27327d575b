"""Notifications kept for members, and each member's choice of delivery per kind.

A notification is unique per (member, kind, object, event): raising the same event twice (a retried task, two
workers) finds the row already there. `emailed_at` is the sent-at stamp, set in the transaction that claims the
row for sending, before the email leaves: a retry finds it set and never emails twice (services.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rankandfile.notifications.domain.delivery import Delivery

DELIVERY_CHOICES = [
    (Delivery.IMMEDIATELY.value, _("by email, immediately")),
    (Delivery.DIGEST.value, _("in a daily email digest")),
    (Delivery.NEVER.value, _("never")),
]


class Notification(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    event = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500)
    delivery = models.CharField(max_length=12, choices=DELIVERY_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind", "object_id", "event"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="notification_member_newest"),
            models.Index(fields=["delivery", "emailed_at"], name="notification_to_email"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.member_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=60)
    delivery = models.CharField(max_length=12, choices=DELIVERY_CHOICES)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="preference_unique_kind")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}: {self.delivery}"
