"""Every write to ballots: create, open, cast, close and publish, remind (docs/ballots.md).

Opening, closing and publishing are audit-chain entries, never with any vote content. Casting is *not* audited:
an entry per cast would stamp the member and the time, the very link the data model leaves out.
Elections for roles are in ballots/elections.py and call back into `ballot_create`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import random
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile import counting
from rankandfile.audit.services import record
from rankandfile.ballots import live, selectors
from rankandfile.ballots.domain import kinds, marks, outcome, receipts
from rankandfile.ballots.models import Ballot, BallotOption, CastBallot, EligibleVoter, Participation
from rankandfile.counting import report
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member, Unit
from rankandfile.proposals import selectors as proposal_selectors
from rankandfile.proposals import services as proposal_services
from rankandfile.proposals.models import Amendment, Proposal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OptionSpec:
    label: str
    description: str = ""
    proposal: Proposal | None = None
    candidate: Member | None = None


# --- setting a ballot up ------------------------------------------------------------------------------------
SETUP_MESSAGES = {
    "method": gettext_lazy("This counting method does not fit this kind of ballot."),
    "seats": gettext_lazy("Check the number of seats: one-seat methods fill exactly one."),
    "options": gettext_lazy("A ballot needs at least two options, and an election more candidates than seats."),
}


def options_for(
    *,
    kind: str,
    proposal: Proposal | None,
    alternatives: Sequence[Proposal],
    labels: Sequence[str],
) -> list[OptionSpec]:
    """The ballot paper's lines for each kind (elections build theirs from the nominations)."""
    if kind == kinds.Kind.QUESTION:
        return [OptionSpec(label) for label in kinds.QUESTION_OPTIONS]
    if kind == kinds.Kind.CHOICE:
        if proposal is None:
            raise ValidationError({"proposal": _("A choice between alternatives starts from a proposal.")})
        papers = [proposal, *[p for p in alternatives if p.pk != proposal.pk]]
        return [OptionSpec(p.title, proposal=p) for p in papers] + [OptionSpec(kinds.NONE_OF_THESE)]
    if kind == kinds.Kind.SURVEY:
        return [OptionSpec(label.strip()) for label in labels if label.strip()]
    raise ValidationError({"kind": _("Elections are set up from their nominations.")})


def _unique_labels(options: Sequence[OptionSpec]) -> list[OptionSpec]:
    """Labels are the candidate names of the exported box: make equal ones distinct ("Sam Lee (2)")."""
    seen: dict[str, int] = {}
    result = []
    for option in options:
        label = option.label.strip()[:190] or "?"
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        result.append(OptionSpec(label, option.description, option.proposal, option.candidate))
    return result


def ballot_create(
    *,
    actor: Member,
    unit: Unit,
    title: str,
    kind: str,
    method: str,
    cutoff_on: dt.date,
    options: Sequence[OptionSpec],
    description: str = "",
    seats: int = 1,
    threshold: str = "majority",
    quorum: int | None = None,
    mode: str = Ballot.Mode.REMOTE,
    closes_at: dt.datetime | None = None,
    proposal: Proposal | None = None,
    amendment: Amendment | None = None,
) -> Ballot:
    """A draft ballot (`manage_ballots` in the unit)."""
    require_capability(actor, unit, MANAGE_BALLOTS)
    options = _unique_labels(options)
    problems = kinds.setup_problems(kind, method, seats, len(options))
    if problems:
        raise ValidationError({field: str(SETUP_MESSAGES[field]) for field in problems})
    if not title.strip():
        raise ValidationError({"title": _("Give the ballot a title.")})
    if unit.is_dissolved:
        raise ValidationError({"unit": _("The unit is dissolved.")})
    with transaction.atomic():
        ballot = Ballot(
            unit=unit,
            title=title.strip(),
            description=description.strip(),
            kind=kind,
            method=method,
            seats=seats,
            threshold=threshold,
            quorum=quorum,
            mode=mode,
            cutoff_on=cutoff_on,
            closes_at=closes_at,
            created_by=actor,
            proposal=proposal,
            amendment=amendment,
        )
        ballot.full_clean(exclude=["created_by"])
        ballot.save()
        BallotOption.objects.bulk_create(
            BallotOption(
                ballot=ballot,
                position=i,
                label=o.label,
                description=o.description,
                proposal=o.proposal,
                candidate=o.candidate,
            )
            for i, o in enumerate(options, start=1)
        )
    return ballot


