"""The "Needs you" list (rankandfile/needs.py and each app's needs.py): what it lists, in what order, for whom.

The home page lists what needs a member in their units and the units above them; a unit page, in that unit only
(issue 12). A member hears only about themselves: a ballot drops off their list when they vote, not when others do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile import needs
from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.services import elections
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.meetings import services as meeting_services
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.org import selectors as org_selectors
from rankandfile.proposals import services as proposal_services
from rankandfile.testing import SmallOrg, log_in

pytestmark = pytest.mark.django_db


def _needs(org: SmallOrg, member: Any) -> list[needs.Need]:
    return needs.needs_for(member, org_selectors.units_of_member(member))


def test_it_finds_every_apps_source() -> None:
    assert {"ballots", "meetings", "proposals"} <= set(needs.sources())


def test_it_looks_in_the_members_units_and_those_above(org: SmallOrg) -> None:
    assert {u.name for u in org_selectors.units_of_member(org.alice)} == {"Leeds", "North", "National"}
    assert org_selectors.units_of_member(org.frank) == []  # lapsed


def test_it_lists_a_ballot_until_the_member_votes_in_it(org: SmallOrg) -> None:
    ballot = open_ballot(org, title="Steward election")
    [need] = [n for n in _needs(org, org.alice) if n.kind == "ballot"]
    assert (need.title, need.action, need.link, need.due_at) == (
        "Steward election",
        "Vote",
        ballot.get_absolute_url(),
        ballot.closes_at,
    )
    ballot_services.ballot_cast(ballot=ballot, voter=org.bob, names=["Ann"])  # someone else's vote
    assert [n.kind for n in _needs(org, org.alice)].count("ballot") == 1
    ballot_services.ballot_cast(ballot=ballot, voter=org.alice, names=["Ben"])
    assert [n.kind for n in _needs(org, org.alice)].count("ballot") == 0


def test_it_puts_a_live_meeting_first_then_the_nearest_deadline(org: SmallOrg) -> None:
    soon = open_ballot(org, title="Closes soon")
    later = open_ballot(org, title="Closes later")
    later.closes_at = timezone.now() + dt.timedelta(days=9)
    later.save(update_fields=["closes_at"])
    make_meeting(org, title="Live meeting")
    titles = [n.title for n in _needs(org, org.alice)]
    assert titles.index("Live meeting") < titles.index(soon.title) < titles.index(later.title)
    [live] = [n for n in _needs(org, org.alice) if n.kind == "meeting"]
    assert live.is_live and live.action == "Check in"
    meeting_services.attendance_check_in(member=org.alice, meeting=live_meeting(org))
    [live] = [n for n in _needs(org, org.alice) if n.kind == "meeting"]
    assert live.action == "Raise a hand"


def live_meeting(org: SmallOrg) -> Any:
    from rankandfile.meetings.models import Meeting

    return Meeting.objects.get(unit=org.leeds, status=Meeting.Status.OPEN)


def test_it_lists_the_next_meeting_of_each_unit_only(org: SmallOrg) -> None:
    make_meeting(org, is_open=False, title="Next week", starts_at=timezone.now() + dt.timedelta(days=7))
    make_meeting(org, is_open=False, title="Next month", starts_at=timezone.now() + dt.timedelta(days=30))
    assert [n.title for n in _needs(org, org.alice) if n.kind == "meeting"] == ["Next week"]
    assert [n.title for n in _needs(org, org.carol) if n.kind == "meeting"] == []  # York


def test_it_lists_minutes_waiting_for_approval(org: SmallOrg) -> None:
    meeting = make_meeting(org, title="Last week")
    meeting_services.meeting_close(actor=org.bob, meeting=meeting)
    [need] = [n for n in _needs(org, org.alice) if n.kind == "minutes"]
    assert need.link == reverse("meetings:minutes", args=[meeting.pk])


def test_it_lists_a_counter_proposal_with_its_progress(org: SmallOrg) -> None:
    proposal = proposal_services.proposal_create(actor=org.bob, unit=org.leeds, title="Rent strike", text="Strike.")
    proposal_services.proposal_submit(actor=org.bob, proposal=proposal)
    counter = proposal_services.proposal_create(
        actor=org.erin, unit=org.leeds, title="Rent talks", text="Talk.", answers=proposal
    )
    proposal_services.proposal_submit(actor=org.erin, proposal=counter)
    found = {n.title: n for n in _needs(org, org.alice) if n.kind == "proposal"}
    assert found["Rent strike"].progress is None
    counter_need = found["Counter-proposal: Rent talks"]
    assert counter_need.progress is not None and counter_need.progress[0] == 0
    assert "“Rent strike”" in counter_need.detail
    proposal_services.proposal_sign(actor=org.alice, proposal=counter)
    assert "Counter-proposal: Rent talks" not in {n.title for n in _needs(org, org.alice)}  # signed
    assert "Rent strike" not in {n.title for n in _needs(org, org.bob)}  # his own


def test_it_lists_open_nominations_and_a_nomination_to_answer(org: SmallOrg) -> None:
    election = elections.election_create(
        actor=org.dave,
        role_type=org.chair_role,
        seats=1,
        method="irv",
        nominations_close_at=timezone.now() + dt.timedelta(days=5),
        term_starts_on=timezone.localdate() + dt.timedelta(days=30),
    )
    assert [n.kind for n in _needs(org, org.alice)].count("election") == 1
    elections.nomination_create(actor=org.erin, election=election, nominee=org.alice)
    kinds = [n.kind for n in _needs(org, org.alice)]
    assert "nomination" in kinds and "election" not in kinds  # one entry: answer your nomination


def test_the_unit_page_lists_only_that_units_needs(org: SmallOrg, client: Client) -> None:
    open_ballot(org, title="Leeds ballot")
    open_ballot(org, title="National ballot", unit=org.national)
    log_in(client, org.alice)
    home = client.get("/").content.decode()
    assert "Needs you" in home and "Leeds ballot" in home and "National ballot" in home
    unit_page = client.get(reverse("org:unit", args=[org.leeds.pk])).content.decode()
    assert "Leeds ballot" in unit_page and "National ballot" not in unit_page


def test_a_lapsed_member_sees_no_needs(org: SmallOrg, client: Client) -> None:
    open_ballot(org, title="Leeds ballot")
    log_in(client, org.frank)
    assert "Leeds ballot" not in client.get("/").content.decode()
