from django.urls import path

from rankandfile.recall import views

app_name = "recall"

urlpatterns = [
    path("units/<int:unit_id>/recalls/", views.petition_list, name="list"),
    path("units/<int:unit_id>/recall-rules/", views.rules_edit, name="rules"),
    path("terms/<int:term_id>/recall/", views.petition_start, name="start"),
    path("recalls/<int:petition_id>/", views.petition_detail, name="detail"),
    path("recalls/<int:petition_id>/live/", views.petition_live, name="live"),
    path("recalls/<int:petition_id>/sign/", views.petition_sign, name="sign"),
    path("recalls/<int:petition_id>/unsign/", views.petition_unsign, name="unsign"),
    path("recalls/<int:petition_id>/respond/", views.petition_respond, name="respond"),
]
