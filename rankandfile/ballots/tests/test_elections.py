"""Elections for roles: open nominations, acceptance, acclamation when candidates ≤ seats, else a ballot whose
winners get role terms linked to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.ballots import services
from rankandfile.ballots.models import Election
from rankandfile.ballots.services import elections
from rankandfile.org.models import RoleTerm, RoleType
from rankandfile.testing import log_in, make_member

SOON = dt.timedelta(days=2)
LATER = dt.timedelta(days=3)


@pytest.fixture
def committee(org: Any) -> RoleType:
    """A three-seat Leeds branch committee, empty."""
    return RoleType.objects.create(unit=org.leeds, name="Branch committee", seats=3, term_months=12, term_limit=2)


def election(org: Any, role: RoleType, seats: int, method: str = "stv-scottish") -> Election:
    return elections.election_create(
        actor=org.dave,
        role_type=role,
        seats=seats,
        method=method,
        nominations_close_at=timezone.now() + SOON,
        term_starts_on=timezone.localdate() + dt.timedelta(days=7),
    )


def stand(org: Any, e: Election, *members: Any) -> None:
    for member in members:
        elections.nomination_create(actor=member, election=e, nominee=member, statement=f"I am {member}.")


def close_nominations(org: Any, e: Election) -> Election:
    with time_machine.travel(timezone.now() + SOON + dt.timedelta(minutes=1)):
        return elections.election_close_nominations(actor=org.dave, election=e)


def test_it_acclaims_when_candidates_do_not_outnumber_seats(org: Any, committee: RoleType) -> None:
    e = election(org, committee, seats=3)
    stand(org, e, org.alice, org.erin)
    e = close_nominations(org, e)
    assert e.status == "acclaimed" and e.ballot is None
    terms = RoleTerm.objects.filter(role_type=committee)
    assert {t.holder for t in terms} == {org.alice, org.erin}
    assert {t.how_filled for t in terms} == {"acclaimed"} and {t.ballot_ref for t in terms} == {None}
    assert AuditEntry.objects.filter(action="role.acclaimed").count() == 2


def test_it_counts_only_accepted_nominations(org: Any, committee: RoleType) -> None:
    e = election(org, committee, seats=1)
    stand(org, e, org.alice)
    elections.nomination_create(actor=org.alice, election=e, nominee=org.bob)  # never accepted
    e = close_nominations(org, e)
    assert e.status == "acclaimed"
    assert list(RoleTerm.objects.filter(role_type=committee).values_list("holder", flat=True)) == [org.alice.pk]


def test_it_lets_a_nominee_accept_with_a_statement_or_withdraw(org: Any, committee: RoleType) -> None:
    e = election(org, committee, seats=1)
    nomination = elections.nomination_create(actor=org.alice, election=e, nominee=org.bob)
    assert not nomination.is_standing
    with pytest.raises(ValidationError, match="Only the nominee"):
        elections.nomination_accept(actor=org.alice, nomination=nomination, statement="He accepts")
    elections.nomination_accept(actor=org.bob, nomination=nomination, statement="I will chair fairly.")
    assert nomination.is_standing and nomination.statement == "I will chair fairly."
    elections.nomination_withdraw(actor=org.bob, nomination=nomination)
    assert not nomination.is_standing


def test_it_records_no_candidates(org: Any, committee: RoleType) -> None:
    e = close_nominations(org, election(org, committee, seats=2))
    assert e.status == "none" and not RoleTerm.objects.filter(role_type=committee).exists()


def test_it_keeps_nominations_open_until_the_deadline(org: Any, committee: RoleType) -> None:
    e = election(org, committee, seats=1)
    with pytest.raises(ValidationError, match="everyone gets the whole period"):
        elections.election_close_nominations(actor=org.dave, election=e)
    with time_machine.travel(timezone.now() + LATER), pytest.raises(ValidationError, match="closed"):
        stand(org, e, org.alice)


def test_it_refuses_nominees_from_outside_the_unit_or_over_the_term_limit(org: Any) -> None:
    e = election(org, org.chair_role, seats=1, method="irv")
    with pytest.raises(ValidationError, match="not an active member"):
        elections.nomination_create(actor=org.alice, election=e, nominee=org.carol)
    for year in (2, 3, 4):  # the Leeds chair has a limit of three terms
        start = timezone.localdate() - dt.timedelta(days=365 * year)
        RoleTerm.objects.create(
            role_type=org.chair_role,
            holder=org.erin,
            starts_on=start,
            ends_on=start + dt.timedelta(days=300),
            how_filled="elected",
        )
    with pytest.raises(ValidationError, match="term limit"):
        stand(org, e, org.erin)


def test_it_needs_manage_ballots_to_open_nominations(org: Any, committee: RoleType) -> None:
    with pytest.raises(PermissionDenied):
        elections.election_create(
            actor=org.bob,
            role_type=committee,
            seats=1,
            method="irv",
            nominations_close_at=timezone.now() + SOON,
            term_starts_on=timezone.localdate(),
        )


def test_it_refuses_irv_for_several_seats_and_more_seats_than_the_role_has(org: Any, committee: RoleType) -> None:
    with pytest.raises(ValidationError) as refused:
        election(org, committee, seats=4, method="irv")
    assert set(refused.value.message_dict) == {"seats", "method"}


def test_it_elects_by_ballot_and_gives_the_winners_terms_linked_to_it(org: Any, committee: RoleType) -> None:
    members = [make_member(f"Member {i}", org.leeds) for i in range(7)]
    e = election(org, committee, seats=2)
    stand(org, e, org.alice, org.bob, org.erin)
    e = close_nominations(org, e)
    assert e.status == "ballot" and e.ballot is not None
    ballot = e.ballot
    assert [o.label for o in ballot.options.all()] == ["Alice Member", "Bob Chair", "Erin Committee"]
    assert ballot.options.get(label="Bob Chair").description == "I am Bob Chair."
    ballot = services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() + LATER)
    rankings = [["Alice Member"]] * 4 + [["Bob Chair", "Alice Member"]] * 3 + [["Erin Committee"]] * 2 + [["Bob Chair"]]
    for member, ranking in zip([*members, org.alice, org.bob, org.erin], rankings, strict=True):
        services.ballot_cast(voter=member, ballot=ballot, names=ranking)
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    assert ballot.decision["winners"] == ["Alice Member", "Bob Chair"]
    terms = RoleTerm.objects.filter(role_type=committee).order_by("holder__full_name")
    assert [(t.holder, t.how_filled, t.ballot_ref) for t in terms] == [
        (org.alice, "elected", ballot.pk),
        (org.bob, "elected", ballot.pk),
    ]
    assert terms[0].starts_on == e.term_starts_on
    e.refresh_from_db()
    assert e.status == "elected"


def test_it_shows_how_an_elected_term_was_filled_in_the_role_history(
    client: Any, org: Any, committee: RoleType
) -> None:
    e = election(org, committee, seats=1, method="irv")
    stand(org, e, org.alice, org.erin)
    ballot = services.ballot_open(
        actor=org.dave, ballot=close_nominations(org, e).ballot, closes_at=timezone.now() + LATER
    )
    services.ballot_cast(voter=org.bob, ballot=ballot, names=["Erin Committee"])
    services.ballot_close(actor=org.dave, ballot=ballot)
    log_in(client, org.alice)
    page = client.get(f"/units/{org.leeds.pk}/history/").content.decode()
    assert f'href="/ballots/{ballot.pk}/results/"' in page
