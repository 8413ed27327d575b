from django.urls import path

from rankandfile.ballots import receipt_views, views

app_name = "ballots"

urlpatterns = [
    path("units/<int:unit_id>/ballots/", views.ballot_list, name="list"),
    path("units/<int:unit_id>/ballots/new/", views.ballot_create, name="create"),
    path("ballots/<int:ballot_id>/", views.ballot_detail, name="detail"),
    path("ballots/<int:ballot_id>/review/", views.ballot_review, name="review"),
    path("ballots/<int:ballot_id>/cast/", views.ballot_cast, name="cast"),
    path("ballots/<int:ballot_id>/my-receipt/", receipt_views.my_receipt, name="my_receipt"),
    path("ballots/<int:ballot_id>/live/", views.ballot_live, name="live"),
    path("ballots/<int:ballot_id>/projector/", views.ballot_projector, name="projector"),
    path("ballots/<int:ballot_id>/console/", views.ballot_console, name="console"),
    path("ballots/<int:ballot_id>/alternatives/", views.ballot_alternatives, name="alternatives"),
    path("ballots/<int:ballot_id>/open/", views.ballot_open, name="open"),
    path("ballots/<int:ballot_id>/close/", views.ballot_close, name="close"),
    path("ballots/<int:ballot_id>/results/", views.ballot_results, name="results"),
    path("ballots/<int:ballot_id>/box/", views.ballot_box, name="box"),
    path("ballots/<int:ballot_id>/box.json", views.ballot_box_download, name="box_download"),
    path("ballots/<int:ballot_id>/receipt/", views.ballot_receipt_check, name="receipt_check"),
    path("roles/<int:role_type_id>/elections/new/", views.election_create, name="election_create"),
    path("elections/<int:election_id>/", views.election_detail, name="election"),
    path("elections/<int:election_id>/nominate/", views.election_nominate, name="nominate"),
    path("elections/<int:election_id>/close-nominations/", views.election_close_nominations, name="close_nominations"),
    path("nominations/<int:nomination_id>/accept/", views.nomination_accept, name="nomination_accept"),
    path("nominations/<int:nomination_id>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
]
