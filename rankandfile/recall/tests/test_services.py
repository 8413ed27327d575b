"""Recall petitions: start, sign and withdraw, the officer's response, the threshold opening the ballot by itself,
lapse, and the ballot's result ending the term and opening nominations for the remainder. Every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.models import Ballot, Election
from rankandfile.notifications.models import Notification
from rankandfile.org.models import Membership, RoleTerm
from rankandfile.org.services import membership_set_status, term_end
from rankandfile.recall import selectors, services
from rankandfile.recall.models import Petition, RecallRules
from rankandfile.testing import make_member

STATEMENT = "The organizer ignored **three** branch decisions.\n\n<script>alert(1)</script>"


@pytest.fixture
def bob_term(org: Any) -> RoleTerm:
    return RoleTerm.objects.get(holder=org.bob, role_type=org.chair_role)


@pytest.fixture
def leeds_members(org: Any) -> list[Any]:
    """Seven more members of Leeds: ten in good standing with alice, bob and erin, so 5 signatures are needed."""
    return [make_member(f"Leeds Member {i}", org.leeds) for i in range(7)]


def start(org: Any, term: RoleTerm, actor: Any = None) -> Petition:
    return services.petition_start(actor=actor or org.alice, term=term, statement=STATEMENT)


def sign_to_threshold(petition: Petition, signers: list[Any]) -> Petition:
    for member in signers:
        services.petition_sign(actor=member, petition=petition)
    petition.refresh_from_db()
    return petition


def close_ballot(ballot: Ballot) -> Ballot:
    with time_machine.travel(ballot.closes_at + dt.timedelta(minutes=1)):
        closed = ballot_services.ballots_close_due()
    assert [b.pk for b in closed] == [ballot.pk]
    ballot.refresh_from_db()
    return ballot


def vote(ballot: Ballot, voters: list[Any], choice: str) -> None:
    for voter in voters:
        ballot_services.ballot_cast(voter=voter, ballot=ballot, names=[choice])


# --- starting ----------------------------------------------------------------------------------------------
def test_it_starts_a_petition_with_the_roll_frozen_and_the_starter_signed(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = start(org, bob_term)
    assert petition.status == "open" and petition.unit == org.leeds
    assert petition.roll_size == 10 and petition.signatures_required == 5
    assert petition.quorum == 3  # 25 % of 10, rounded up
    assert selectors.has_signed(petition, org.alice) and selectors.signature_count(petition) == 1
    assert not selectors.is_on_roll(petition, org.frank)  # lapsed: not in good standing
    entry = AuditEntry.objects.get(action="recall.start")
    assert entry.payload["holder"] == org.bob.pk and entry.payload["signatures_required"] == 5
    assert (
        entry.actor_id is None and entry.actor == "system"
    )  # the starter is a signer: unnamed until the petition closes
    assert petition.lapses_at == petition.started_at + dt.timedelta(days=30)


def test_it_tells_the_officer_a_petition_started(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        petition = start(org, bob_term)
    notice = Notification.objects.get(kind="recall.started")
    assert notice.member == org.bob and str(petition.pk) in notice.link


def test_it_refuses_a_petition_from_outside_the_unit(org: Any, bob_term: RoleTerm) -> None:
    with pytest.raises(PermissionDenied):
        start(org, bob_term, actor=org.carol)  # York member, organizer of North: not a Leeds member


def test_it_refuses_a_petition_from_a_lapsed_member(org: Any, bob_term: RoleTerm) -> None:
    with pytest.raises(PermissionDenied):
        start(org, bob_term, actor=org.frank)


def test_it_refuses_a_petition_against_oneself(org: Any, bob_term: RoleTerm) -> None:
    with pytest.raises(ValidationError, match="against yourself"):
        start(org, bob_term, actor=org.bob)


def test_it_refuses_an_empty_statement(org: Any, bob_term: RoleTerm) -> None:
    with pytest.raises(ValidationError, match="statement"):
        services.petition_start(actor=org.alice, term=bob_term, statement="  ")


def test_it_refuses_a_term_that_is_not_current(org: Any, bob_term: RoleTerm) -> None:
    term_end(actor=org.carol, term=bob_term, reason="Moved away.")
    bob_term.refresh_from_db()
    with pytest.raises(ValidationError, match="not current"):
        start(org, bob_term)


def test_it_allows_one_petition_at_a_time_per_term(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    start(org, bob_term)
    with pytest.raises(ValidationError, match="already under way"):
        start(org, bob_term, actor=org.erin)


def test_it_recalls_appointed_terms_too(org: Any, leeds_members: list[Any]) -> None:
    from rankandfile.org.services import seat_fill

    term = seat_fill(
        role_type=org.organizer_role, holder=org.erin, how_filled="appointed", appointed_by=org.carol, reason="Cover."
    )
    petition = services.petition_start(actor=org.alice, term=term, statement="Appointed without a vote.")
    assert petition.unit == org.north and petition.status == "open"


# --- signing -----------------------------------------------------------------------------------------------
def test_it_counts_signatures_and_lets_a_signer_withdraw(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = start(org, bob_term)
    services.petition_sign(actor=org.erin, petition=petition)
    assert selectors.signature_count(petition) == 2
    services.petition_unsign(actor=org.erin, petition=petition)
    assert selectors.signature_count(petition) == 1
    with pytest.raises(ValidationError, match="not signed"):
        services.petition_unsign(actor=org.erin, petition=petition)


def test_it_refuses_a_second_signature(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = start(org, bob_term)
    with pytest.raises(ValidationError, match="already signed"):
        services.petition_sign(actor=org.alice, petition=petition)


def test_the_officer_may_not_sign(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = start(org, bob_term)
    with pytest.raises(ValidationError, match="cannot sign"):
        services.petition_sign(actor=org.bob, petition=petition)


def test_a_member_who_joined_after_the_start_may_not_sign(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = start(org, bob_term)
    newcomer = make_member("New Comer", org.leeds)
    with pytest.raises(ValidationError, match="when the petition started"):
        services.petition_sign(actor=newcomer, petition=petition)


def test_a_member_made_lapsed_after_the_start_stays_on_the_frozen_roll(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = start(org, bob_term)
    membership = Membership.objects.get(member=leeds_members[0], unit=org.leeds)
    membership_set_status(actor=org.carol, membership=membership, status=Membership.Status.LAPSED)
    assert selectors.is_on_roll(petition, leeds_members[0])
    assert selectors.roll_member_ids(petition) == sorted(selectors.roll_member_ids(petition))
    assert len(selectors.roll_member_ids(petition)) == 10


def test_it_keeps_who_signed_hidden_until_the_petition_closes(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = start(org, bob_term)
    services.petition_sign(actor=org.erin, petition=petition)
    assert selectors.public_signatures(petition) == []
    assert not AuditEntry.objects.filter(action__startswith="recall.", payload__has_key="signers").exists()
    petition = sign_to_threshold(petition, leeds_members[:3])
    assert {s.member for s in selectors.public_signatures(petition)} == {org.alice, org.erin, *leeds_members[:3]}


# --- the threshold opens the ballot by itself --------------------------------------------------------------
def test_the_threshold_opens_a_secret_yes_no_ballot_on_the_frozen_roll(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = start(org, bob_term)
    newcomer = make_member("New Comer", org.leeds)
    petition = sign_to_threshold(petition, [org.erin, *leeds_members[:3]])
    assert petition.status == "ballot" and petition.ballot is not None
    ballot = petition.ballot
    assert ballot.is_open and ballot.opened_by_rule and ballot.created_by is None
    assert ballot.kind == "question" and ballot.method == "yes-no" and ballot.threshold == "majority"
    assert ballot.quorum == 3 and ballot.eligible_count == 10
    assert ballot.closes_at and ballot.opened_at
    assert abs(ballot.closes_at - ballot.opened_at - dt.timedelta(days=14)) < dt.timedelta(seconds=5)
    assert not ballot.roll.filter(member=newcomer).exists()
    opened = AuditEntry.objects.get(action="ballot.open", object_id=str(ballot.pk))
    assert opened.actor_id is None and "recall petition" in opened.payload["opened_by_rule"]
    threshold = AuditEntry.objects.get(action="recall.threshold")
    assert threshold.payload["signatures"] == 5


def test_it_tells_the_signers_when_the_ballot_opens(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    told = set(Notification.objects.filter(kind="recall.ballot_opened").values_list("member_id", flat=True))
    assert told == {org.alice.pk, org.erin.pk, *(m.pk for m in leeds_members[:3])}
    assert petition.ballot is not None


def test_no_signature_or_withdrawal_after_the_threshold(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    with pytest.raises(ValidationError, match="no longer collecting"):
        services.petition_sign(actor=leeds_members[5], petition=petition)
    with pytest.raises(ValidationError, match="no longer collecting"):
        services.petition_unsign(actor=org.erin, petition=petition)


def test_no_officer_can_close_the_recall_ballot_early(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    assert petition.ballot is not None
    with pytest.raises(ValidationError, match="nobody may close it early"):
        ballot_services.ballot_close(actor=org.dave, ballot=petition.ballot)


def test_the_officer_may_not_vote_twice(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    assert petition.ballot is not None
    vote(petition.ballot, [org.bob], "No")
    with pytest.raises(ValidationError):
        vote(petition.ballot, [org.bob], "No")


# --- the result --------------------------------------------------------------------------------------------
def test_a_carried_recall_ends_the_term_and_opens_nominations_for_the_remainder(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    would_end_on = bob_term.ends_on
    petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    ballot = petition.ballot
    assert ballot is not None
    vote(ballot, [org.alice, org.erin, *leeds_members[:4]], "Yes")
    vote(ballot, [org.bob, *leeds_members[4:7]], "No")
    ballot = close_ballot(ballot)
    petition.refresh_from_db()
    bob_term.refresh_from_db()
    assert petition.status == "carried"
    assert petition.result == f"recalled by ballot {ballot.pk}, 60 % yes, quorum met"
    assert bob_term.ended_early_reason == petition.result
    assert ballot.closed_at is not None
    closed_on = timezone.localdate(ballot.closed_at)
    assert bob_term.ends_on == closed_on and not bob_term.is_current(closed_on)
    election = Election.objects.get(pk=petition.election_id_ref)
    assert election.status == "nominating" and election.created_by is None and election.seats == 1
    assert election.term_ends_on == would_end_on
    assert AuditEntry.objects.filter(action="role.recalled", object_id=str(bob_term.pk)).exists()
    assert AuditEntry.objects.filter(action="recall.carried").exists()


def test_a_recall_without_a_majority_fails_and_the_officer_stays(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    assert petition.ballot is not None
    vote(petition.ballot, [org.alice, org.erin], "Yes")
    vote(petition.ballot, [org.bob, *leeds_members[:3]], "No")
    ballot = close_ballot(petition.ballot)
    petition.refresh_from_db()
    bob_term.refresh_from_db()
    assert petition.status == "failed"
    assert petition.result == f"not recalled by ballot {ballot.pk}, 33 % yes, quorum met"
    assert bob_term.is_current(timezone.localdate(ballot.closed_at)) and bob_term.ended_early_reason == ""
    assert petition.election_id_ref is None


def test_a_recall_without_quorum_fails(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    assert petition.ballot is not None
    vote(petition.ballot, [org.alice, org.erin], "Yes")  # 2 of the 3 ballots the quorum needs
    close_ballot(petition.ballot)
    petition.refresh_from_db()
    assert petition.status == "failed" and petition.result.endswith("quorum not met")
    bob_term.refresh_from_db()
    assert bob_term.is_current()


def test_no_new_petition_within_six_months_of_a_failed_recall(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = sign_to_threshold(start(org, bob_term), [org.erin, *leeds_members[:3]])
    assert petition.ballot is not None
    vote(petition.ballot, [org.bob, org.erin, *leeds_members[:3]], "No")
    close_ballot(petition.ballot)
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=20)),
        pytest.raises(ValidationError, match="may start on"),
    ):
        start(org, bob_term, actor=org.erin)
    bob_term.ends_on = timezone.localdate() + dt.timedelta(days=400)
    bob_term.save(update_fields=["ends_on"])
    with time_machine.travel(timezone.now() + dt.timedelta(days=200)):
        assert start(org, bob_term, actor=org.erin).status == "open"


# --- the officer's response --------------------------------------------------------------------------------
def test_the_officer_publishes_a_response_and_nobody_else_may(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    petition = start(org, bob_term)
    with pytest.raises(ValidationError, match="Only the officer"):
        services.petition_respond(actor=org.alice, petition=petition, response="Not me.")
    with pytest.raises(ValidationError, match="Write your response"):
        services.petition_respond(actor=org.bob, petition=petition, response=" ")
    services.petition_respond(actor=org.bob, petition=petition, response="I followed the steering committee.")
    petition.refresh_from_db()
    assert petition.response.startswith("I followed") and petition.responded_at is not None
    assert AuditEntry.objects.filter(action="recall.respond").exists()


# --- lapse -------------------------------------------------------------------------------------------------
def test_a_petition_lapses_after_thirty_days(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = start(org, bob_term)
    with time_machine.travel(petition.lapses_at - dt.timedelta(minutes=1)):
        assert services.petitions_lapse_due() == []
    with time_machine.travel(petition.lapses_at + dt.timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="lapsed"):
            services.petition_sign(actor=org.erin, petition=petition)
        lapsed = services.petitions_lapse_due()
        assert [p.pk for p in lapsed] == [petition.pk]
        assert services.petitions_lapse_due() == []  # twice is harmless
    petition.refresh_from_db()
    assert petition.status == "lapsed" and petition.signatures_are_public
    assert AuditEntry.objects.filter(action="recall.lapsed").exists()
    assert start(org, bob_term, actor=org.erin).status == "open"  # a lapse is no failed recall: no waiting period


def test_an_open_petition_ends_when_the_term_ends(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = start(org, bob_term)
    term_end(actor=org.carol, term=bob_term, reason="Resigned.")
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        services.petitions_lapse_due()
    petition.refresh_from_db()
    assert petition.status == "ended"


# --- rules -------------------------------------------------------------------------------------------------
def test_the_organization_sets_its_rules_at_its_top_unit(
    org: Any, bob_term: RoleTerm, leeds_members: list[Any]
) -> None:
    services.recall_rules_set(
        actor=org.dave, unit=org.national, threshold="two-thirds", signature_percent=50, signature_minimum=2
    )
    assert RecallRules.objects.get(unit=org.national).signature_percent == 50
    petition = start(org, bob_term)
    assert petition.signatures_required == 5 and petition.threshold == "two-thirds"


def test_rules_are_refused_below_the_top_unit_without_the_capability_or_out_of_range(org: Any) -> None:
    with pytest.raises(ValidationError, match="top unit"):
        services.recall_rules_set(actor=org.dave, unit=org.leeds, signature_percent=10)
    with pytest.raises(PermissionDenied):
        services.recall_rules_set(actor=org.carol, unit=org.national, signature_percent=10)
    with pytest.raises(ValidationError, match="Between 1 and 50"):
        services.recall_rules_set(actor=org.dave, unit=org.national, signature_percent=90)


def test_a_petition_keeps_the_rules_it_started_with(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    petition = start(org, bob_term)
    services.recall_rules_set(actor=org.dave, unit=org.national, signature_percent=50, signature_minimum=9)
    petition.refresh_from_db()
    assert petition.signatures_required == 5


def test_a_small_unit_can_still_recall(org: Any, bob_term: RoleTerm) -> None:
    """Leeds without the extra members: alice, bob and erin. Five signatures are impossible; two suffice."""
    petition = start(org, bob_term)
    assert petition.signatures_required == 2
    petition = sign_to_threshold(petition, [org.erin])
    assert petition.status == "ballot"


def test_the_worker_job_closes_due_petitions(org: Any, bob_term: RoleTerm, leeds_members: list[Any]) -> None:
    from rankandfile.recall import tasks

    petition = start(org, bob_term)
    with time_machine.travel(petition.lapses_at + dt.timedelta(minutes=1)):
        tasks.recall_petitions_lapse_due.call_local()
    petition.refresh_from_db()
    assert petition.status == "lapsed"
