from django.urls import path

from rankandfile.org import views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("units/<int:unit_id>/directory/", views.unit_directory, name="directory"),
    path("units/<int:unit_id>/history/", views.unit_history, name="unit_history"),
    path("units/<int:unit_id>/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/rename/", views.unit_rename, name="unit_rename"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("units/<int:unit_id>/dissolve/", views.unit_dissolve, name="unit_dissolve"),
    path("units/<int:unit_id>/roles/new/", views.role_type_create, name="role_type_create"),
    path("units/<int:unit_id>/invite/", views.member_invite, name="invite"),
    path("units/<int:unit_id>/import/", views.member_import, name="import"),
    path("roles/<int:role_type_id>/appoint/", views.role_appoint, name="appoint"),
    path("terms/<int:term_id>/end/", views.term_end, name="term_end"),
    path("members/<int:member_id>/", views.member_profile, name="member"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/memberships/<int:membership_id>/leave/", views.membership_leave, name="membership_leave"),
    path("me/memberships/<int:membership_id>/contest/", views.membership_contest, name="membership_contest"),
    path("me/tokens/new/", views.api_token_create, name="token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="token_revoke"),
    path("join/<str:token>/", views.invitation_accept, name="accept_invitation"),
]
