"""Reading what happened in a unit (and the units inside it) as the domain's plain records.

Never reads ballot contents (nothing here touches `CastBallot` or `PublishedBallot`): who won a ballot is its
published decision, already on every member's results page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from rankandfile.ballots import selectors as ballot_selectors
from rankandfile.ballots.models import BallotOption, Election, Nomination
from rankandfile.insights.domain.pile_ons import answered_dissenters
from rankandfile.insights.domain.records import (
    ElectionRecord,
    MembershipSpan,
    OverrideRecord,
    ProposalRecord,
    PublicAct,
    SpeechRecord,
    Stance,
    TermRecord,
)
from rankandfile.insights.models import ClimateSurvey, ExitInvitation, ExitResponse, Snapshot, SurveyQuestion
from rankandfile.meetings.models import Dissent, Override, Speech
from rankandfile.org.models import Member, Membership, RoleTerm, Unit
from rankandfile.proposals.models import CoSignature, Proposal

MOVED_FORWARD = ("move", "insert")


def in_subtree(unit: Unit, field: str = "unit") -> Q:
    return Q(**{f"{field}": unit}) | Q(**{f"{field}__path__startswith": unit.path + "/"})


def unit_speeches(unit: Unit) -> list[SpeechRecord]:
    rows = (
        Speech.objects.filter(in_subtree(unit, "meeting__unit"), ended_at__isnull=False)
        .order_by("item_id", "started_at", "id")
        .values_list(
            "id",
            "meeting_id",
            "item_id",
            "member_id",
            "stance",
            "is_role_holder",
            "started_at",
            "ended_at",
            "paused_seconds",
            "request_id",
            "meeting__rules",
        )
    )
    overridden = set(
        Override.objects.filter(
            in_subtree(unit, "meeting__unit"), action__in=MOVED_FORWARD, request__isnull=False
        ).values_list("request_id", flat=True)
    )
    records = []
    for pk, meeting, item, member, stance, role, started, ended, paused, request, rules in rows:
        seconds = 0 if ended is None else max(int((ended - started).total_seconds()) - paused, 0)
        records.append(
            SpeechRecord(
                id=pk,
                meeting_id=meeting,
                item_id=item,
                member_id=member,
                stance=Stance(stance),
                is_role_holder=role,
                seconds=seconds,
                started_at=started,
                is_overridden=request in overridden,
                is_cap_on=(rules or {}).get("pile_on_cap") is not None,
            )
        )
    return records


def unit_dissenters(unit: Unit, speeches: list[SpeechRecord]) -> set[int]:
    """Members who dissented: a dissent answered by a role holder, a counter-proposal written or co-signed, or a
    dissent or minority report in the minutes (docs/insights.md, "Who dissented")."""
    counters = Proposal.objects.filter(in_subtree(unit), answers__isnull=False).exclude(status="draft")
    found = answered_dissenters(speeches)
    found |= set(counters.values_list("author_id", flat=True))
    found |= set(CoSignature.objects.filter(proposal__in=counters).values_list("member_id", flat=True))
    found |= set(Dissent.objects.filter(in_subtree(unit, "meeting__unit")).values_list("author_id", flat=True))
    return found


def unit_spans(unit: Unit, dissenters: set[int]) -> list[MembershipSpan]:
    spans = []
    rows = Membership.objects.filter(in_subtree(unit)).values_list(
        "member_id", "joined_on", "status", "left_on", "status_changed_on"
    )
    for member, joined, status, left, changed in rows:
        ended = None if status == Membership.Status.ACTIVE else (left or changed or joined)
        spans.append(MembershipSpan(member, joined, ended, member in dissenters))
    return spans


def unit_terms(unit: Unit) -> list[TermRecord]:
    rows = RoleTerm.objects.filter(in_subtree(unit, "role_type__unit")).values_list(
        "holder_id", "role_type_id", "starts_on", "ends_on", "how_filled"
    )
    return [TermRecord(*row) for row in rows]


def unit_overrides(unit: Unit) -> list[OverrideRecord]:
    rows = Override.objects.filter(in_subtree(unit, "meeting__unit")).values_list(
        "meeting_id", "actor_id", "action", "created_at", "request__is_role_holder"
    )
    return [
        OverrideRecord(meeting, chair, action, at.date(), role if action in MOVED_FORWARD else None)
        for meeting, chair, action, at, role in rows
    ]


def unit_proposals(unit: Unit) -> list[ProposalRecord]:
    """Submitted proposals; whether the author held a role then is whether they hold one on the filing day."""
    proposals = list(
        Proposal.objects.filter(in_subtree(unit))
        .exclude(status="draft")
        .values_list("id", "submitted_at", "created_at", "answers_id", "author_id", "status", "unit__path")
    )
    on_ballot = set(
        BallotOption.objects.filter(proposal_id__in=[p[0] for p in proposals]).values_list("proposal_id", flat=True)
    )
    terms: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
    for holder, starts, ends, path in RoleTerm.objects.filter(holder_id__in={p[4] for p in proposals}).values_list(
        "holder_id", "starts_on", "ends_on", "role_type__unit__path"
    ):
        terms.setdefault(holder, []).append((starts, ends, path))
    records = []
    for pk, submitted, created, answers, author, status, path in proposals:
        day = (submitted or created).date()
        role = any(
            s <= day and (e is None or e > day) and (path == p or path.startswith(p + "/"))
            for s, e, p in terms.get(author, [])
        )
        records.append(
            ProposalRecord(
                pk,
                day,
                answers is not None,
                role,
                pk in on_ballot or status in ("on_ballot", "adopted", "rejected"),
                status == "adopted",
                author,
            )
        )
    return records


DECIDED = ("elected", "acclaimed", "none", "undecided")


def unit_elections(unit: Unit) -> list[ElectionRecord]:
    """Closed elections with the members standing (accepted, not withdrawn) when they closed."""
    elections = list(
        Election.objects.filter(
            in_subtree(unit, "role_type__unit"), status__in=DECIDED, closed_at__isnull=False
        ).values_list("id", "closed_at", "seats", "status")
    )
    standing: dict[int, set[int]] = {}
    for election, nominee in Nomination.objects.filter(
        election_id__in=[e[0] for e in elections], accepted_at__isnull=False, withdrawn_at__isnull=True
    ).values_list("election_id", "nominee_id"):
        standing.setdefault(election, set()).add(nominee)
    return [
        ElectionRecord(pk, closed.date(), seats, frozenset(standing.get(pk, ())), status)
        for pk, closed, seats, status in elections
        if closed is not None
    ]


def unit_public_acts(unit: Unit, *, limit: int) -> list[PublicAct]:
    """The latest chair overrides (as minuted) and appointments (as in the role history), with their reasons."""
    acts = [
        PublicAct(
            "override", o.created_at.date(), o.pk, o.meeting_id, o.actor.full_name, o.get_action_display(), o.reason
        )
        for o in Override.objects.filter(in_subtree(unit, "meeting__unit"))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    ]
    acts += [
        PublicAct(
            "appointment",
            t.starts_on,
            t.pk,
            t.role_type.unit_id,
            t.appointed_by.full_name if t.appointed_by else "",
            f"{t.holder.full_name}: {t.role_type.name} ({t.starts_on.isoformat()})",
            t.reason,
        )
        for t in RoleTerm.objects.filter(in_subtree(unit, "role_type__unit"), how_filled="appointed")
        .select_related("holder", "appointed_by", "role_type")
        .order_by("-starts_on", "-id")[:limit]
    ]
    return acts


def source_mark(unit: Unit) -> str:
    """A fingerprint of everything the unit's figures are computed from: a refresh is needed when it changes."""
    speeches = Speech.objects.filter(in_subtree(unit, "meeting__unit"), ended_at__isnull=False).aggregate(
        n=Count("id"), last=Max("id")
    )
    memberships = Membership.objects.filter(in_subtree(unit)).aggregate(
        n=Count("id"), ended=Count("id", filter=~Q(status=Membership.Status.ACTIVE)), last=Max("status_changed_on")
    )
    terms = RoleTerm.objects.filter(in_subtree(unit, "role_type__unit")).aggregate(n=Count("id"), last=Max("id"))
    proposals = Proposal.objects.filter(in_subtree(unit)).aggregate(
        n=Count("id"), decided=Count("decided_at"), signed=Count("cosignatures")
    )
    extra = (
        Override.objects.filter(in_subtree(unit, "meeting__unit")).count(),
        Election.objects.filter(in_subtree(unit, "role_type__unit"), closed_at__isnull=False).count(),
        Dissent.objects.filter(in_subtree(unit, "meeting__unit")).count(),
        SurveyQuestion.objects.filter(in_subtree(unit, "survey__unit"), ballot__status="closed").count(),
        ExitResponse.objects.filter(in_subtree(unit)).count(),
        timezone.localdate().isoformat(),  # survival curves follow members over time: at least daily
    )
    parts = [*speeches.values(), *memberships.values(), *terms.values(), *proposals.values(), *extra]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def unit_climate(unit: Unit) -> list[tuple[ClimateSurvey, str, dict[int, int] | None]]:
    """Each closed climate question: (survey, key, answer counts by score, or None while withheld or open)."""
    rows = []
    questions = SurveyQuestion.objects.filter(in_subtree(unit, "survey__unit")).select_related("survey", "ballot")
    for question in questions.order_by("survey__opened_on", "survey_id", "id"):
        counts = None
        if question.ballot.is_closed:
            shown = ballot_selectors.ballot_results(question.ballot)
            if shown.report_json and not shown.figures_withheld:
                totals = json.loads(shown.report_json)["stages"][0]["totals"]
                counts = {int(label.split(" ", 1)[0]): int(float(votes)) for label, votes in totals.items()}
        rows.append((question.survey, question.key, counts))
    return rows


