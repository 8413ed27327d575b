"""The live contract of a meeting (docs/meetings.md, "Live updates").

Every write that changes what a screen shows bumps `Meeting.version` in its transaction; after commit the service
publishes one frame to group `meeting-<id>`:

    {"version": 42, "content": "<section id=\"meeting-now\" hx-swap-oob=\"true\" ...>…</section>…"}

`content` holds the *whole* shared state as out-of-band fragments, each a top-level element with an `id`, so a
client can apply the newest frame alone and skip the ones a burst coalesced. The same fragments come from the plain
GET endpoint `meetings:live` (version in the `X-Meeting-Version` header and on each fragment's `data-version`),
which a client calls after (re)connecting. Nothing per viewer is in a frame: see `meetings/static/meetings/live.js`.
"""

from __future__ import annotations

import json
import re

from django.template.loader import render_to_string

from rankandfile.live.hub import group_name, publish_on_commit
from rankandfile.meetings.models import Meeting
from rankandfile.meetings.selectors import LiveState, live_state

FRAGMENTS_TEMPLATE = "meetings/_live.html"


def group_for(meeting_id: int) -> str:
    return group_name("meeting", meeting_id)


# A line break and the indentation after it: one space says the same in HTML (the fragments have no <pre> or
# <textarea>, and user text in them has its line breaks as <br>).
_INDENT = re.compile(r"\s*\n\s*")


def render_fragments(state: LiveState) -> str:
    html = render_to_string(FRAGMENTS_TEMPLATE, {"live": state, "meeting": state.meeting})
    return _INDENT.sub(" ", html).strip()


def render_frame(meeting_id: int) -> str:
    state = live_state(meeting_id)
    if state is None:  # deleted in the meantime: an empty frame changes nothing on screen
        return json.dumps({"version": 0, "content": ""})
    frame = {"version": state.version, "content": render_fragments(state)}
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))  # UTF-8 text: "…" is 3 bytes, not 6


def publish(meeting: Meeting) -> None:
    """After the current transaction commits, send every screen of the meeting its new state."""
    meeting_id = meeting.pk
    publish_on_commit(group_for(meeting_id), meeting.version, lambda: render_frame(meeting_id))
