"""Closing, counting and publishing a ballot: the box is shuffled, counted by `counting`, the decision applied.

Closing and publishing are audit-chain entries, never with any vote content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile import counting
from rankandfile.audit.services import record
from rankandfile.ballots import live, selectors
from rankandfile.ballots.domain import kinds, outcome
from rankandfile.ballots.models import Ballot, CastBallot, Participation
from rankandfile.counting import report
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member
from rankandfile.proposals import services as proposal_services

log = logging.getLogger(__name__)


# --- closing, counting, publishing ---------------------------------------------------------------------------
def _reshuffle_box(ballot: Ballot) -> int:
    """Rewrite the box in a random order, with new random ids, in the closing transaction.

    While the ballot was open, the database itself kept the order of insertion: PostgreSQL's row position (ctid)
    and inserting transaction id (xmin, shared with the Participation written in the same transaction), SQLite's
    rowid. Deleting and re-inserting every paper, shuffled, in this one transaction gives every paper the same
    transaction and a position that says nothing. (SQLite: secure_delete overwrites the deleted rows' bytes.)
    """
    papers = list(CastBallot.objects.filter(ballot=ballot).values_list("content", "receipt"))
    random.SystemRandom().shuffle(papers)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    CastBallot.objects.filter(ballot=ballot).delete()
    CastBallot.objects.bulk_create(
        (CastBallot(ballot=ballot, content=content, receipt=receipt) for content, receipt in papers), batch_size=1000
    )
    return len(papers)


def _vacuum_box_after_commit() -> None:
    """PostgreSQL keeps deleted row versions until VACUUM; clear the old, ordered copies of the box right away."""
    if connection.vendor != "postgresql":
        return

    def vacuum() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {CastBallot._meta.db_table}")
        except Exception:  # autovacuum will do it later; the close itself has succeeded
            log.warning("ballots: VACUUM of the ballot box failed", exc_info=True)

    transaction.on_commit(vacuum)


def count_ballot(ballot: Ballot, published: bytes) -> counting.Result:
    """Count the published box exactly as `rankandfile tally --input json` counts the downloaded file."""
    tree = ballot.method == kinds.Method.STV_SCOTTISH  # only that method counts on the prefix tree, as in tally
    box = counting.read_bytes(published, f"ballot-{ballot.pk}.json", "json", prefix_tree=tree)
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
        cast = Participation.objects.filter(ballot=ballot).count()
        papers = _reshuffle_box(ballot)
        if papers != cast:  # cannot happen while casts are atomic; refuse to publish a box that does not add up
            raise ValidationError(
                _("The box holds %(papers)d ballots for %(cast)d voters.") % {"papers": papers, "cast": cast}
            )
        ballot.status, ballot.closed_at, ballot.cast_count = Ballot.Status.CLOSED, now, cast
        ballot.seed = secrets.token_hex(8)
        published = selectors.box_bytes(ballot)
        try:
            result = count_ballot(ballot, published) if cast else None
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
        live.broadcast_count_on_commit(ballot.pk, at_once=True)
        _vacuum_box_after_commit()
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


def close_due_ballots(*, now: dt.datetime | None = None) -> list[Ballot]:
    """Close every open ballot whose closing time has passed (run from cron: `manage.py close_due_ballots`)."""
    closed = []
    for ballot in selectors.due_for_closing(now or timezone.now()):
        try:
            closed.append(ballot_close(actor=None, ballot=ballot))
        except ValidationError as error:
            log.error("ballots: could not close ballot %s: %s", ballot.pk, "; ".join(error.messages))
    return closed