def unit_exit_reasons(unit: Unit) -> dict[str, dict[str, int]]:
    """Exit survey reasons by year: {"2026": {"no_time": 12, ...}}."""
    out: dict[str, dict[str, int]] = {}
    for quarter, reason, n in (
        ExitResponse.objects.filter(in_subtree(unit)).values_list("quarter", "reason").annotate(n=Count("id"))
    ):
        year = out.setdefault(quarter[:4], {})
        year[reason] = year.get(reason, 0) + n
    return dict(sorted(out.items()))


def snapshot_figures(unit: Unit) -> dict[str, Any] | None:
    return Snapshot.objects.filter(unit=unit).values_list("figures", flat=True).first()


COMPARED = ("floor", "pile_ons", "retention__gap_12m", "roles__gini")


def comparison(units: list[Unit]) -> dict[int, dict[str, Any]]:
    """The parts of each unit's precomputed figures the comparison table shows (one query; units never refreshed
    are left out). Only those keys leave the database: a unit's whole figures (every meeting, the survival curves,
    the surveys) grow with its years, and the table has a row for every unit."""
    rows = Snapshot.objects.filter(unit__in=units).values_list("unit_id", *(f"figures__{key}" for key in COMPARED))
    out: dict[int, dict[str, Any]] = {}
    for unit_id, floor, pile_ons, gap, gini in rows:
        out[unit_id] = {"floor": floor, "pile_ons": pile_ons, "retention": {"gap_12m": gap}, "roles": {"gini": gini}}
    return out


def my_figures(member: Member) -> dict[str, Any]:
    """A member's own floor figures, shown to that member only: their turns and time, and their share."""
    mine = Speech.objects.filter(member=member, ended_at__isnull=False).exclude(stance="point_of_order")
    rows = mine.values_list("meeting_id", "started_at", "ended_at", "paused_seconds")
    seconds = sum(max(int((e - s).total_seconds()) - p, 0) for _m, s, e, p in rows if e is not None)
    meetings = {m for m, _s, _e, _p in rows}
    return {
        "turns": len(rows),
        "seconds": seconds,
        "meetings_spoken_in": len(meetings),
        "dissents_in_minutes": Dissent.objects.filter(author=member).count(),
        "counter_proposals_signed": CoSignature.objects.filter(member=member, proposal__answers__isnull=False).count(),
    }


def exit_invitation_find(raw_token: str) -> ExitInvitation | None:
    hashed = hashlib.sha256(raw_token.encode()).hexdigest()
    return ExitInvitation.objects.select_related("membership__unit").filter(token_hash=hashed).first()
