"""Every write to notifications: raise one (after the caller commits), email it once, digests, read, preferences.

How a notification travels (docs/notifications.md):
1. A service that changed something calls `notify_on_commit` inside its transaction. After commit, a task is
   queued (`tasks.fan_out`); a rolled-back change notifies nobody, and the caller's request never waits for email.
2. The task writes one row per recipient whose choice for the kind is not `never` (unique per member, kind,
   object and event, so a retried task adds nothing), then emails those who chose `immediately`.
3. Each email is claimed under the row's lock and stamped `emailed_at` in that same transaction before it leaves;
   a retry or a second worker finds the stamp and sends nothing. If the mail server refuses, the stamp is taken
   back so that the retry sends it. A worker that dies between the stamp and the send loses that one email: never
   twice is the promise, at the price of a rare never.
4. The digest task gathers what waits for a digest the same way, one email per member a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rankandfile import mail
from rankandfile.notifications import kinds, selectors
from rankandfile.notifications.domain.delivery import Delivery, delivery_for, is_listed, last_digest_moment
from rankandfile.notifications.models import Notification, Preference
from rankandfile.org.models import Member

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "rankandfile.notifications.unsubscribe"
DIGEST = "digest"  # the unsubscribe token's "kind" for the daily digest as a whole
BATCH = 1000
# Raise no notification (and send no email) inside: loading the demo's years of history is not news to anyone.
# The one switch lives with the shared tools, so that the apps below notifications obey it too.
muted = mail.muted


# --- raising a notification ----------------------------------------------------------------------------------
def notify_on_commit(*, kind: str, object_id: int, event: str = "", recipients: Sequence[int] | None = None) -> None:
    """After the caller's transaction commits, queue the notification of `kind` about `object_id`.

    `recipients` (member ids) when the caller knows them (a nominee, an author); else the kind says who.
    """
    kinds.get(kind)  # an unknown kind is a programming error: fail in the caller's tests, not in the worker
    if mail.is_muted():
        return
    members = list(recipients) if recipients is not None else None

    def queue() -> None:
        from rankandfile.notifications import tasks

        tasks.fan_out(kind, object_id, event, members)

    transaction.on_commit(queue)


def notification_fan_out(*, kind: str, object_id: int, event: str = "", recipients: Iterable[int] | None = None) -> int:
    """Write the notification for each recipient who wants it, then email those who chose `immediately`.

    Idempotent: a second run writes no row twice and emails nobody twice. Returns the rows written by this run.
    """
    spec = kinds.get(kind)
    notice = spec.describe(object_id, event)
    if notice is None:  # the object is gone, or no longer worth telling (a ballot closed before the task ran)
        return 0
    member_ids = sorted(set(recipients if recipients is not None else spec.recipients(object_id, event)))
    chosen = selectors.choices_for(kind, member_ids)
    active = selectors.active_member_ids(member_ids)
    rows = []
    for member_id in member_ids:
        delivery = delivery_for(spec.default, chosen.get(member_id))
        if member_id in active and is_listed(delivery):
            rows.append(
                Notification(
                    member_id=member_id,
                    kind=kind,
                    object_id=object_id,
                    event=event,
                    title=notice.title[:300],
                    body=notice.body,
                    link=notice.link,
                    delivery=delivery.value,
                )
            )
    before = selectors.notification_count(kind, object_id, event)
    Notification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    written = selectors.notification_count(kind, object_id, event) - before
    with get_connection() as connection:  # one connection to the mail server for the whole batch
        for notification_id in selectors.unsent_immediate(kind, object_id, event):
            notification_email(notification_id=notification_id, connection=connection)
    return written


# --- email -----------------------------------------------------------------------------------------------------
def notification_email(*, notification_id: int, connection: BaseEmailBackend | None = None) -> bool:
    """Claim, stamp and send one notification's email. False when it was sent (or claimed) already."""
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        notification.emailed_at = now
        notification.save(update_fields=["emailed_at"])
    member = notification.member
    body = render_to_string(
        "notifications/email.txt",
        {"member": member, "notification": notification, "link": settings.SITE_URL + notification.link}
        | _unsubscribe_context(member.pk, notification.kind),
    )
    _send_or_release(_message(member, notification.title, body, notification.kind), [notification.pk], now, connection)
    return True


def digest_send(*, now: dt.datetime | None = None) -> int:
    """Email each member, once, what waits for their digest since before today's digest hour. Returns emails sent."""
    now = now or timezone.now()
    cutoff = last_digest_moment(timezone.localtime(now), settings.NOTIFICATIONS_DIGEST_HOUR)
    with get_connection() as connection:  # one connection to the mail server for every digest
        return _digests(cutoff, now, connection)


