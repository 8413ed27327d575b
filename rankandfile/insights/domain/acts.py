"""Officers' public acts, listed: chair overrides (with their reasons, as minuted) and appointments (with their
reasons, as in the role history), newest first. Nothing here is a figure about members: each act is already shown
to every member where it happened; this only gathers them in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from rankandfile.insights.domain.records import PublicAct

__all__ = ["ACTS_SHOWN", "newest_first"]

ACTS_SHOWN = 50


def newest_first(acts: Iterable[PublicAct], *, limit: int = ACTS_SHOWN) -> list[PublicAct]:
    """The `limit` latest acts, newest first (ties: overrides before appointments, then the higher id first)."""
    return sorted(acts, key=lambda a: (a.on, a.kind == "override", a.id), reverse=True)[:limit]
