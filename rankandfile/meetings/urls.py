"""URLs of the meetings app (included at the site root). Every one has an entry in tests/test_permission_matrix.py."""

from django.urls import path

from rankandfile.meetings import views

app_name = "meetings"

urlpatterns = [
    path("units/<int:unit_id>/meetings/", views.unit_meetings, name="unit_meetings"),
    path("units/<int:unit_id>/meetings/new/", views.meeting_create, name="create"),
    # The three screens, and what live clients fetch.
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/chair/", views.chair_console, name="chair"),
    path("meetings/<int:meeting_id>/chair/controls/", views.chair_controls, name="chair_controls"),
    path("meetings/<int:meeting_id>/projector/", views.projector, name="projector"),
    path("meetings/<int:meeting_id>/qr.svg", views.qr_code, name="qr"),
    path("meetings/<int:meeting_id>/live/", views.live_fragments, name="live"),
    path("meetings/<int:meeting_id>/me/", views.my_panel, name="me"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:meeting_id>/rules/", views.meeting_rules, name="rules"),
    # Members.
    path("meetings/<int:meeting_id>/check-in/", views.check_in, name="check_in"),
    path("meetings/<int:meeting_id>/check-in/<str:code>/", views.check_in_code, name="check_in_code"),
    path("meetings/<int:meeting_id>/hand/raise/", views.hand_raise, name="hand_raise"),
    path("meetings/<int:meeting_id>/hand/withdraw/", views.hand_withdraw, name="hand_withdraw"),
    path("meetings/<int:meeting_id>/speech/summary/", views.speech_summary, name="speech_summary"),
    path("meetings/<int:meeting_id>/dissent/", views.dissent, name="dissent"),
    # The chair.
    path("meetings/<int:meeting_id>/open/", views.meeting_open, name="open"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="close"),
    path("meetings/<int:meeting_id>/items/new/", views.item_add, name="item_add"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/move/", views.item_move, name="item_move"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/select/", views.item_select, name="item_select"),
    path("meetings/<int:meeting_id>/attendance/new/", views.attendance_add, name="attendance_add"),
    path("meetings/<int:meeting_id>/speakers/new/", views.speaker_add, name="speaker_add"),
    path("meetings/<int:meeting_id>/speakers/insert/", views.request_insert, name="request_insert"),
    path("meetings/<int:meeting_id>/speakers/move/", views.request_move, name="request_move"),
    path("meetings/<int:meeting_id>/speakers/remove/", views.request_remove, name="request_remove"),
    path("meetings/<int:meeting_id>/speech/next/", views.speech_next, name="speech_next"),
    path("meetings/<int:meeting_id>/speech/pause/", views.speech_pause, name="speech_pause"),
    path("meetings/<int:meeting_id>/speech/resume/", views.speech_resume, name="speech_resume"),
    path("meetings/<int:meeting_id>/speech/end/", views.speech_end, name="speech_end"),
    path("meetings/<int:meeting_id>/speech/extend/", views.speech_extend, name="speech_extend"),
    path("meetings/<int:meeting_id>/speech/note/", views.speech_note, name="speech_note"),
    path("meetings/<int:meeting_id>/motions/new/", views.motion_add, name="motion_add"),
    path("meetings/<int:meeting_id>/motions/count/", views.motion_count, name="motion_count"),
    # Minutes.
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/minutes.md", views.minutes_markdown, name="minutes_md"),
    path("meetings/<int:meeting_id>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:meeting_id>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
]
