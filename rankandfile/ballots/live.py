"""The live count of ballots cast (docs/ballots.md, "Live count"): frames to group `ballot-<id>`, coalesced.

A frame's content is `ballots/_live.html`: the number of ballots cast and whether the ballot is closed, never
anything about how anyone voted. Version = 2 × count (+1 once closed): it only grows, so a frame that arrives late
never replaces a newer one, and the closing frame outranks every count.

In a convention hall hundreds of casts a second would each publish a frame to every phone, so the feed coalesces:
at most one frame per ballot every COALESCE_SECONDS while a server runs, with the count read after the cast
committed (rankandfile/live/publish.py). The cast door, which runs on the event loop, says so with `feed.changed`.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from rankandfile.ballots import selectors
from rankandfile.live.publish import Feed

COALESCE_SECONDS = 0.25


def _render(ballot_id: int) -> tuple[int, str] | None:
    ballot = selectors.ballot_by_id(ballot_id)
    if ballot is None:
        return None
    cast = selectors.participation_count(ballot_id)
    version = 2 * cast + (1 if ballot.is_closed else 0)
    return version, render_to_string("ballots/_live.html", {"ballot": ballot, "cast": cast, "version": version})


feed = Feed("ballot", _render, coalesce_seconds=COALESCE_SECONDS)
