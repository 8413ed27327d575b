"""Reads of ballots: lists, the roll, turnout, the published box and its export (docs/ballots.md)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet

from rankandfile.ballots.domain import kinds, outcome, receipts
from rankandfile.ballots.models import (
    Ballot,
    BallotOption,
    CastBallot,
    Election,
    EligibleVoter,
    Nomination,
    Participation,
    PublishedBallot,
)
from rankandfile.counting import explain
from rankandfile.org.models import Member, RoleTerm, Unit
from rankandfile.org.selectors import active_members

BALLOT_BOX_FORMAT = "rankandfile-ballot-box"  # docs/counting.md: what `rankandfile tally --input json` reads


def ballot_by_id(ballot_id: int) -> Ballot | None:
    return Ballot.objects.select_related("unit", "proposal", "amendment__proposal").filter(pk=ballot_id).first()


@dataclass(frozen=True)
class Paper:
    """What a cast needs of its ballot: the ballot row (with its unit) and its options in order."""

    ballot: Ballot
    labels: tuple[str, ...]


# An opened ballot's paper never changes: its title, kind, method, unit, cut-off and options are fixed when it opens
# (opened_at is set once, and ids are never reused). What does change, the status and the closing time, the cast
# reads again inside its own transaction, under the row lock (services.ballot_cast). So this process keeps the
# paper of each opened ballot, keyed by the ballot and its opening time as the database returns it, and a cast
# checks the key with a one-column query instead of loading the ballot and its options (the ORM's compilation of
# the ballot query alone cost more CPU than the whole cast transaction). A plain dict, not Django's cache: under
# ASGI every request runs in a new context and the Redis cache client opens a new connection for each.
_papers_of_open_ballots: dict[int, tuple[Any, Paper]] = {}  # ballot id -> (opened_at as read, paper)


def paper_for_cast(ballot_id: int) -> Paper | None:
    """The ballot and its options in order: one cheap query once the ballot is open and its paper known here.

    Each call returns its own copy of the ballot, so a request may not change what another one sees.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT opened_at FROM {Ballot._meta.db_table} WHERE id = %s", [ballot_id])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    opened_at = row[0]
    known = _papers_of_open_ballots.get(ballot_id) if opened_at is not None else None
    paper = known[1] if known is not None and known[0] == opened_at else None
    if paper is None:
        ballot = Ballot.objects.select_related("unit").filter(pk=ballot_id).first()
        if ballot is None:
            return None
        paper = Paper(ballot, tuple(option_labels(ballot)))
        if opened_at is not None:  # opened before this read began: the paper cannot change any more
            if len(_papers_of_open_ballots) > 1000:
                _papers_of_open_ballots.clear()
            _papers_of_open_ballots[ballot_id] = (opened_at, paper)
    return Paper(copy.copy(paper.ballot), paper.labels)


def known_paper(ballot_id: int) -> tuple[Any, Paper] | None:
    """The paper this process keeps for an opened ballot, with the opening time it was read with; no query.

    For the cast door (cast_door.py), which checks the opening time in its own queries. The paper is shared, not
    copied: the door only reads it."""
    return _papers_of_open_ballots.get(ballot_id)


def ballots_of_unit(unit: Unit, viewer: Member | None = None) -> list[Ballot]:
    """The unit's ballots, newest first; for a `viewer`, whether each is on their roll and they voted in it
    (`is_on_my_roll`, `has_my_vote`: their own participation only, in the same query)."""
    rows = Ballot.objects.filter(unit=unit).annotate(n_cast=Count("participations")).order_by("-created_at", "-id")
    if viewer is not None:
        rows = rows.annotate(
            is_on_my_roll=Exists(EligibleVoter.objects.filter(ballot=OuterRef("pk"), member_id=viewer.pk)),
            has_my_vote=Exists(Participation.objects.filter(ballot=OuterRef("pk"), member_id=viewer.pk)),
        )
    return list(rows[:200])


def options_of(ballot: Ballot) -> list[BallotOption]:
    return list(ballot.options.select_related("proposal", "candidate").order_by("position"))


def option_labels(ballot: Ballot) -> list[str]:
    return list(ballot.options.order_by("position").values_list("label", flat=True))


# --- the roll and turnout -----------------------------------------------------------------------------------
def eligible_members(unit: Unit, cutoff_on: dt.date) -> QuerySet[Member]:
    """Members in good standing of the unit (or a unit inside it) who joined on or before the cut-off."""
    return active_members(unit, joined_on_or_before=cutoff_on)


