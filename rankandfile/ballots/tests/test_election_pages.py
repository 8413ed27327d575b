"""Elections on the pages (issue 12): defaults that agree, "Nominate myself" in one press, nominees told."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.ballots.models import Nomination
from rankandfile.ballots.services import elections
from rankandfile.notifications.models import Notification
from rankandfile.org import services as org_services
from rankandfile.testing import SmallOrg, log_in


def client_for(member: Any) -> Client:
    client = Client()
    log_in(client, member)
    return client


def an_election(org: SmallOrg, role: Any = None) -> Any:
    return elections.election_create(
        actor=org.dave,
        role_type=role or org.chair_role,
        seats=1,
        method="irv",
        nominations_close_at=timezone.now() + dt.timedelta(days=2),
        term_starts_on=timezone.localdate() + dt.timedelta(days=60),
    )


def test_the_form_proposes_the_vacant_seats_and_a_method_that_fits_them(org: SmallOrg) -> None:
    treasurers = org_services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer", seats=2)
    initial = client_for(org.dave).get(reverse("ballots:election_create", args=[treasurers.pk])).context["form"].initial
    assert (initial["seats"], initial["method"]) == (2, "stv-scottish")
    org_services.seat_fill(role_type=treasurers, holder=org.erin, how_filled="elected")
    initial = client_for(org.dave).get(reverse("ballots:election_create", args=[treasurers.pk])).context["form"].initial
    assert (initial["seats"], initial["method"]) == (1, "irv")


def test_the_proposed_election_opens_as_proposed(org: SmallOrg) -> None:
    treasurers = org_services.role_type_create(actor=org.carol, unit=org.leeds, name="Treasurer", seats=2)
    url = reverse("ballots:election_create", args=[treasurers.pk])
    client = client_for(org.dave)
    form = client.get(url).context["form"]
    data = {name: form.initial[name] for name in ("seats", "method", "nominations_close_at", "term_starts_on")}
    assert client.post(url, data).status_code == 302
    assert treasurers.elections.get().seats == 2


def test_a_member_nominates_themself_with_one_button(org: SmallOrg) -> None:
    election = an_election(org)
    client = client_for(org.alice)
    page = client.get(election.get_absolute_url()).content.decode()
    assert "Nominate myself" in page
    client.post(reverse("ballots:nominate", args=[election.pk]), {"myself": "1"})
    nomination = Nomination.objects.get(election=election)
    assert nomination.nominee == org.alice and nomination.is_standing
    assert "Nominate myself" not in client.get(election.get_absolute_url()).content.decode()


def test_a_nominee_is_told_and_declines(org: SmallOrg, django_capture_on_commit_callbacks: Any) -> None:
    election = an_election(org)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(org.bob).post(reverse("ballots:nominate", args=[election.pk]), {"nominee": org.alice.pk})
    notice = Notification.objects.get(member=org.alice, kind="ballot.nomination")
    client = client_for(org.alice)
    page = client.get(notice.link).content.decode()
    assert "Accept and stand" in page and "Decline the nomination" in page and "Bob Chair nominated you" in page
    nomination = Nomination.objects.get(election=election)
    response = client.post(reverse("ballots:nomination_withdraw", args=[nomination.pk]), follow=True)
    assert "You declined the nomination." in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.withdrawn_at is not None and not nomination.is_standing
