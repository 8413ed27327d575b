"""What else ends when a member's term, seat or membership ends, in the apps above org.

org imports none of the apps above it (CONTRIBUTING, the apps contract). An app that keeps something for holders
of a role registers a handler once, in its AppConfig.ready() (cases: the accountability committee's case keys are
dropped and each case's key renewed, docs/cases.md). Every org service that can end a member's capabilities calls
`departures_record` inside its own transaction, so the ending and what follows from it commit or roll back
together. A term that simply runs out on its date has no service call: the app's scheduled sweep catches it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

DepartureHandler = Callable[[frozenset[int]], None]
DEPARTURE_HANDLERS: list[DepartureHandler] = []


def departure_handler_register(handler: DepartureHandler) -> None:
    if handler not in DEPARTURE_HANDLERS:
        DEPARTURE_HANDLERS.append(handler)


def departures_record(member_ids: Iterable[int]) -> None:
    """The members' terms or memberships just ended (inside the caller's transaction): every handler runs."""
    ids = frozenset(member_ids)
    if not ids:
        return
    for handler in DEPARTURE_HANDLERS:
        handler(ids)
