"""URLs of the meetings app (included at the site root). Every one has an entry in tests/test_permission_matrix.py."""

from django.urls import path

from rankandfile.meetings.views import chair, live, member, minutes, projector, setup

app_name = "meetings"

urlpatterns = [
    path("units/<int:unit_id>/meetings/", setup.unit_meetings, name="unit_meetings"),
    path("units/<int:unit_id>/meetings/new/", setup.meeting_create, name="create"),
    # The three screens, and what live clients fetch.
    path("meetings/<int:meeting_id>/", member.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/chair/", chair.chair_console, name="chair"),
    path("meetings/<int:meeting_id>/chair/controls/", chair.chair_controls, name="chair_controls"),
    path("meetings/<int:meeting_id>/projector/", projector.projector, name="projector"),
    path("meetings/<int:meeting_id>/qr.svg", projector.qr_code, name="qr"),
    path("meetings/<int:meeting_id>/live/", live.live_fragments, name="live"),
    path("meetings/<int:meeting_id>/me/", member.my_panel, name="me"),
    path("meetings/<int:meeting_id>/edit/", setup.meeting_edit, name="edit"),
    path("meetings/<int:meeting_id>/rules/", setup.meeting_rules, name="rules"),
    # Members.
    path("meetings/<int:meeting_id>/check-in/", member.check_in, name="check_in"),
    path("meetings/<int:meeting_id>/check-in/<str:code>/", member.check_in_code, name="check_in_code"),
    path("meetings/<int:meeting_id>/hand/raise/", member.hand_raise, name="hand_raise"),
    path("meetings/<int:meeting_id>/hand/withdraw/", member.hand_withdraw, name="hand_withdraw"),
    path("meetings/<int:meeting_id>/speech/summary/", member.speech_summary, name="speech_summary"),
    path("meetings/<int:meeting_id>/dissent/", minutes.dissent, name="dissent"),
    # The chair.
    path("meetings/<int:meeting_id>/open/", chair.meeting_open, name="open"),
    path("meetings/<int:meeting_id>/close/", chair.meeting_close, name="close"),
    path("meetings/<int:meeting_id>/items/new/", chair.item_add, name="item_add"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/move/", chair.item_move, name="item_move"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/select/", chair.item_select, name="item_select"),
    path("meetings/<int:meeting_id>/attendance/new/", chair.attendance_add, name="attendance_add"),
    path("meetings/<int:meeting_id>/speakers/new/", chair.speaker_add, name="speaker_add"),
    path("meetings/<int:meeting_id>/speakers/names/", chair.speaker_lookup, name="speaker_lookup"),
    path("meetings/<int:meeting_id>/speakers/insert/", chair.request_insert, name="request_insert"),
    path("meetings/<int:meeting_id>/speakers/move/", chair.request_move, name="request_move"),
    path("meetings/<int:meeting_id>/speakers/remove/", chair.request_remove, name="request_remove"),
    path("meetings/<int:meeting_id>/speech/next/", chair.speech_next, name="speech_next"),
    path("meetings/<int:meeting_id>/speech/pause/", chair.speech_pause, name="speech_pause"),
    path("meetings/<int:meeting_id>/speech/resume/", chair.speech_resume, name="speech_resume"),
    path("meetings/<int:meeting_id>/speech/end/", chair.speech_end, name="speech_end"),
    path("meetings/<int:meeting_id>/speech/extend/", chair.speech_extend, name="speech_extend"),
    path("meetings/<int:meeting_id>/speech/note/", chair.speech_note, name="speech_note"),
    path("meetings/<int:meeting_id>/motions/new/", chair.motion_add, name="motion_add"),
    path("meetings/<int:meeting_id>/motions/count/", chair.motion_count, name="motion_count"),
    # Minutes.
    path("meetings/<int:meeting_id>/minutes/", minutes.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/minutes.md", minutes.minutes_markdown, name="minutes_md"),
    path("meetings/<int:meeting_id>/minutes/edit/", minutes.minutes_edit, name="minutes_edit"),
    path("meetings/<int:meeting_id>/minutes/approve/", minutes.minutes_approve, name="minutes_approve"),
]
