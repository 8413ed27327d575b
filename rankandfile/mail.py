"""One switch for everything the site tells members: inside `muted()` no notification is raised and no email leaves,
whichever app would send it. The demo's loader and the culture simulator write years of a simulated past through
the services; that past is history, not news, and must reach nobody's inbox.

It sits with the shared tools, below every app, so that an app below notifications (org, whose recorded exit emails
the member) obeys the same switch as notifications itself (`notifications.services.muted` is this one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_muted: ContextVar[bool] = ContextVar("rankandfile_mail_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Tell nobody anything inside (notifications and direct emails alike)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    """Whether the caller is inside `muted()`: a service checks it when it would queue an email or a notification."""
    return _muted.get()
