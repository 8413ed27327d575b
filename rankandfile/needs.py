"""What needs a member: the sources of the home page's "Needs you" list, registered by the apps that own them.

Mirrors `notifications/kinds.py`: the home page (org) knows no app above it. Each app declares, in its own
`needs.py`, a source: a function of the member and the units to look in that returns `Need`s (ballots to vote in,
meetings to check in to, proposals to co-sign, nominations to accept, minutes to approve). A new app (bulletin,
cases) adds a `needs.py` of its own; nothing here changes. Sources are found the first time the list is asked for.

Secrecy: a source speaks to a member about themselves ("not voted yet") and never about another member's vote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from rankandfile.org.models import Member, Unit


@dataclass(frozen=True)
class Need:
    """One thing a member should do, with the link that does it and its deadline (or start time)."""

    kind: str  # "ballot", "meeting", "proposal", "nomination", "minutes", ...
    title: str
    link: str
    action: str  # the button's verb: "Vote", "Check in", "Co-sign", ...
    unit_id: int
    unit_name: str
    due_at: dt.datetime | None = None  # the deadline, or when the meeting starts
    due_label: str = ""  # what `due_at` is: "closes", "starts", ...
    detail: str = ""
    tag: str = ""  # a word or two beside the title: "not voted yet"
    progress: tuple[int, int] | None = None  # (have, needed), e.g. co-signers
    is_live: bool = False  # happening now: listed first

    @property
    def progress_percent(self) -> int:
        if not self.progress or not self.progress[1]:
            return 0
        return min(100, self.progress[0] * 100 // self.progress[1])


# (member, units to look in) → what needs them there. `units` holds the member's units and those above them on the
# home page, one unit on a unit's page.
Source = Callable[["Member", "Sequence[Unit]"], Iterable[Need]]

_SOURCES: dict[str, Source] = {}
_discovered = False


def register(name: str, source: Source) -> Source:
    if name in _SOURCES and _SOURCES[name] is not source:
        raise ValueError(f"the needs source {name!r} is registered twice")
    _SOURCES[name] = source
    return source


def sources() -> dict[str, Source]:
    global _discovered  # noqa: PLW0603 -- discovered once per process, like Django's admin
    if not _discovered:
        autodiscover_modules("needs")
        _discovered = True
    return dict(_SOURCES)


def _order(need: Need) -> tuple[int, float, str]:
    # Live first, then the nearest deadline; without a deadline last.
    due = need.due_at.timestamp() if need.due_at else float("inf")
    return (0 if need.is_live else 1, due, need.title)


def needs_for(member: Member, units: Sequence[Unit]) -> list[Need]:
    """Everything that needs `member` in `units`, live first, then the nearest deadline first."""
    if not units:
        return []
    found: list[Need] = []
    for source in sources().values():
        found.extend(source(member, units))
    return sorted(found, key=_order)
