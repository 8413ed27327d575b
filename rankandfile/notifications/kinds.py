"""The kinds of notification, registered by the apps that raise them (each app's `notices.py`).

A kind names what happened ("ballot.opened"), how members call it on their settings page, its default delivery,
who hears of it when the caller names nobody, and how it reads. The notifications app knows no other app: the
ballots, meetings and proposals apps register their kinds in their own `notices.py`, loaded when Django starts
(`apps.NotificationsConfig.ready`); a new app (bulletin, cases) adds a `notices.py` of its own.

Secrecy: `recipients` and `describe` must never tell one member anything about another's vote. A kind may speak to
a member about themselves (you have not voted yet) but never to others about who voted (docs/notifications.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rankandfile.notifications.domain.delivery import Delivery

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Notice:
    """What a notification says: a title (also the email's subject), a link on this site, and a short body."""

    title: str
    link: str
    body: str = ""


@dataclass(frozen=True)
class Kind:
    key: str  # "<app>.<what happened>", stored with each notification
    label: str | _StrPromise  # as the settings page says it: "A ballot opened on my roll"
    describe: Callable[[int, str], Notice | None]  # (object id, event) → the notice; None when the object is gone
    recipients: Callable[[int, str], Iterable[int]] = lambda object_id, event: ()  # member ids, when none are given
    default: Delivery = Delivery.IMMEDIATELY


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.key in _KINDS and _KINDS[kind.key] != kind:
        raise ValueError(f"the notification kind {kind.key!r} is registered twice")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"no notification kind {key!r}: register it in the app's notices.py") from None


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def is_known(key: str) -> bool:
    return key in _KINDS
