"""Closing, counting and publishing a ballot: the box is shuffled, counted by `counting`, the decision applied.

Closing and publishing are audit-chain entries, never with any vote content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import operator
import random
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile import counting
from rankandfile.audit.services import record
from rankandfile.ballots import live, selectors
from rankandfile.ballots.domain import kinds, outcome
from rankandfile.ballots.models import Ballot, CastBallot, Participation, PublishedBallot
from rankandfile.counting import report
from rankandfile.notifications import services as notifications
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member
from rankandfile.proposals import services as proposal_services

log = logging.getLogger(__name__)


# --- closing, counting, publishing ---------------------------------------------------------------------------
# While a ballot is open, the database itself links each paper to its voter: the cast wrote both rows in one
# transaction (the same xmin on PostgreSQL) and in the same order (ctid; SQLite's rowid). The close moves the papers
# to the published box, shuffled, with new random ids, and then empties the open box so that no older copy stays:
# on PostgreSQL with TRUNCATE (a new, empty file: no dead row versions, no old index entries, whatever other
# transactions are running), which the application's role may do without owning the table (docs/deploy.md; VACUUM
# needs the owner, and cannot run in the closing transaction anyway); on SQLite with secure_delete, which
# overwrites the deleted rows' bytes. The papers of other open ballots are written back in the order of their
# random ids. Where the box cannot be emptied so, the ballot is not closed: a clear refusal and a log line.

NOT_UNLINKED = gettext_lazy(
    "This ballot was not closed: the database role may not empty the ballot box (TRUNCATE on %(table)s), and "
    "closing without it would leave copies of the votes linked to the voters. Ask the site operator to grant it "
    "(docs/deploy.md)."
)
BOX_BUSY = gettext_lazy(
    "This ballot was not closed: the ballot box is in use (a backup or a long query is reading it). "
    "Try again in a minute."
)


def _lock_open_box(ballot_id: int) -> None:
    """PostgreSQL: take the open box for this transaction alone, before the ballot's row (the casts' lock order),
    or refuse the close. Waits at most BALLOT_BOX_LOCK_TIMEOUT_MS: every cast waits behind this lock meanwhile."""
    table = CastBallot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, 'TRUNCATE')", [table])
        if not cursor.fetchone()[0]:
            log.error(
                "ballots: ballot %s not closed: the database role lacks TRUNCATE on %s, needed to unlink the votes",
                ballot_id,
                table,
            )
            raise ValidationError(NOT_UNLINKED % {"table": table})
        cursor.execute(f"SET LOCAL lock_timeout = {int(settings.BALLOT_BOX_LOCK_TIMEOUT_MS)}")
        try:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        except OperationalError:
            log.error("ballots: ballot %s not closed: the box %s stayed locked by another session", ballot_id, table)
            raise ValidationError(BOX_BUSY) from None
        cursor.execute("SET LOCAL lock_timeout = DEFAULT")


def _publish_box(ballot: Ballot) -> list[selectors.BoxPaper]:
    """Move the ballot's papers into the published box in a random order and leave no copy in the open box.

    Returns the published papers as the export lists them (in the order of their new ids), for the box's bytes."""
    papers = list(CastBallot.objects.filter(ballot=ballot).values_list("content", "receipt"))
    random.SystemRandom().shuffle(papers)
    new_id = PublishedBallot._meta.pk.default  # uuid4: a fresh random id for each paper
    published = [(new_id(), content, receipt) for content, receipt in papers]
    if connection.vendor == "postgresql":
        rows = ((pk, ballot.pk, json.dumps(content), receipt) for pk, content, receipt in published)
        _copy_rows(PublishedBallot._meta.db_table, rows)
        _empty_open_box(ballot)
    else:
        PublishedBallot.objects.bulk_create(
            (PublishedBallot(id=pk, ballot=ballot, content=c, receipt=r) for pk, c, r in published), batch_size=1000
        )
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
        CastBallot.objects.filter(ballot=ballot).delete()
    published.sort(key=operator.itemgetter(0))
    return [(content, receipt) for _pk, content, receipt in published]


