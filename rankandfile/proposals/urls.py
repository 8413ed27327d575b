from django.urls import path

from rankandfile.proposals import views

app_name = "proposals"

urlpatterns = [
    path("units/<int:unit_id>/proposals/", views.proposal_list, name="list"),
    path("units/<int:unit_id>/proposals/new/", views.proposal_create, name="create"),
    path("units/<int:unit_id>/decision-rules/", views.rules_edit, name="rules"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="detail"),
    path("proposals/<int:proposal_id>/live/", views.proposal_live, name="live"),
    path("proposals/<int:proposal_id>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:proposal_id>/submit/", views.proposal_submit, name="submit"),
    path("proposals/<int:proposal_id>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:proposal_id>/agenda/", views.proposal_put_on_agenda, name="agenda"),
    path("proposals/<int:proposal_id>/sign/", views.proposal_sign, name="sign"),
    path("proposals/<int:proposal_id>/unsign/", views.proposal_unsign, name="unsign"),
    path("proposals/<int:proposal_id>/counter/", views.counter_create, name="counter"),
    path("proposals/<int:proposal_id>/amend/", views.amendment_create, name="amend"),
    path("proposals/<int:proposal_id>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("amendments/<int:amendment_id>/", views.amendment_detail, name="amendment"),
    path("amendments/<int:amendment_id>/accept/", views.amendment_accept, name="amendment_accept"),
    path("amendments/<int:amendment_id>/withdraw/", views.amendment_withdraw, name="amendment_withdraw"),
]
