from django.urls import path

from rankandfile.cases.views import committee, complainant, figures, intake, policy

app_name = "cases"

urlpatterns = [
    path("cases/report/", intake.report, name="report"),
    path("units/<int:unit_id>/report/", intake.public_report, name="public_report"),
    path("units/<int:unit_id>/cases/", figures.figures, name="figures"),
    path("cases/receipt/", complainant.receipt, name="receipt"),
    path("cases/mine/", complainant.mine, name="mine"),
    path("cases/mine/message/", complainant.mine_message, name="mine_message"),
    path("cases/mine/appeal/", complainant.mine_appeal, name="mine_appeal"),
    path("cases/mine/files/<int:attachment_id>/", complainant.mine_file, name="mine_file"),
    path("cases/mine/leave/", complainant.mine_leave, name="mine_leave"),
    path("cases/", committee.case_list, name="list"),
    path("cases/key/", committee.key, name="key"),
    path("cases/key/lock/", committee.key_lock, name="key_lock"),
    path("cases/record/", intake.record, name="record"),
    path("cases/settings/", policy.settings, name="settings"),
    path("cases/settings/categories/<int:category_id>/", policy.category, name="category"),
    path("cases/<str:reference>/", committee.case_detail, name="case"),
    path("cases/<str:reference>/entries/", committee.entry_add, name="entry_add"),
    path("cases/<str:reference>/state/", committee.move, name="move"),
    path("cases/<str:reference>/decide/", committee.decide, name="decide"),
    path("cases/<str:reference>/recuse/", committee.recuse, name="recuse"),
    path("cases/<str:reference>/appeal/", committee.appeal, name="appeal"),
    path("cases/<str:reference>/appeal-decision/", committee.appeal_decide, name="appeal_decide"),
    path("cases/<str:reference>/files/<int:attachment_id>/", committee.file, name="file"),
]
