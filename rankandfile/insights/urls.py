from django.urls import path

from rankandfile.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.index, name="index"),
    path("insights/definitions/", views.definitions, name="definitions"),
    path("insights/me/", views.mine, name="mine"),
    path("insights/exit/<str:token>/", views.exit_survey, name="exit_survey"),
    path("units/<int:unit_id>/insights/", views.unit, name="unit"),
    path("units/<int:unit_id>/insights.csv", views.unit_csv, name="unit_csv"),
    path("units/<int:unit_id>/insights/surveys/new/", views.survey_new, name="survey_new"),
]
