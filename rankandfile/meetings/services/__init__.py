"""Every write to a meeting. One transaction each; permission checked here as well as in the view.

Each service that changes what a screen shows locks the meeting row by bumping `Meeting.version` first (so writes
to one meeting are serialized and numbered), and publishes the new state after commit
(`live.feed.publish_on_commit`). Chair overrides of the computed order or time (move, insert, remove, extend) need a
reason, become an `Override` row (shown to everyone and minuted) and an entry in the audit chain.
"""

from rankandfile.meetings.services.meetings import (
    attendance_add,
    attendance_check_in,
    item_add,
    item_move,
    item_select,
    meeting_close,
    meeting_create,
    meeting_open,
    meeting_set_rules,
    meeting_update,
)
from rankandfile.meetings.services.minutes import (
    dissent_add,
    minutes_approve,
    minutes_edit,
    motion_add,
    motion_count,
)
from rankandfile.meetings.services.speaking import (
    hand_raise,
    hand_withdraw,
    request_insert,
    request_move,
    request_remove,
    speaker_add,
    speech_end,
    speech_extend,
    speech_note,
    speech_pause,
    speech_resume,
    speech_start,
    speech_summarize,
)

__all__ = [
    "attendance_add",
    "attendance_check_in",
    "dissent_add",
    "hand_raise",
    "hand_withdraw",
    "item_add",
    "item_move",
    "item_select",
    "meeting_close",
    "meeting_create",
    "meeting_open",
    "meeting_set_rules",
    "meeting_update",
    "minutes_approve",
    "minutes_edit",
    "motion_add",
    "motion_count",
    "request_insert",
    "request_move",
    "request_remove",
    "speaker_add",
    "speech_end",
    "speech_extend",
    "speech_note",
    "speech_pause",
    "speech_resume",
    "speech_start",
    "speech_summarize",
]
