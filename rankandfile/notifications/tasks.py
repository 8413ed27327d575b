"""Notification work for the task worker (rankandfile/worker.py): fan-out after a commit, and the daily digest."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from rankandfile.notifications import services
from rankandfile.worker import every


@db_task(retries=3, retry_delay=60)
def fan_out(kind: str, object_id: int, event: str, recipients: list[int] | None) -> int:
    """Queued by `services.notify_on_commit`; a retry is harmless (services.notification_fan_out)."""
    return services.notification_fan_out(kind=kind, object_id=object_id, event=event, recipients=recipients)


@every("5", at_start=True)
def send_digests() -> int:
    """Hourly: the digest goes out in the first run at or after NOTIFICATIONS_DIGEST_HOUR, once a day per member."""
    return services.digest_send()
