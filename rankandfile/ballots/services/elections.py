"""Services for elections to roles: open nominations, acceptance, acclamation, the election ballot, terms.

Every write in one transaction; acclamations and elections give role terms through org's `seat_fill`, which
enforces seats and term limits and records each term in the audit chain. An elected term keeps the ballot's id in
`RoleTerm.ballot_ref`, so the public role history links to the result (docs/ballots.md, "Elections for roles").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rankandfile.audit.services import record
from rankandfile.ballots import selectors
from rankandfile.ballots.domain import kinds, outcome
from rankandfile.ballots.models import Ballot, Election, Nomination
from rankandfile.ballots.services.setup import OptionSpec, ballot_create
from rankandfile.notifications import services as notifications
from rankandfile.org import selectors as org_selectors
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member, RoleTerm, RoleType
from rankandfile.org.selectors import is_active_member
from rankandfile.org.services import seat_fill
from rankandfile.proposals.access import require_unit_member

ELECTION_METHODS = (kinds.Method.IRV, kinds.Method.STV_SCOTTISH, kinds.Method.STV_MEEK, kinds.Method.APPROVAL)
NOMINATION_DAYS = 14


@dataclass(frozen=True)
class ElectionDefaults:
    """What the election form and the API propose, agreeing with each other and with the seat rules."""

    seats: int
    term_starts_on: dt.date
    nominations_close_at: dt.datetime

    @property
    def method(self) -> str:
        return self.method_for(self.seats)

    @staticmethod
    def method_for(seats: int) -> str:
        """A method that fits the seats: IRV fills one; Scottish STV several."""
        return str(kinds.Method.IRV if seats == 1 else kinds.Method.STV_SCOTTISH)


def election_defaults(*, role_type: RoleType, now: dt.datetime | None = None) -> ElectionDefaults:
    """Nominations for two weeks; then a by-election for the seats vacant when they close (terms starting that
    day and running to the next elected term), or, with none vacant, the next elected term's open seats."""
    close_at = timezone.localtime(now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    close_at += dt.timedelta(days=NOMINATION_DAYS)
    close_day = close_at.date()
    seats_then = org_selectors.role_seats(role_type, close_day)
    if seats_then.vacancies:
        return ElectionDefaults(seats_then.vacancies, close_day, close_at)
    starts = seats_then.appointment_ends_on
    at_start = org_selectors.role_seats(role_type, starts)
    return ElectionDefaults(at_start.vacancies or role_type.seats, starts, close_at)


def election_create(
    *,
    actor: Member,
    role_type: RoleType,
    seats: int,
    method: str,
    nominations_close_at: dt.datetime,
    term_starts_on: dt.date,
) -> Election:
    """Open nominations for `seats` seats of a role (`manage_ballots` in the role's unit)."""
    require_capability(actor, role_type.unit, MANAGE_BALLOTS)
    errors: dict[str, str] = {}
    if not 1 <= seats <= role_type.seats:
        errors["seats"] = ngettext("The role has %d seat.", "The role has %d seats.", role_type.seats) % role_type.seats
    if method not in ELECTION_METHODS:
        errors["method"] = _("Choose IRV, STV (Scottish or Meek) or approval.")
    elif method == kinds.Method.IRV and seats != 1:
        errors["method"] = _("IRV fills one seat; use STV or approval for several.")
    if nominations_close_at <= timezone.now():
        errors["nominations_close_at"] = _("Nominations must close in the future.")
    if role_type.unit.is_dissolved or role_type.retired_on is not None:
        errors["role_type"] = _("This role is no longer in use.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        election = Election.objects.create(
            role_type=role_type,
            seats=seats,
            method=method,
            nominations_close_at=nominations_close_at,
            term_starts_on=term_starts_on,
            created_by=actor,
        )
        record(
            "election.open",
            actor=actor,
            obj=election,
            payload={"role": role_type.pk, "unit": role_type.unit.path, "seats": seats, "method": method},
        )
    return election


def election_create_by_rule(
    *,
    role_type: RoleType,
    nominations_close_at: dt.datetime,
    term_starts_on: dt.date,
    term_ends_on: dt.date | None,
    reason: str,
) -> Election:
    """Open nominations for one seat because a rule says so (a carried recall), with no officer's say: inside the
    caller's transaction. The new term runs from `term_starts_on` to `term_ends_on` (the remainder)."""
    election = Election(
        role_type=role_type,
        seats=1,
        method=kinds.Method.IRV,
        nominations_close_at=nominations_close_at,
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
        created_by=None,
    )
    election.full_clean(exclude=["created_by", "ballot"])
    election.save()
    record(
        "election.open",
        actor=None,
        obj=election,
        payload={
            "role": role_type.pk,
            "unit": role_type.unit.path,
            "seats": 1,
            "method": election.method,
            "term_ends_on": term_ends_on.isoformat() if term_ends_on else None,
            "reason": reason,
        },
    )
    return election


def _require_nominating(election: Election) -> None:
    if election.status != Election.Status.NOMINATING or timezone.now() >= election.nominations_close_at:
        raise ValidationError(_("Nominations for this election are closed."))


def _term_limit_problem(election: Election, nominee: Member) -> str | None:
    limit = election.role_type.term_limit
    if limit is not None and selectors.terms_held(election.role_type_id, nominee) >= limit:
        return _("%(who)s has reached the term limit of this role (%(n)d).") % {"who": nominee, "n": limit}
    return None


def nomination_create(*, actor: Member, election: Election, nominee: Member, statement: str = "") -> Nomination:
    """Nominate a member (or yourself: then the nomination is accepted at once, with your statement)."""
    unit = election.role_type.unit
    require_unit_member(actor, unit)
    _require_nominating(election)
    if not is_active_member(nominee, unit):
        raise ValidationError({"nominee": _("%s is not an active member of this unit.") % nominee})
    if problem := _term_limit_problem(election, nominee):
        raise ValidationError({"nominee": problem})
    is_self = nominee.pk == actor.pk
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                election=election,
                nominee=nominee,
                nominated_by=actor,
                statement=statement.strip() if is_self else "",
                accepted_at=timezone.now() if is_self else None,
            )
    except IntegrityError:
        raise ValidationError({"nominee": _("%s is already nominated.") % nominee}) from None
    if not is_self:
        notifications.notify_on_commit(kind="ballot.nomination", object_id=nomination.pk, recipients=[nominee.pk])
    return nomination


