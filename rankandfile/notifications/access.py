"""Who may see a notification: only the account it was written for (anyone else gets 404, not 403).

Any logged-in account reads its own list and settings, a lapsed member's too: what was sent to them is theirs,
and they must be able to stop it.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from rankandfile.notifications import selectors
from rankandfile.notifications.models import Notification


def access_notification(member: Any, notification_id: int) -> Notification:
    notification = selectors.notification_by_id(notification_id)
    if notification is None:
        raise Http404("No such notification.")
    if notification.member_id != member.pk:
        raise Http404("No such notification.")
    return notification