def is_on_roll(ballot: Ballot, member: Any) -> bool:
    return EligibleVoter.objects.filter(ballot=ballot, member_id=member.pk).exists()


def has_voted(ballot: Ballot, member: Any) -> bool:
    return Participation.objects.filter(ballot=ballot, member_id=member.pk).exists()


def participation_count(ballot_id: int) -> int:
    return Participation.objects.filter(ballot_id=ballot_id).count()


def members_to_remind(ballot: Ballot) -> QuerySet[Member]:
    voted = Participation.objects.filter(ballot=ballot).values("member_id")
    return Member.objects.filter(pk__in=ballot.roll.values("member_id"), is_active=True).exclude(pk__in=voted)


def due_for_reminder(now: dt.datetime, within: dt.timedelta) -> QuerySet[Ballot]:
    return Ballot.objects.filter(
        status=Ballot.Status.OPEN,
        mode=Ballot.Mode.REMOTE,
        reminded_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + within,
    )


def due_for_closing(now: dt.datetime) -> QuerySet[Ballot]:
    return Ballot.objects.filter(status=Ballot.Status.OPEN, closes_at__lte=now)


def is_still_open(ballot_id: int) -> bool:
    return Ballot.objects.filter(pk=ballot_id, status=Ballot.Status.OPEN).exists()


# --- the box ------------------------------------------------------------------------------------------------
def box(ballot: Ballot) -> QuerySet[PublishedBallot] | QuerySet[CastBallot]:
    """The ballot papers in the order of their random ids: never the order in which they were cast. A closed
    ballot's are in the published box; an open one's still in the open box (read only to count and to check)."""
    papers = PublishedBallot if ballot.status == Ballot.Status.CLOSED else CastBallot
    return papers.objects.filter(ballot=ballot).order_by("id")


def find_receipt(ballot: Ballot, receipt: str) -> PublishedBallot | CastBallot | None:
    return box(ballot).filter(receipt=receipt).first()


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool
    content: dict[str, list[str]] | None = None
    unchanged: bool | None = None  # None: no check code given, so only presence is shown


def check_receipt(ballot: Ballot, receipt: str, nonce: str) -> ReceiptCheck:
    paper = find_receipt(ballot, receipt)
    if paper is None:
        return ReceiptCheck(found=False)
    unchanged = receipts.matches(ballot.key, paper.content, nonce, receipt) if nonce else None
    return ReceiptCheck(found=True, content=paper.content, unchanged=unchanged)


@dataclass(frozen=True)
class Results:
    """What any surface (page, API, close response) may show of a ballot's result: the one place that decides."""

    decision: outcome.Decision | None  # None until the close
    report_html: str
    report_json: str
    figures_withheld: bool  # a survey under five responses: no winner, no totals, no stages
    box_sha256: str
    seed: str
    turnout: float | None


def ballot_results(ballot: Ballot) -> Results:
    """The result as it may be shown: nothing before the close; a survey's figures only from five responses."""
    decision = decision_of(ballot) if ballot.is_closed else None
    withheld = ballot.is_closed and kinds.figures_withheld(ballot.kind, ballot.cast_count or 0)
    if decision is not None and withheld:
        decision = outcome.Decision(decision.verdict, (), decision.quorum_met)
    shown = decision is not None and not withheld
    published = shown and ballot.kind != Ballot.Kind.SURVEY  # a survey's box is never published
    return Results(
        decision=decision,
        report_html=ballot.report_html if shown else "",
        report_json=ballot.report_json if shown else "",
        figures_withheld=withheld,
        box_sha256=ballot.box_sha256 if published else "",
        seed=ballot.seed if published else "",
        turnout=outcome.turnout_percent(ballot.cast_count or 0, ballot.eligible_count or 0),
    )


def count_explained(results: Results) -> explain.Explained | None:
    """The count in plain language for the results page, from the published report (counting/explain.py)."""
    if not results.report_json:
        return None
    return explain.explain(json.loads(results.report_json))


def decision_of(ballot: Ballot) -> outcome.Decision | None:
    if not ballot.decision:
        return None
    return outcome.Decision(
        outcome.Verdict(ballot.decision["verdict"]),
        tuple(ballot.decision.get("winners", ())),
        bool(ballot.decision.get("quorum_met", True)),
    )