def nomination_accept(*, actor: Member, nomination: Nomination, statement: str) -> Nomination:
    if nomination.nominee_id != actor.pk:
        raise ValidationError(_("Only the nominee may accept a nomination."))
    _require_nominating(nomination.election)
    if problem := _term_limit_problem(nomination.election, actor):
        raise ValidationError(problem)
    nomination.statement = statement.strip()
    nomination.accepted_at = nomination.accepted_at or timezone.now()
    nomination.withdrawn_at = None
    nomination.save(update_fields=["statement", "accepted_at", "withdrawn_at"])
    return nomination


def nomination_withdraw(*, actor: Member, nomination: Nomination) -> Nomination:
    """The nominee declines or withdraws, until nominations close."""
    if nomination.nominee_id != actor.pk:
        raise ValidationError(_("Only the nominee may withdraw."))
    _require_nominating(nomination.election)
    nomination.withdrawn_at = timezone.now()
    nomination.save(update_fields=["withdrawn_at"])
    return nomination


def election_close_nominations(*, actor: Member, election: Election, cutoff_on: dt.date | None = None) -> Election:
    """After the deadline: acclaim when candidates ≤ seats, else set up the election ballot (a draft to open)."""
    role_type = election.role_type
    require_capability(actor, role_type.unit, MANAGE_BALLOTS)
    if election.status != Election.Status.NOMINATING:
        raise ValidationError(_("Nominations for this election are already closed."))
    if timezone.now() < election.nominations_close_at:
        raise ValidationError(
            _("Nominations are open until %s: everyone gets the whole period.")
            % timezone.localtime(election.nominations_close_at).strftime("%Y-%m-%d %H:%M")
        )
    candidates = selectors.standing_candidates(election)
    with transaction.atomic():
        election.closed_at = timezone.now()
        if not candidates:
            election.status = Election.Status.NO_CANDIDATES
        elif len(candidates) <= election.seats:
            for nomination in candidates:
                seat_fill(
                    role_type=role_type,
                    holder=nomination.nominee,
                    how_filled=RoleTerm.Filled.ACCLAIMED,
                    starts_on=election.term_starts_on,
                    ends_on=election.term_ends_on,
                    actor=actor,
                )
            election.status = Election.Status.ACCLAIMED
        else:
            election.ballot = ballot_create(
                actor=actor,
                unit=role_type.unit,
                title=ngettext("Election: %(role)s (%(n)d seat)", "Election: %(role)s (%(n)d seats)", election.seats)
                % {"role": role_type.name, "n": election.seats},
                kind=kinds.Kind.ELECTION,
                method=election.method,
                seats=election.seats,
                cutoff_on=cutoff_on or timezone.localdate(),
                options=[
                    OptionSpec(n.nominee.full_name, description=n.statement, candidate=n.nominee) for n in candidates
                ],
            )
            election.status = Election.Status.BALLOT
        election.save(update_fields=["status", "closed_at", "ballot"])
        record(
            "election.nominations_closed",
            actor=actor,
            obj=election,
            payload={"status": election.status, "candidates": [n.nominee_id for n in candidates]},
        )
    return election


def election_record_result(*, election: Election, ballot: Ballot, decision: outcome.Decision) -> None:
    """From the ballot's close (same transaction): the winners get their terms, elected by this ballot."""
    if decision.verdict != outcome.Verdict.ELECTED:
        election.status = Election.Status.UNDECIDED
        election.save(update_fields=["status"])
        return
    by_label = {o.label: o.candidate for o in ballot.options.select_related("candidate")}
    for label in decision.winners:
        holder = by_label[label]
        if holder is None:  # every option of an election ballot is a candidate
            raise ValidationError(_("“%s” is not a candidate.") % label)
        seat_fill(
            role_type=election.role_type,
            holder=holder,
            how_filled=RoleTerm.Filled.ELECTED,
            starts_on=election.term_starts_on,
            ends_on=election.term_ends_on,
            ballot_ref=ballot.pk,
        )
    election.status = Election.Status.ELECTED
    election.save(update_fields=["status"])