def _digests(cutoff: dt.datetime, now: dt.datetime, connection: BaseEmailBackend) -> int:
    sent = 0
    for member_id in selectors.members_with_digest_due(cutoff):
        with transaction.atomic():
            claimed = list(
                Notification.objects.select_for_update()
                .filter(member_id=member_id, delivery=Delivery.DIGEST, emailed_at__isnull=True, created_at__lt=cutoff)
                .order_by("created_at", "id")
            )
            for notification in claimed:
                notification.emailed_at = now
            Notification.objects.bulk_update(claimed, ["emailed_at"])
        if not claimed:  # another worker took them
            continue
        member = claimed[0].member
        subject = ngettext(
            "%(site)s daily digest: %(n)d notification", "%(site)s daily digest: %(n)d notifications", len(claimed)
        ) % {"site": settings.SITE_NAME, "n": len(claimed)}
        body = render_to_string(
            "notifications/digest_email.txt",
            {"member": member, "notifications": claimed, "site_url": settings.SITE_URL}
            | _unsubscribe_context(member_id, DIGEST),
        )
        _send_or_release(_message(member, subject, body, DIGEST), [n.pk for n in claimed], now, connection)
        sent += 1
    return sent


def _message(member: Member, subject: str, body: str, kind: str) -> EmailMessage:
    url = unsubscribe_url(member.pk, kind)
    # RFC 8058: mail programs offer "unsubscribe" and POST "List-Unsubscribe=One-Click" to the link themselves.
    headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(subject, body, None, [member.email], headers=headers)


def _send_or_release(
    message: EmailMessage, ids: list[int], stamped_at: dt.datetime, connection: BaseEmailBackend | None
) -> None:
    """Send; if the mail server refuses, take the stamps back (only ours) so that the task's retry sends it."""
    message.connection = connection
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk__in=ids, emailed_at=stamped_at).update(emailed_at=None)
        raise


# --- unsubscribing without logging in ------------------------------------------------------------------------
def unsubscribe_token(member_id: int, kind: str) -> str:
    """A signed, non-expiring token naming the member and the kind (or `digest`); it grants nothing else."""
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=False)


def unsubscribe_url(member_id: int, kind: str) -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(member_id, kind)])


def _unsubscribe_context(member_id: int, kind: str) -> dict[str, str]:
    return {
        "unsubscribe_url": unsubscribe_url(member_id, kind),
        "settings_url": settings.SITE_URL + reverse("notifications:settings"),
    }


def read_unsubscribe_token(token: str) -> tuple[Member, str]:
    """The member and kind a token names. ValidationError for a tampered or unknown token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        member_id, kind = int(data["m"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(_("This unsubscribe link is not valid.")) from None
    member = selectors.member_by_id(member_id)
    if member is None or not (kind == DIGEST or kinds.is_known(kind)):
        raise ValidationError(_("This unsubscribe link is not valid."))
    return member, kind


def unsubscribe(*, token: str) -> tuple[Member, str]:
    """One click, no login: the kind (or every kind now sent by digest) becomes `never` for the token's member."""
    member, kind = read_unsubscribe_token(token)
    if kind == DIGEST:
        choices = {
            key: Delivery.NEVER for key, delivery in selectors.effective_choices(member) if delivery is Delivery.DIGEST
        }
    else:
        choices = {kind: Delivery.NEVER}
    preferences_set(member=member, choices=choices)
    return member, kind


# --- the member's own list and settings -----------------------------------------------------------------------
def preferences_set(*, member: Member, choices: dict[str, Delivery]) -> None:
    """Save the member's delivery for each kind named (unknown kinds are refused)."""
    unknown = [key for key in choices if not kinds.is_known(key)]
    if unknown:
        raise ValidationError(_("Unknown kind of notification: %s") % ", ".join(unknown))
    now = timezone.now()
    with transaction.atomic():
        for key, delivery in choices.items():
            Preference.objects.update_or_create(
                member=member, kind=key, defaults={"delivery": Delivery(delivery).value, "updated_at": now}
            )


def notification_open(*, member: Member, notification: Notification) -> Notification:
    """The member opens one of their notifications: it is read from now on."""
    if notification.member_id != member.pk:
        raise ValidationError(_("This is not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, member: Member) -> int:
    """Mark every unread notification of the member read. Returns how many."""
    return Notification.objects.filter(member=member, read_at__isnull=True).update(read_at=timezone.now())
