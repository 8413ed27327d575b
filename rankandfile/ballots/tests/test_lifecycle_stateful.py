"""A ballot's lifecycle as random sequences against the database (issue 16): opens, casts (valid, malformed, twice,
off the roll), closes by hand and by the clock, casts after the close, receipt checks. After every step: nobody voted
twice, every acknowledged cast is in the box exactly once and nothing else is, nothing was cast after the close, and
the published box holds exactly the papers the voters were given receipts for.

Each run of the machine works inside a savepoint of the test's transaction and rolls it back, so runs do not see
each other. `STATEFUL_EXAMPLES` (10) bounds the runs, to keep `make test` short.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from rankandfile.audit.selectors import verify_chain
from rankandfile.ballots import selectors, services
from rankandfile.ballots.models import Ballot, CastBallot, Participation, PublishedBallot
from rankandfile.ballots.tests.helpers import draft_ballot, voters
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg

EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "10"))
LABELS = ("Ann", "Ben", "Cat")
MARKS = st.one_of(
    st.lists(st.sampled_from(LABELS), min_size=1, max_size=3, unique=True),  # a valid ranking
    st.lists(st.sampled_from([*LABELS, "Zed", ""]), max_size=4),  # often malformed: unknown, repeated, empty
)


def json_key(content: dict[str, list[str]]) -> str:
    return repr(sorted((k, tuple(v)) for k, v in content.items()))


def ballot_lifecycle_machine(org: SmallOrg, roll: list[Member], outsiders: list[Member]) -> type[Any]:
    people = roll + outsiders

    class BallotLifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self._savepoint = transaction.atomic()
            self._savepoint.__enter__()
            self.ballot = draft_ballot(org, title="Stateful", method="irv")
            self.status = Ballot.Status.DRAFT
            self.voted: set[int] = set()
            self.receipts: dict[str, tuple[dict[str, list[str]], str]] = {}  # receipt -> (content, nonce)
            self.refused_after_close = 0

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)

        def _refresh(self) -> None:
            self.ballot.refresh_from_db()

        @rule()
        def open(self) -> None:
            if self.status != Ballot.Status.DRAFT:
                with pytest.raises(ValidationError):
                    services.ballot_open(actor=org.dave, ballot=self.ballot, closes_at=self._closes_at())
                return
            services.ballot_open(actor=org.dave, ballot=self.ballot, closes_at=self._closes_at())
            self.status = Ballot.Status.OPEN
            self._refresh()

        def _closes_at(self) -> dt.datetime:
            return timezone.now() + dt.timedelta(days=2)

        @rule(who=st.sampled_from(range(len(people))), marks=MARKS)
        def cast(self, who: int, marks: list[str]) -> None:
            voter = people[who]
            valid = bool(marks) and len(set(marks)) == len(marks) and set(marks) <= set(LABELS)
            accepted = self.status == Ballot.Status.OPEN and valid and voter in roll and voter.pk not in self.voted
            if not accepted:
                with pytest.raises(ValidationError):
                    services.ballot_cast(voter=voter, ballot=self.ballot, names=marks)
                if self.status == Ballot.Status.CLOSED:
                    self.refused_after_close += 1
                return
            receipt = services.ballot_cast(voter=voter, ballot=self.ballot, names=marks)
            self.voted.add(voter.pk)
            assert receipt.receipt not in self.receipts
            self.receipts[receipt.receipt] = (receipt.content, receipt.nonce)

        @rule()
        def close(self) -> None:
            if self.status != Ballot.Status.OPEN:
                with pytest.raises(ValidationError):
                    services.ballot_close(actor=org.dave, ballot=self.ballot)
                return
            services.ballot_close(actor=org.dave, ballot=self.ballot)
            self.status = Ballot.Status.CLOSED
            self._refresh()

        @rule(early=st.booleans())
        def the_clock_runs(self, early: bool) -> None:
            """The worker's scheduled close: before the closing time nothing happens; after it, the ballot closes."""
            self._refresh()
            if self.ballot.closes_at is None:
                closed = services.ballots_close_due()
                assert self.ballot.pk not in {b.pk for b in closed}
                return
            offset = dt.timedelta(minutes=-1 if early else 1)
            with time_machine.travel(self.ballot.closes_at + offset, tick=False):
                closed = {b.pk for b in services.ballots_close_due()}
            due = not early and self.status == Ballot.Status.OPEN
            assert (self.ballot.pk in closed) == due
            if due:
                self.status = Ballot.Status.CLOSED
                self._refresh()

        @precondition(lambda self: self.receipts)
        @rule(data=st.data())
        def check_a_receipt(self, data: Any) -> None:
            receipt = data.draw(st.sampled_from(sorted(self.receipts)))
            content, nonce = self.receipts[receipt]
            self._refresh()
            check = selectors.check_receipt(self.ballot, receipt, nonce)
            assert check.found and check.unchanged and check.content == content

        @invariant()
        def nobody_twice_and_every_acknowledged_cast_once(self) -> None:
            participations = list(Participation.objects.filter(ballot=self.ballot).values_list("member_id", flat=True))
            assert len(participations) == len(set(participations)), "a voter counted twice"
            assert set(participations) == self.voted
            open_box = CastBallot.objects.filter(ballot=self.ballot)
            published = PublishedBallot.objects.filter(ballot=self.ballot)
            if self.status == Ballot.Status.CLOSED:
                assert not open_box.exists(), "a paper left in the open box after the close"
                papers = list(published.values_list("content", "receipt"))
            else:
                assert not published.exists()
                papers = list(open_box.values_list("content", "receipt"))
            assert Counter(r for _c, r in papers) == Counter(list(self.receipts)), "a paper lost, doubled or made up"
            assert Counter(json_key(c) for c, _r in papers) == Counter(json_key(c) for c, _n in self.receipts.values())

        @invariant()
        def the_status_and_count_are_as_expected(self) -> None:
            ballot = Ballot.objects.get(pk=self.ballot.pk)
            assert ballot.status == self.status
            if self.status == Ballot.Status.CLOSED:
                assert ballot.cast_count == len(self.voted)
                assert ballot.decision["valid"] == len(self.voted)

    return BallotLifecycle


@pytest.mark.django_db
def test_a_ballots_lifecycle_keeps_every_cast_once_and_none_after_the_close(org: SmallOrg) -> None:
    roll = [org.alice, org.bob, org.erin, *voters(org.leeds, 2)]
    outsiders = [org.frank, org.carol]  # lapsed; of another branch
    machine = ballot_lifecycle_machine(org, roll, outsiders)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert verify_chain(trusted_keys=[]) is None  # what the runs left (all rolled back) did not touch the chain
