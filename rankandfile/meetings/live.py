"""The live contract of a meeting (docs/meetings.md, "Live updates").

Every write that changes what a screen shows bumps `Meeting.version` in its transaction; after commit the service
publishes one frame to group `meeting-<id>` (`feed.publish_on_commit`, rankandfile/live/publish.py):

    {"version": 42, "content": "<section id=\"meeting-now\" hx-swap-oob=\"true\" ...>…</section>…"}

`content` holds the *whole* shared state as out-of-band fragments, each a top-level element with an `id`, so a
client can apply the newest frame alone and skip the ones a burst coalesced. The same fragments come from the plain
GET endpoint `meetings:live` (version in the `X-Meeting-Version` header and on each fragment's `data-version`),
which a client calls after (re)connecting. Nothing per viewer is in a frame: see `meetings/static/meetings/live.js`.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from rankandfile.live.publish import Feed
from rankandfile.meetings.selectors import LiveState, live_state

FRAGMENTS_TEMPLATE = "meetings/_live.html"

# A line break and the indentation after it: one space says the same in HTML (the fragments have no <pre> or
# <textarea>, and user text in them has its line breaks as <br>).
_INDENT = re.compile(r"\s*\n\s*")


def render_fragments(state: LiveState) -> str:
    html = render_to_string(FRAGMENTS_TEMPLATE, {"live": state, "meeting": state.meeting})
    return _INDENT.sub(" ", html).strip()


def _render(meeting_id: int) -> tuple[int, str] | None:
    state = live_state(meeting_id)
    return None if state is None else (state.version, render_fragments(state))


# Every change is sent as it commits: a speaking list is a few writes a minute.
feed = Feed("meeting", _render)
