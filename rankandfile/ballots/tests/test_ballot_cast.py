"""ballot_cast: one participation and one ballot paper, or nothing, with a clear message for each refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from rankandfile.ballots import services
from rankandfile.ballots.domain import receipts
from rankandfile.ballots.models import CastBallot, Participation, PublishedBallot
from rankandfile.ballots.services import casting


def counts(ballot: Any) -> tuple[int, int]:
    return (Participation.objects.filter(ballot=ballot).count(), CastBallot.objects.filter(ballot=ballot).count())


def test_it_writes_one_participation_and_one_paper(org: Any, ranked: Any) -> None:
    receipt = services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ben", "Ann"])
    assert counts(ranked) == (1, 1)
    paper = CastBallot.objects.get(ballot=ranked)
    assert paper.content == {"ranking": ["Ben", "Ann"]}
    assert paper.receipt == receipt.receipt == receipts.receipt_for(ranked.key, paper.content, receipt.nonce)


def test_it_refuses_a_second_cast_and_changes_nothing(org: Any, ranked: Any) -> None:
    services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ben"])
    with pytest.raises(ValidationError, match="already voted"):
        services.ballot_cast(voter=org.alice, ballot=ranked, names=["Cat"])
    assert counts(ranked) == (1, 1)
    assert CastBallot.objects.get(ballot=ranked).content == {"ranking": ["Ben"]}


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["Ann", "Ann"], "marked twice"),
        (["Ann", "Zed"], "not an option"),
        ([], "at least one"),
    ],
)
def test_it_refuses_a_malformed_ranking(org: Any, ranked: Any, names: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.ballot_cast(voter=org.alice, ballot=ranked, names=names)
    assert counts(ranked) == (0, 0)


def test_it_refuses_a_member_not_on_the_roll(org: Any, ranked: Any) -> None:
    # Carol belongs to York, not Leeds; Frank's Leeds membership had lapsed when the roll froze.
    for outsider in (org.carol, org.frank):
        with pytest.raises(ValidationError, match="not on this ballot's roll"):
            services.ballot_cast(voter=outsider, ballot=ranked, names=["Ann"])
    assert counts(ranked) == (0, 0)


def test_it_refuses_a_cast_after_the_closing_time(org: Any, ranked: Any) -> None:
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)), pytest.raises(ValidationError, match="closed"):
        services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    assert counts(ranked) == (0, 0)


def test_it_refuses_a_cast_after_close(org: Any, ranked: Any) -> None:
    services.ballot_cast(voter=org.bob, ballot=ranked, names=["Ann"])
    services.ballot_close(actor=org.dave, ballot=ranked)
    with pytest.raises(ValidationError, match="closed"):
        services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    assert counts(ranked) == (1, 0)  # the paper moved to the published box at close
    assert PublishedBallot.objects.filter(ballot=ranked).count() == 1


def test_it_leaves_neither_row_when_it_fails_half_way(org: Any, ranked: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("power cut after the participation was written")

    monkeypatch.setattr(CastBallot.objects, "create", crash)
    with pytest.raises(RuntimeError):
        services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    monkeypatch.undo()
    assert counts(ranked) == (0, 0)
    # And nothing stops the member from voting once the fault is gone.
    services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    assert counts(ranked) == (1, 1)


def test_on_sqlite_casts_take_turns_for_the_write_lock(org: Any, ranked: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite: the cast's transaction runs holding the process's writer lock (PostgreSQL: no such lock)."""
    from django.db import connection

    held: list[bool] = []
    lock_open_ballot = casting._lock_open_ballot

    def watching(ballot_id: int, voter_id: int) -> Any:
        held.append(casting._sqlite_writer.locked())
        return lock_open_ballot(ballot_id, voter_id)

    monkeypatch.setattr(casting, "_lock_open_ballot", watching)
    services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    assert held == [connection.vendor == "sqlite"]
    assert not casting._sqlite_writer.locked()