def _copy_rows(table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL: write rows of (id, ballot_id, content as JSON text, receipt) with one COPY, in their order."""
    with connection.cursor() as cursor:
        statement = f"COPY {connection.ops.quote_name(table)} ({', '.join(PAPER_FIELDS)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:  # psycopg's own cursor, in Django's connection and transaction
            for row in rows:
                copy.write_row(row)


def _empty_open_box(ballot: Ballot) -> None:
    """PostgreSQL: TRUNCATE the open box, then write back the papers of the other open ballots in the order of
    their random ids. They are read as text and written back with one COPY, never as model instances: after a
    busy day there may be tens of thousands (built and saved through the ORM, they took most of a close's time)."""
    table = connection.ops.quote_name(CastBallot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ballot_id, content::text, receipt FROM {table} WHERE ballot_id <> %s ORDER BY id",  # noqa: S608
            [ballot.pk],
        )
        others = cursor.fetchall()
        # TRUNCATE refuses while this transaction has deferred foreign-key checks pending on the table (papers
        # cast in the same transaction: tests, scripts): run those checks now, then defer them again.
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [table])
        keys = ", ".join(connection.ops.quote_name(row[0]) for row in cursor.fetchall())
        cursor.execute(f"SET CONSTRAINTS {keys} IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"SET CONSTRAINTS {keys} DEFERRED")
    _copy_rows(CastBallot._meta.db_table, others)


PAPER_FIELDS = ("id", "ballot_id", "content", "receipt")

# What a ballot's decision does in an app above ballots (recall: the term ends, the seat is filled again). Each
# handler is called in the closing transaction with every closed ballot, the decision and the count (None when
# nobody voted), and acts only on ballots of its own; registered once, in the app's AppConfig.ready().
DecisionHandler = Callable[[Ballot, outcome.Decision, "counting.Result | None"], None]
DECISION_HANDLERS: list[DecisionHandler] = []


def decision_handler_register(handler: DecisionHandler) -> None:
    if handler not in DECISION_HANDLERS:
        DECISION_HANDLERS.append(handler)


def ballot_count(ballot: Ballot, published: bytes) -> counting.Result:
    """Count the published box exactly as `rankandfile tally --input json` counts the downloaded file."""
    box = counting.read_bytes(published, f"ballot-{ballot.pk}.json", "json")
    options = counting.Options(
        threshold=ballot.threshold,  # type: ignore[arg-type]
        eligible=ballot.eligible_count if ballot.method == kinds.Method.YES_NO else None,
        quorum=ballot.quorum if ballot.method == kinds.Method.YES_NO else None,
        seed=ballot.seed,
    )
    return counting.count(box, ballot.method, ballot.seats, options)


def ballot_close(*, actor: Member | None, ballot: Ballot) -> Ballot:
    """Close, shuffle, count and publish, in one transaction; then apply what the ballot decided.

    `actor` None is the scheduled close (`manage.py close_due_ballots`) of a ballot past its closing time.
    """
    if actor is not None:
        require_capability(actor, ballot.unit, MANAGE_BALLOTS)
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _lock_open_box(ballot.pk)
        # FOR UPDATE waits for every cast in flight (they hold FOR KEY SHARE) and keeps new ones out.
        ballot = (
            Ballot.objects.select_for_update(of=("self",))
            .select_related("unit", "proposal", "amendment__proposal")
            .get(pk=ballot.pk)
        )
        if ballot.status != Ballot.Status.OPEN:
            raise ValidationError(_("Only an open ballot can be closed."))
        if actor is None and (ballot.closes_at is None or ballot.closes_at > now):
            raise ValidationError(_("This ballot is not due to close yet."))
        if actor is not None and ballot.opened_by_rule:
            raise ValidationError(
                _(
                    "This ballot was opened by a rule (a recall): it closes by itself at its set time; "
                    "nobody may close it early."
                )
            )
        cast = Participation.objects.filter(ballot=ballot).count()
        box = _publish_box(ballot)
        papers = len(box)
        if papers != cast:  # cannot happen while casts are atomic; refuse to publish a box that does not add up
            raise ValidationError(
                _("The box holds %(papers)d ballots for %(cast)d voters.") % {"papers": papers, "cast": cast}
            )
        ballot.status, ballot.closed_at, ballot.cast_count = Ballot.Status.CLOSED, now, cast
        ballot.seed = secrets.token_hex(8)
        published = selectors.box_bytes(ballot, box)
        try:
            result = ballot_count(ballot, published) if cast else None
        except (counting.CountError, counting.InputError) as error:
            raise ValidationError(_("The count failed: %s") % error) from None
        decision = outcome.decide(
            ballot.kind,
            result.elected if result else (),
            result.outcome if result else None,
            ballot.quorum,
            result.valid_ballots if result else 0,
        )
        ballot.decision = {
            "verdict": decision.verdict.value,
            "winners": list(decision.winners),
            "quorum_met": decision.quorum_met,
            "valid": result.valid_ballots if result else 0,
            "invalid": result.invalid_ballots if result else 0,
        }
        ballot.report_html = report.to_html(result) if result else ""
        ballot.report_json = report.to_json(result) if result else ""
        ballot.box_sha256 = hashlib.sha256(published).hexdigest()
        ballot.version = F("version") + 1
        ballot.save(
            update_fields=[
                "status", "closed_at", "cast_count", "seed", "decision", "report_html", "report_json", "box_sha256",
                "version",
            ]
        )  # fmt: skip
        ballot.refresh_from_db(fields=["version"])
        record("ballot.close", actor=actor, obj=ballot, payload={"cast": cast, "eligible": ballot.eligible_count})
        record(
            "ballot.publish",
            actor=actor,
            obj=ballot,
            payload={
                "box_sha256": ballot.box_sha256,
                "ballots": papers,
                "seed": ballot.seed,
                "verdict": decision.verdict.value,
                # A survey under five responses: its figures are withheld everywhere, the audit chain included.
                "winners": [] if kinds.figures_withheld(ballot.kind, cast) else list(decision.winners),
            },
        )
        _apply_decision(ballot, decision)
        for handler in DECISION_HANDLERS:
            handler(ballot, decision, result)
        live.feed.publish_on_commit(ballot.pk, at_once=True)
        notifications.notify_on_commit(kind="ballot.results", object_id=ballot.pk)
    return ballot


def _apply_decision(ballot: Ballot, decision: outcome.Decision) -> None:
    """What the ballot decided, done in the closing transaction: proposals, amendments, role terms."""
    reason = _("ballot %(id)d: %(verdict)s") % {"id": ballot.pk, "verdict": decision.verdict.value}
    papers = []
    if ballot.proposal is not None:
        papers = [o.proposal for o in ballot.options.select_related("proposal") if o.proposal is not None]
    if ballot.amendment is not None:
        papers.append(ballot.amendment.proposal)
    if ballot.proposal is not None:
        papers.append(ballot.proposal)
    if any(paper.unit_id != ballot.unit_id for paper in papers):
        # Refused at set-up and opening (setup.unit_refusals); a ballot opened before that rule held is counted
        # and published, but decides nothing in another unit: what it was about goes back to debate.
        log.error("ballots: ballot %s is about a proposal of another unit; its decision is not applied", ballot.pk)
        decision = outcome.Decision(outcome.Verdict.UNDECIDED, (), decision.quorum_met)
        reason = _("ballot %(id)d of another unit cannot decide this") % {"id": ballot.pk}
    if ballot.amendment is not None:
        adopted = None if not decision.is_decided else decision.verdict == outcome.Verdict.CARRIED
        proposal_services.amendment_decide(amendment=ballot.amendment, adopted=adopted, reason=reason)
    elif ballot.proposal is not None and ballot.kind == kinds.Kind.QUESTION:
        adopted = None if not decision.is_decided else decision.verdict == outcome.Verdict.CARRIED
        proposal_services.proposal_decide(proposal=ballot.proposal, adopted=adopted, reason=reason)
    elif ballot.proposal is not None:
        for option in ballot.options.select_related("proposal"):
            if option.proposal is not None:
                adopted = None if not decision.is_decided else option.label in decision.winners
                proposal_services.proposal_decide(proposal=option.proposal, adopted=adopted, reason=reason)
    election = getattr(ballot, "election", None)
    if election is not None:
        from rankandfile.ballots.services.elections import election_record_result

        election_record_result(election=election, ballot=ballot, decision=decision)


def ballots_close_due(*, now: dt.datetime | None = None) -> list[Ballot]:
    """Close every open ballot whose closing time has passed (the worker, each minute and at its start; or
    `manage.py close_due_ballots`). Safe to run twice at once: a ballot another closer took is skipped."""
    closed = []
    for ballot in selectors.due_for_closing(now or timezone.now()):
        try:
            closed.append(ballot_close(actor=None, ballot=ballot))
        except ValidationError as error:
            if not selectors.is_still_open(ballot.pk):  # closed meanwhile by another worker: counted once, there
                continue
            log.error("ballots: could not close ballot %s: %s", ballot.pk, "; ".join(error.messages))
    return closed
