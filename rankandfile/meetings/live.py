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

from django.template.loader import render_to_string

from rankandfile.live.hub import group_name, publish_on_commit
from rankandfile.meetings.models import Meeting
from rankandfile.meetings.selectors import LiveState, live_state

FRAGMENTS_TEMPLATE = "meetings/_live.html"


def group_for(meeting_id: int) -> str:
    return group_name("meeting", meeting_id)


def render_fragments(state: LiveState) -> str:
    return render_to_string(FRAGMENTS_TEMPLATE, {"live": state, "meeting": state.meeting})


def render_frame(meeting_id: int) -> str:
    state = live_state(meeting_id)
    if state is None:  # deleted in the meantime: an empty frame changes nothing on screen
        return json.dumps({"version": 0, "content": ""})
    return json.dumps({"version": state.version, "content": render_fragments(state)})


def publish(meeting: Meeting) -> None:
    """After the current transaction commits, send every screen of the meeting its new state."""
    meeting_id = meeting.pk
    publish_on_commit(group_for(meeting_id), meeting.version, lambda: render_frame(meeting_id))
