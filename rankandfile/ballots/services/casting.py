"""Casting: one participation and one paper, unlinked, in one transaction (docs/ballots.md, "Secrecy").

Casting is *not* audited: an entry per cast would stamp the member and the time, the very link the data model
leaves out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.ballots import live, selectors
from rankandfile.ballots.domain import marks, receipts
from rankandfile.ballots.models import Ballot, CastBallot, EligibleVoter, Participation
from rankandfile.org.models import Member

log = logging.getLogger(__name__)


# --- casting ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Receipt:
    """What the voter takes away: the receipt (published with the box) and the nonce (kept by the voter only)."""

    ballot_id: int
    content: dict[str, list[str]]
    receipt: str
    nonce: str


MARK_MESSAGES = {
    marks.Problem.EMPTY: gettext_lazy("Mark at least one option."),
    marks.Problem.UNKNOWN: gettext_lazy("“%s” is not an option of this ballot."),
    marks.Problem.DUPLICATE: gettext_lazy("“%s” is marked twice: each option may appear once."),
    marks.Problem.TOO_MANY: gettext_lazy("Choose exactly one option."),
    marks.Problem.SAME_RANK: gettext_lazy(
        "Two options have the same rank (one of them is “%s”): give each a different number."
    ),
    marks.Problem.BAD_RANK: gettext_lazy("The rank of “%s” must be a whole number from 1."),
}


def mark_message(error: marks.MarkError) -> str:
    message = str(MARK_MESSAGES[error.problem])
    return message % error.name if "%s" in message else message


def check_marks(ballot: Ballot, names: Sequence[str], labels: Sequence[str] | None = None) -> dict[str, list[str]]:
    """The ballot content for these marks, or a ValidationError saying what is wrong. Changes nothing."""
    try:
        return marks.check(ballot.mark, list(names), labels if labels is not None else selectors.option_labels(ballot))
    except marks.MarkError as error:
        raise ValidationError({"marks": mark_message(error)}) from None


def _lock_open_ballot(ballot_id: int, voter_id: int) -> tuple[str, dt.datetime | None, bool]:
    """The ballot's status and closing time, read under a shared lock, and whether the voter is on its roll.

    The lock makes a close wait for the casts in flight, and no cast slip in after the count; casts do not block
    each other (PostgreSQL FOR KEY SHARE; SQLite's IMMEDIATE transactions already serialize writers). One round
    trip: a cast is the hot path of a convention hall. (The cast door takes the same lock in its insert.)
    """
    ballots, roll = Ballot._meta.db_table, EligibleVoter._meta.db_table
    lock = " FOR KEY SHARE OF b" if connection.vendor == "postgresql" else ""
    sql = (
        f"SELECT b.status, b.closes_at, EXISTS (SELECT 1 FROM {roll} r WHERE r.ballot_id = b.id AND r.member_id = %s) "  # noqa: S608
        f"FROM {ballots} b WHERE b.id = %s{lock}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Lock order: the box's table, then the ballot's row, as the close (closing._lock_open_box) and the
            # cast door's one statement do; in the other order a close and a cast would deadlock.
            cursor.execute(f"LOCK TABLE {CastBallot._meta.db_table} IN ROW EXCLUSIVE MODE")
        cursor.execute(sql, [voter_id, ballot_id])
        row = cursor.fetchone()
    if row is None:
        raise ValidationError(_("This ballot does not exist."))
    closes_at = row[1]
    if isinstance(closes_at, str):  # SQLite returns text for a raw query
        closes_at = dt.datetime.fromisoformat(closes_at)
    if closes_at is not None and timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at, dt.UTC)
    return row[0], closes_at, bool(row[2])


def cast_refusal_for(status: str, closes_at: dt.datetime | None) -> str | None:
    """Why no ballot can be cast now, from the status and closing time read under the cast's lock, or None."""
    if status == Ballot.Status.DRAFT:
        return _("This ballot is not open yet.")
    if status != Ballot.Status.OPEN or (closes_at is not None and timezone.now() >= closes_at):
        return _("This ballot is closed: no more ballots can be cast.")
    return None


def _not_on_roll(ballot: Ballot) -> str:
    return _("You are not on this ballot's roll: members of %(unit)s in good standing who joined by %(day)s.") % {
        "unit": ballot.unit.name,
        "day": ballot.cutoff_on,
    }


ALREADY_VOTED = gettext_lazy("You have already voted in this ballot. A ballot once cast is final.")


def cast_refusal(*, voter: Member, ballot: Ballot) -> str | None:
    """Why `voter` cannot cast a ballot now, or None: the checks of `ballot_cast`, for the review page."""
    refusal = cast_refusal_for(ballot.status, ballot.closes_at)
    if refusal:
        return refusal
    if not selectors.is_on_roll(ballot, voter):
        return _not_on_roll(ballot)
    if selectors.has_voted(ballot, voter):
        return str(ALREADY_VOTED)
    return None


# SQLite lets one transaction write at a time. Its busy handler makes the others sleep and poll, so in a hall's
# burst the write lock sat idle between sleepers and some casts waited past the busy timeout (HTTP 500, measured:
# 5 of 2,000). The casts of one process queue for this lock instead and get the database in turn.
_sqlite_writer = threading.Lock()


def _one_writer() -> contextlib.AbstractContextManager[Any]:
    return _sqlite_writer if connection.vendor == "sqlite" else contextlib.nullcontext()


def new_receipt(ballot: Ballot, content: dict[str, list[str]]) -> tuple[str, str]:
    """A fresh nonce for the voter and the receipt published beside the ballot's content."""
    nonce = receipts.new_nonce()
    return nonce, receipts.receipt_for(ballot.key, content, nonce)


def ballot_cast(*, voter: Member, ballot: Ballot, names: Sequence[str], labels: Sequence[str] | None = None) -> Receipt:
    """Cast `voter`'s ballot: one Participation and one CastBallot in one transaction, or nothing at all.

    Refused with a clear message, changing nothing: a malformed ballot, a ballot not open, a voter not on the roll,
    a second cast (the unique Participation makes two simultaneous casts produce exactly one ballot). `labels`, the
    ballot's options in order, saves a query when the caller has them.
    """
    content = check_marks(ballot, names, labels)
    nonce, receipt = new_receipt(ballot, content)
    try:
        with _one_writer(), transaction.atomic():
            status, closes_at, on_roll = _lock_open_ballot(ballot.pk, voter.pk)
            refusal = cast_refusal_for(status, closes_at) or (None if on_roll else _not_on_roll(ballot))
            if refusal:
                raise ValidationError(refusal)
            Participation.objects.create(ballot_id=ballot.pk, member_id=voter.pk)
            CastBallot.objects.create(ballot_id=ballot.pk, content=content, receipt=receipt)
            live.feed.publish_on_commit(ballot.pk)
    except IntegrityError:
        raise ValidationError(ALREADY_VOTED) from None
    return Receipt(ballot.pk, content, receipt, nonce)