def counting_options(ballot: Ballot) -> dict[str, Any]:
    """The rule options the count uses, written into the export so that `rankandfile tally` repeats the count."""
    options: dict[str, Any] = {}
    if ballot.seed:
        options["seed"] = ballot.seed
    if ballot.method == kinds.Method.YES_NO:
        options["threshold"] = ballot.threshold
        if ballot.eligible_count:
            options["eligible"] = ballot.eligible_count
        if ballot.quorum:
            options["quorum"] = ballot.quorum
    return options


# A paper as the export writes it: its content and receipt, in the order of the paper's random id.
BoxPaper = tuple[dict[str, Any], str]


def box_document(ballot: Ballot, papers: Sequence[BoxPaper] | None = None) -> dict[str, Any]:
    """The anonymized ballot box as the JSON document of docs/counting.md (format rankandfile-ballot-box, v1).

    `papers`, the box's (content, receipt) pairs in the order of their ids, when the caller holds them (the close,
    which has just written them): else they are read."""
    if papers is None:
        papers = list(box(ballot).values_list("content", "receipt"))
    return {
        "format": BALLOT_BOX_FORMAT,
        "version": 1,
        "title": ballot.title,
        "method": ballot.method,
        "seats": ballot.seats,
        "candidates": option_labels(ballot),
        "options": counting_options(ballot),
        "ballots": [{"receipt": receipt, **content} for content, receipt in papers],
    }


def box_bytes(ballot: Ballot, papers: Sequence[BoxPaper] | None = None) -> bytes:
    """The exact bytes published for download (one ballot per line), whose SHA-256 the audit chain records."""
    document = box_document(ballot, papers)
    lines = ",\n".join("  " + json.dumps(p, ensure_ascii=False, sort_keys=True) for p in document.pop("ballots"))
    head = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    body = head[:-1] + (', "ballots": [\n' + lines + "\n]}\n" if lines else ', "ballots": []}\n')
    return body.encode()


# --- elections ----------------------------------------------------------------------------------------------
def election_by_id(election_id: int) -> Election | None:
    return Election.objects.select_related("role_type__unit", "ballot").filter(pk=election_id).first()


def elections_of_unit(unit: Unit) -> list[Election]:
    return list(Election.objects.filter(role_type__unit=unit).select_related("role_type").order_by("-created_at")[:50])


def nominations_of(election: Election) -> list[Nomination]:
    return list(election.nominations.select_related("nominee", "nominated_by").order_by("created_at", "id"))


def standing_candidates(election: Election) -> list[Nomination]:
    return [n for n in nominations_of(election) if n.is_standing]


def nomination_by_id(nomination_id: int) -> Nomination | None:
    return Nomination.objects.select_related("election__role_type__unit", "nominee").filter(pk=nomination_id).first()


def terms_elected_by(ballot: Ballot) -> list[RoleTerm]:
    return list(RoleTerm.objects.filter(ballot_ref=ballot.pk).select_related("holder", "role_type"))


def terms_held(role_type_id: int, member: Member) -> int:
    return RoleTerm.objects.filter(role_type_id=role_type_id, holder=member).count()


def nominees_for(election: Election) -> QuerySet[Member]:
    """Who may be nominated: active members of the role's unit."""
    return active_members(election.role_type.unit).order_by("full_name")


def roll_member_ids(ballot_id: int) -> list[int]:
    """Who is on the roll (never who voted: notifications read this, docs/notifications.md)."""
    return list(EligibleVoter.objects.filter(ballot_id=ballot_id).values_list("member_id", flat=True))


# --- what needs a member (ballots/needs.py) -------------------------------------------------------------------
def ballots_awaiting_vote(member: Member, units: Sequence[Unit]) -> list[Ballot]:
    """Open ballots of `units` on whose roll the member is and in which they have not voted: their own
    participation only. Soonest closing first."""
    return list(
        Ballot.objects.filter(status=Ballot.Status.OPEN, unit__in=units, roll__member_id=member.pk)
        .exclude(participations__member_id=member.pk)
        .select_related("unit")
        .order_by("closes_at", "id")[:50]
    )


def elections_nominating(units: Sequence[Unit]) -> list[Election]:
    return list(
        Election.objects.filter(status=Election.Status.NOMINATING, role_type__unit__in=units)
        .select_related("role_type__unit")
        .order_by("nominations_close_at", "id")[:50]
    )


def nominations_to_answer(member: Member, units: Sequence[Unit]) -> list[Nomination]:
    """Nominations of the member, not yet accepted nor withdrawn, while nominations are open."""
    return list(
        Nomination.objects.filter(
            nominee_id=member.pk,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            election__status=Election.Status.NOMINATING,
            election__role_type__unit__in=units,
        ).select_related("election__role_type__unit")
    )
