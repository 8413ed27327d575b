"""ballot_close: shuffle, count with rankandfile.counting, publish, audit, and apply what was decided."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.ballots import selectors, services
from rankandfile.ballots.models import CastBallot, PublishedBallot
from rankandfile.ballots.tests.helpers import open_ballot, voters


def test_it_counts_an_irv_ballot_and_publishes_the_stages(org: Any) -> None:
    extra = voters(org.leeds, 4)
    ballot = open_ballot(org)
    for member, ranking in zip(
        [org.alice, org.bob, org.erin, *extra],
        [["Ann"], ["Ann"], ["Ben", "Ann"], ["Ben", "Cat"], ["Cat", "Ben"], ["Cat", "Ann"], ["Ann"]],
        strict=True,
    ):
        services.ballot_cast(voter=member, ballot=ballot, names=ranking)
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    assert ballot.status == "closed" and ballot.cast_count == 7 and ballot.eligible_count == 7
    assert ballot.decision["verdict"] == "elected" and ballot.decision["winners"] == ["Ann"]
    assert "Stage 2" in ballot.report_html and "tally-stages" in ballot.report_html
    assert json.loads(ballot.report_json)["elected"] == ["Ann"]


def test_it_records_open_close_and_publish_in_the_audit_chain_without_votes(org: Any, ranked: Any) -> None:
    receipt = services.ballot_cast(voter=org.alice, ballot=ranked, names=["Cat", "Ben"])
    ballot = services.ballot_close(actor=org.dave, ballot=ranked)
    entries = list(AuditEntry.objects.filter(object_type="ballots.ballot", object_id=str(ballot.pk)))
    assert [e.action for e in entries] == ["ballot.open", "ballot.close", "ballot.publish"]
    published = selectors.box_bytes(ballot)
    assert entries[-1].payload["box_sha256"] == hashlib.sha256(published).hexdigest() == ballot.box_sha256
    text = json.dumps([e.payload for e in AuditEntry.objects.all()])
    assert receipt.receipt not in text and receipt.nonce not in text
    assert '"Cat", "Ben"' not in text and "ranking" not in text


def test_it_moves_the_box_to_the_published_box_with_new_random_ids_at_close(org: Any, ranked: Any) -> None:
    for member in (org.alice, org.bob, org.erin):
        services.ballot_cast(voter=member, ballot=ranked, names=["Ann"])
    before = set(CastBallot.objects.filter(ballot=ranked).values_list("id", flat=True))
    receipts_before = set(CastBallot.objects.filter(ballot=ranked).values_list("receipt", flat=True))
    services.ballot_close(actor=org.dave, ballot=ranked)
    after = set(PublishedBallot.objects.filter(ballot=ranked).values_list("id", flat=True))
    assert len(after) == 3 and not before & after
    assert set(PublishedBallot.objects.filter(ballot=ranked).values_list("receipt", flat=True)) == receipts_before
    assert not CastBallot.objects.filter(ballot=ranked).exists()


def test_it_keeps_the_papers_of_other_open_ballots_when_it_empties_the_open_box(org: Any, ranked: Any) -> None:
    from rankandfile.ballots.tests.helpers import open_ballot

    other = open_ballot(org, title="Another ballot")
    services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    services.ballot_cast(voter=org.alice, ballot=other, names=["Ben"])
    kept = list(CastBallot.objects.filter(ballot=other).values_list("id", "receipt", "content"))
    services.ballot_close(actor=org.dave, ballot=ranked)
    assert list(CastBallot.objects.filter(ballot=other).values_list("id", "receipt", "content")) == kept
    assert services.ballot_close(actor=org.dave, ballot=other).cast_count == 1


def test_it_refuses_to_close_twice(org: Any, ranked: Any) -> None:
    services.ballot_close(actor=org.dave, ballot=ranked)
    with pytest.raises(ValidationError, match="Only an open ballot"):
        services.ballot_close(actor=org.dave, ballot=ranked)


def test_it_needs_manage_ballots_to_close(org: Any, ranked: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ballot_close(actor=org.bob, ballot=ranked)
    ranked.refresh_from_db()
    assert ranked.status == "open"


def test_it_closes_nothing_before_the_closing_time_on_schedule(org: Any, ranked: Any) -> None:
    assert services.ballots_close_due() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        closed = services.ballots_close_due()
    assert [b.pk for b in closed] == [ranked.pk]


def test_it_decides_nothing_without_ballots(org: Any, ranked: Any) -> None:
    ballot = services.ballot_close(actor=org.dave, ballot=ranked)
    assert ballot.decision["verdict"] == "no_ballots" and ballot.report_html == ""


def _close_counting_queries(org: Any, voters_n: int) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    extra = voters(org.leeds, voters_n, prefix=f"Voter{voters_n}-")
    ballot, other = open_ballot(org, title=f"Closed {voters_n}"), open_ballot(org, title=f"Still open {voters_n}")
    for member in extra:
        services.ballot_cast(voter=member, ballot=ballot, names=["Ben", "Ann"])
        services.ballot_cast(voter=member, ballot=other, names=["Cat"])
    with CaptureQueriesContext(connection) as queries:
        ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    assert ballot.cast_count == voters_n and CastBallot.objects.filter(ballot=other).count() == voters_n
    return len(queries), ballot


def test_its_queries_do_not_grow_with_the_papers_in_the_box(org: Any) -> None:
    few, _ = _close_counting_queries(org, 2)
    many, ballot = _close_counting_queries(org, 12)
    assert many == few  # no round trip per paper, of this ballot or of the others still open
    # The bytes hashed at the close, from the papers it wrote, are the bytes the download reads back.
    assert hashlib.sha256(selectors.box_bytes(ballot)).hexdigest() == ballot.box_sha256
    assert json.loads(selectors.box_bytes(ballot))["ballots"][0]["ranking"] == ["Ben", "Ann"]