def ballot_set_alternatives(*, actor: Member, ballot: Ballot, alternatives: Sequence[Proposal]) -> Ballot:
    """Change which counter-proposals a draft choice ballot carries (the proposal itself always stays)."""
    require_capability(actor, ballot.unit, MANAGE_BALLOTS)
    if ballot.status != Ballot.Status.DRAFT or ballot.kind != Ballot.Kind.CHOICE or ballot.proposal is None:
        raise ValidationError(_("Only a draft choice between alternatives can change its alternatives."))
    specs = _unique_labels(
        options_for(kind=ballot.kind, proposal=ballot.proposal, alternatives=alternatives, labels=[])
    )
    with transaction.atomic():
        ballot.options.all().delete()
        BallotOption.objects.bulk_create(
            BallotOption(ballot=ballot, position=i, label=o.label, proposal=o.proposal)
            for i, o in enumerate(specs, start=1)
        )
    return ballot


# --- opening ------------------------------------------------------------------------------------------------
def _proposal_ids(ballot: Ballot) -> set[int]:
    """The proposals a ballot decides: the one it is about and every alternative on its paper."""
    ids = {pk for pk in ballot.options.values_list("proposal_id", flat=True) if pk}
    if ballot.proposal_id:
        ids.add(ballot.proposal_id)
    return ids


def _refusals_about_proposals(ballot: Ballot) -> list[str]:
    """The rules of DESIGN §5 that a ballot on a proposal must meet before it opens."""
    problems: list[str] = []
    if ballot.amendment is not None:
        amendment = ballot.amendment
        if amendment.status != Amendment.Status.PROPOSED:
            problems.append(_("This amendment is no longer open for a vote."))
        if amendment.proposal.status not in (Proposal.Status.SUBMITTED, Proposal.Status.ON_AGENDA):
            problems.append(_("The amended proposal is no longer open for debate."))
        return problems
    proposal = ballot.proposal
    if proposal is None:
        return problems
    on_paper = _proposal_ids(ballot)
    for paper in Proposal.objects.filter(pk__in=on_paper):
        if paper.status not in (Proposal.Status.SUBMITTED, Proposal.Status.ON_AGENDA):
            problems.append(_("“%s” is not open for a vote (it is %s).") % (paper.title, paper.get_status_display()))
    needed = proposal_selectors.cosigners_required(proposal.unit)
    for counter in proposal_selectors.counter_proposals(proposal):
        if counter.qualifies and counter.proposal.pk not in on_paper:
            problems.append(
                _(
                    "The counter-proposal “%(title)s” has %(n)d co-signers (the rule is %(needed)d), so it must be "
                    "on the same ballot as “%(proposal)s”: add it to this ballot (a choice between alternatives)."
                )
                % {
                    "title": counter.proposal.title,
                    "n": counter.signatures,
                    "needed": needed,
                    "proposal": proposal.title,
                }
            )
    for amendment in proposal_selectors.pending_amendments(proposal):
        problems.append(
            _(
                "Amendment %(n)d by %(who)s is still pending: amendments are decided before the main question "
                "(accepted by the author, withdrawn, or voted on)."
            )
            % {"n": amendment.pk, "who": amendment.author}
        )
    return problems


