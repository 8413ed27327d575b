from django.urls import path

from rankandfile.bulletin.views import caucuses, documents, moderation, periods, search

app_name = "bulletin"

urlpatterns = [
    path("units/<int:unit_id>/bulletin/", periods.unit_bulletin, name="unit"),
    path("units/<int:unit_id>/bulletin/new/", periods.period_create, name="period_create"),
    path("units/<int:unit_id>/caucuses/new/", caucuses.caucus_create, name="caucus_create"),
    path("bulletin/search/", search.search_documents, name="search"),
    path("bulletin/periods/<int:period_id>/", periods.period_detail, name="period"),
    path("bulletin/periods/<int:period_id>/edit/", periods.period_edit, name="period_edit"),
    path("bulletin/periods/<int:period_id>/issues/new/", periods.issue_create, name="issue_create"),
    path("bulletin/periods/<int:period_id>/subscribe/", periods.subscribe, name="subscribe"),
    path("bulletin/periods/<int:period_id>/feed.atom", periods.period_feed, name="feed"),
    path("bulletin/periods/<int:period_id>/documents/new/", documents.document_create, name="document_create"),
    path("bulletin/issues/<int:issue_id>/", periods.issue_detail, name="issue"),
    path("bulletin/issues/<int:issue_id>/print/", periods.issue_print, name="issue_print"),
    path("bulletin/issues/<int:issue_id>/publish/", periods.issue_publish, name="issue_publish"),
    path("bulletin/documents/<int:document_id>/", documents.document_detail, name="document"),
    path("bulletin/documents/<int:document_id>/edit/", documents.document_edit, name="document_edit"),
    path("bulletin/documents/<int:document_id>/submit/", documents.document_submit, name="document_submit"),
    path("bulletin/documents/<int:document_id>/withdraw/", documents.document_withdraw, name="document_withdraw"),
    path("bulletin/documents/<int:document_id>/sign/", documents.document_sign, name="document_sign"),
    path("bulletin/documents/<int:document_id>/unsign/", documents.document_unsign, name="document_unsign"),
    path("bulletin/documents/<int:document_id>/place/", documents.document_place, name="document_place"),
    path("bulletin/documents/<int:document_id>/propose/", documents.document_propose, name="document_propose"),
    path("bulletin/documents/<int:document_id>/link/", documents.document_link, name="document_link"),
    path("bulletin/documents/<int:document_id>/hide/", moderation.document_hide, name="document_hide"),
    path("bulletin/documents/<int:document_id>/appeal/", moderation.document_appeal, name="document_appeal"),
    path("bulletin/documents/<int:document_id>/revisions/<int:number>/", documents.revision_detail, name="revision"),
    path("bulletin/appeals/<int:appeal_id>/decide/", moderation.appeal_decide, name="appeal_decide"),
    path("bulletin/caucuses/<int:caucus_id>/", caucuses.caucus_detail, name="caucus"),
    path("bulletin/caucuses/<int:caucus_id>/join/", caucuses.caucus_join, name="caucus_join"),
    path("bulletin/caucuses/<int:caucus_id>/leave/", caucuses.caucus_leave, name="caucus_leave"),
]