def ballot_open(*, actor: Member, ballot: Ballot, closes_at: dt.datetime | None = None) -> Ballot:
    """Freeze the roll and open the ballot. Refuses, naming every reason, when a rule is not met."""
    require_capability(actor, ballot.unit, MANAGE_BALLOTS)
    now = timezone.now()
    closes_at = closes_at or ballot.closes_at
    with transaction.atomic():
        ballot = (
            Ballot.objects.select_for_update(of=("self",))
            .select_related("unit", "proposal", "amendment__proposal")
            .get(pk=ballot.pk)
        )
        if ballot.status != Ballot.Status.DRAFT:
            raise ValidationError(_("This ballot has already been opened."))
        problems = _refusals_about_proposals(ballot)
        if ballot.mode == Ballot.Mode.REMOTE and closes_at is None:
            problems.append(_("A remote ballot needs a closing time."))
        if closes_at is not None and closes_at <= now:
            problems.append(_("The closing time must be in the future."))
        roll = list(selectors.eligible_members(ballot.unit, ballot.cutoff_on).values_list("pk", flat=True))
        if not roll:
            problems.append(_("Nobody is eligible: no member in good standing joined by the cut-off date."))
        if problems:
            raise ValidationError({"__all__": problems})
        EligibleVoter.objects.bulk_create((EligibleVoter(ballot=ballot, member_id=pk) for pk in roll), batch_size=2000)
        ballot.status, ballot.opened_at, ballot.closes_at = Ballot.Status.OPEN, now, closes_at
        ballot.eligible_count = len(roll)
        ballot.version = F("version") + 1
        ballot.save(update_fields=["status", "opened_at", "closes_at", "eligible_count", "version"])
        ballot.refresh_from_db(fields=["version"])
        if ballot.amendment is not None:
            proposal_services.amendments_put_on_ballot(amendments=[ballot.amendment])
        elif ballot.proposal is not None:
            papers = Proposal.objects.filter(pk__in=_proposal_ids(ballot))
            proposal_services.proposals_put_on_ballot(proposals=papers, actor=actor)
        record(
            "ballot.open",
            actor=actor,
            obj=ballot,
            payload={
                "unit": ballot.unit.path,
                "title": ballot.title,
                "kind": ballot.kind,
                "method": ballot.method,
                "seats": ballot.seats,
                "threshold": ballot.threshold,
                "quorum": ballot.quorum,
                "cutoff_on": ballot.cutoff_on.isoformat(),
                "closes_at": closes_at.isoformat() if closes_at else None,
                "eligible": len(roll),
                "options": selectors.option_labels(ballot),
            },
        )
        live.broadcast_count_on_commit(ballot.pk, at_once=True)
    return ballot


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
            live.broadcast_count_on_commit(ballot.pk)
    except IntegrityError:
        raise ValidationError(ALREADY_VOTED) from None
    return Receipt(ballot.pk, content, receipt, nonce)


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
                "winners": list(decision.winners),
            },
        )
        _apply_decision(ballot, decision)
        live.broadcast_count_on_commit(ballot.pk, at_once=True)
        _vacuum_box_after_commit()
    return ballot


def _apply_decision(ballot: Ballot, decision: outcome.Decision) -> None:
    """What the ballot decided, done in the closing transaction: proposals, amendments, role terms."""
    reason = _("ballot %(id)d: %(verdict)s") % {"id": ballot.pk, "verdict": decision.verdict.value}
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
        from rankandfile.ballots.elections import election_record_result

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


# --- reminders ----------------------------------------------------------------------------------------------
def ballot_send_reminders(*, ballot: Ballot, now: dt.datetime | None = None) -> int:
    """Email every member on the roll who has not voted yet, once per ballot. Returns the number of emails."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.status != Ballot.Status.OPEN or locked.reminded_at is not None:
            return 0
        locked.reminded_at = now
        locked.save(update_fields=["reminded_at"])
        recipients = list(selectors.members_to_remind(locked).values_list("email", "full_name"))
        link = settings.SITE_URL + locked.get_absolute_url()
        subject = _("Reminder: vote in “%(title)s” before %(when)s") % {
            "title": locked.title,
            "when": timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M") if locked.closes_at else "",
        }
        messages = [
            EmailMessage(
                subject,
                render_to_string("ballots/reminder_email.txt", {"ballot": locked, "name": name, "link": link}),
                None,
                [email],
            )
            for email, name in recipients
        ]
        get_connection().send_messages(messages)
    return len(messages)
