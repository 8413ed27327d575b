"""Every write to recall petitions: one transaction each, audited (docs/recall.md).

A petition names one current term of a role. Members of the role's unit sign it; at the threshold the recall
ballot opens by itself (`ballots.services.ballot_open_by_rule`: no officer sets it up, words it, opens or closes
it), on the unit's roll frozen at the petition's start. The ballot's close calls `petition_record_result` (registered
in apps.py): when the recall carries, the term ends that day with the ballot as its reason and nominations open for
the remainder of the term. Individual signatures are not audit entries while the petition is open (the chain is
public and the officer may not see who signs); the list of signers is recorded when it becomes public.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile import counting
from rankandfile.audit.services import record
from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.domain import kinds, outcome
from rankandfile.ballots.models import Ballot
from rankandfile.ballots.services.elections import election_create_by_rule
from rankandfile.notifications import services as notifications
from rankandfile.org import access as org_access
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member, RoleTerm, Unit
from rankandfile.org.services import term_recall
from rankandfile.recall import live, selectors
from rankandfile.recall.access import require_unit_member
from rankandfile.recall.domain import rules
from rankandfile.recall.models import Petition, RecallRules, RollEntry, Signature

log = logging.getLogger(__name__)

STATEMENT_MAX = 20_000


# --- the organization's rules ---------------------------------------------------------------------------
RANGES = {
    "signature_percent": rules.PERCENT_RANGE,
    "signature_minimum": rules.MINIMUM_RANGE,
    "lapse_days": rules.LAPSE_DAYS_RANGE,
    "cooldown_months": rules.COOLDOWN_MONTHS_RANGE,
    "ballot_days": rules.BALLOT_DAYS_RANGE,
    "quorum_percent": rules.QUORUM_PERCENT_RANGE,
    "nomination_days": rules.NOMINATION_DAYS_RANGE,
}


def recall_rules_set(*, actor: Member, unit: Unit, threshold: str = "majority", **numbers: int) -> RecallRules:
    """Set the organization's recall rules (`manage_ballots` at its top unit). Each number within its range, so
    that no organization can make a recall impossible; petitions already started keep the rules they started
    with."""
    if unit.parent_id is not None:
        raise ValidationError(_("Recall rules are set for the whole organization, on its top unit."))
    org_access.require_capability(actor, unit, MANAGE_BALLOTS)
    errors = {}
    for field, value in numbers.items():
        if field not in RANGES:
            raise ValidationError({field: _("Unknown rule.")})
        low, high = RANGES[field]
        if not low <= value <= high:
            errors[field] = _("Between %(low)d and %(high)d.") % {"low": low, "high": high}
    if errors:
        raise ValidationError(errors)
    found = RecallRules.objects.filter(unit=unit).first() or RecallRules(unit=unit)
    for field, value in numbers.items():
        setattr(found, field, value)
    found.threshold = threshold
    found.full_clean()
    with transaction.atomic():
        found.save()
        record(
            "recall.rules",
            actor=actor,
            obj=found,
            payload={"unit": unit.path, "threshold": threshold, **{f: getattr(found, f) for f in RANGES}},
        )
    return found


# --- starting, signing, responding ---------------------------------------------------------------------
def petition_start(*, actor: Member, term: RoleTerm, statement: str) -> Petition:
    """A member of the role's unit starts a petition to recall the term's holder, and is its first signature."""
    unit = term.role_type.unit
    require_unit_member(actor, unit)
    statement = statement.strip()
    today, now = timezone.localdate(), timezone.now()
    if term.holder_id == actor.pk:
        raise ValidationError(_("You cannot start a recall petition against yourself."))
    if not term.is_current(today):
        raise ValidationError(_("This term is not current: only a current officer can be recalled."))
    if unit.is_dissolved:
        raise ValidationError(_("The unit is dissolved."))
    if not statement:
        raise ValidationError({"statement": _("Write the statement of reasons.")})
    if len(statement) > STATEMENT_MAX:
        raise ValidationError({"statement": _("Keep the statement under %d characters.") % STATEMENT_MAX})
    found = selectors.rules_for(unit)
    allowed_on = rules.next_petition_allowed_on(selectors.last_failed_recall_on(term), found.cooldown_months)
    if allowed_on is not None and today < allowed_on:
        raise ValidationError(
            _(
                "A recall of %(who)s failed at the ballot less than %(months)d months ago: a new petition may "
                "start on %(day)s."
            )
            % {"who": term.holder, "months": found.cooldown_months, "day": allowed_on.isoformat()}
        )
    roll = selectors.members_in_good_standing(unit)
    signers_possible = len([pk for pk in roll if pk != term.holder_id])
    required = rules.signatures_required(len(roll), found.signature_percent, found.signature_minimum, signers_possible)
    try:
        with transaction.atomic():
            petition = Petition.objects.create(
                term=term,
                unit=unit,
                started_by=actor,
                statement=statement,
                started_at=now,
                lapse_days=found.lapse_days,
                lapses_at=rules.lapses_at(now, found.lapse_days),
                roll_size=len(roll),
                signatures_required=required,
                threshold=found.threshold,
                quorum=rules.quorum(len(roll), found.quorum_percent),
                ballot_days=found.ballot_days,
                nomination_days=found.nomination_days,
            )
            RollEntry.objects.bulk_create((RollEntry(petition=petition, member_id=pk) for pk in roll), batch_size=2000)
            # No actor: the starter is the first signature, and who signs stays unknown until the petition closes
            # (the log is open to members); the close's entry lists every signer, the starter first among them.
            record(
                "recall.start",
                actor=None,
                obj=petition,
                payload={
                    "unit": unit.path,
                    "term": term.pk,
                    "holder": term.holder_id,
                    "role": term.role_type.name,
                    "roll": len(roll),
                    "signatures_required": required,
                    "threshold": found.threshold,
                    "quorum": petition.quorum,
                    "lapses_at": petition.lapses_at.isoformat(),
                },
            )
            Signature.objects.create(petition=petition, member=actor)
            _after_signature(petition)
    except IntegrityError:
        raise ValidationError(_("A recall petition against this term is already under way: sign that one.")) from None
    notifications.notify_on_commit(kind="recall.started", object_id=petition.pk, recipients=[term.holder_id])
    return petition


def _locked_open(petition: Petition) -> Petition:
    """The petition under a row lock, refusing unless it is still collecting signatures."""
    locked = Petition.objects.select_for_update().select_related("term__role_type__unit", "term__holder", "unit")
    petition = locked.get(pk=petition.pk)
    if petition.status != Petition.Status.OPEN:
        raise ValidationError(
            _("This petition is no longer collecting signatures (%s).") % petition.get_status_display()
        )
    if rules.has_lapsed(petition.started_at, petition.lapse_days, timezone.now()):
        raise ValidationError(_("This petition has lapsed: its time for signatures is over."))
    return petition


def petition_sign(*, actor: Member, petition: Petition) -> Signature:
    """A member on the petition's roll signs. At the threshold the recall ballot opens, in the same transaction."""
    org_access.require_member(actor)
    if petition.term.holder_id == actor.pk:
        raise ValidationError(_("You are the officer this petition would recall: you cannot sign it."))
    try:
        with transaction.atomic():
            petition = _locked_open(petition)
            if not RollEntry.objects.filter(petition=petition, member=actor).exists():
                raise ValidationError(
                    _("Only members of %(unit)s in good standing when the petition started may sign it.")
                    % {"unit": petition.unit.name}
                )
            if not petition.term.is_current():
                raise ValidationError(_("The term has ended: there is nothing left to recall."))
            signature = Signature.objects.create(petition=petition, member=actor)
            _after_signature(petition)
    except IntegrityError:
        raise ValidationError(_("You have already signed this petition.")) from None
    return signature


def petition_unsign(*, actor: Member, petition: Petition) -> None:
    """A signer withdraws their signature, while the petition is below its threshold and open."""
    with transaction.atomic():
        petition = _locked_open(petition)
        deleted, _rows = Signature.objects.filter(petition=petition, member=actor).delete()
        if not deleted:
            raise ValidationError(_("You have not signed this petition."))
        _bump(petition)


def petition_respond(*, actor: Member, petition: Petition, response: str) -> Petition:
    """The officer named publishes (or revises) a response, shown beside the statement, until the ballot closes."""
    if petition.term.holder_id != actor.pk:
        raise ValidationError(_("Only the officer named in the petition may respond."))
    response = response.strip()
    if not response:
        raise ValidationError({"response": _("Write your response.")})
    if len(response) > STATEMENT_MAX:
        raise ValidationError({"response": _("Keep the response under %d characters.") % STATEMENT_MAX})
    if petition.status not in rules.ACTIVE:
        raise ValidationError(_("The petition is decided: the response can no longer change."))
    with transaction.atomic():
        petition.response, petition.responded_at = response, timezone.now()
        petition.save(update_fields=["response", "responded_at"])
        record("recall.respond", actor=actor, obj=petition, payload={"length": len(response)})
        _bump(petition)
    return petition


def _bump(petition: Petition) -> None:
    Petition.objects.filter(pk=petition.pk).update(version=F("version") + 1)
    petition.refresh_from_db(fields=["version"])
    live.feed.publish_on_commit(petition.pk)


def _after_signature(petition: Petition) -> None:
    """Inside the signing transaction, with the petition locked: publish progress, open the ballot at the
    threshold."""
    if selectors.signature_count(petition) >= petition.signatures_required:
        _open_ballot(petition)
    _bump(petition)


def _open_ballot(petition: Petition) -> None:
    term = petition.term
    role, unit, holder = term.role_type.name, petition.unit, term.holder
    now = timezone.now()
    signers = selectors.signer_ids(petition.pk)
    ballot = ballot_services.ballot_open_by_rule(
        unit=unit,
        title=_("Recall: should %(who)s be recalled as %(role)s?") % {"who": holder.full_name, "role": role},
        description=_(
            "%(n)d members of %(unit)s signed a petition to recall %(who)s as %(role)s. Yes recalls; no keeps "
            "%(who)s in the role. The statement of reasons and the response are shown below and on the petition."
        )
        % {"n": len(signers), "unit": unit.name, "who": holder.full_name, "role": role},
        roll=selectors.roll_member_ids(petition),
        closes_at=now + dt.timedelta(days=petition.ballot_days),
        threshold=petition.threshold,
        quorum=petition.quorum,
        reason=_("recall petition %d reached its threshold") % petition.pk,
    )
    petition.ballot, petition.status, petition.closed_at = ballot, Petition.Status.BALLOT, now
    petition.save(update_fields=["ballot", "status", "closed_at"])
    record(
        "recall.threshold",
        actor=None,
        obj=petition,
        payload={"ballot": ballot.pk, "signatures": len(signers), "required": petition.signatures_required,
                 "signers": sorted(signers)},
    )  # fmt: skip
    notifications.notify_on_commit(kind="recall.ballot_opened", object_id=petition.pk, recipients=signers)


# --- lapse ----------------------------------------------------------------------------------------------
def petitions_lapse_due(*, now: dt.datetime | None = None) -> list[Petition]:
    """Close every open petition past its time (lapsed) or whose term ended (the worker; safe to run twice)."""
    now = now or timezone.now()
    closed = []
    due = [(p, Petition.Status.LAPSED) for p in selectors.due_to_lapse(now)]
    due += [(p, Petition.Status.ENDED) for p in selectors.open_petitions_of_ended_terms(timezone.localdate(now))]
    for petition, status in due:
        with transaction.atomic():
            locked = Petition.objects.select_for_update().get(pk=petition.pk)
            if locked.status != Petition.Status.OPEN:
                continue
            locked.status, locked.closed_at = status, now
            locked.save(update_fields=["status", "closed_at"])
            record(
                f"recall.{status}",
                actor=None,
                obj=locked,
                payload={"signatures": selectors.signature_count(locked), "required": locked.signatures_required,
                         "signers": sorted(selectors.signer_ids(locked.pk))},
            )  # fmt: skip
            _bump(locked)
            closed.append(locked)
    return closed


# --- the ballot's result (called from the ballot's close, in its transaction) -----------------------------
def result_wording(ballot_id: int, result: rules.Outcome, quorum: int | None) -> str:
    """The words role history and the petition keep: "recalled by ballot 12, 61 % yes, quorum met"."""
    if quorum is None:
        quorum_text = _("no quorum set")
    elif result.quorum_met:
        quorum_text = _("quorum met")
    else:
        quorum_text = _("quorum not met")
    values = {"id": ballot_id, "percent": result.percent, "quorum": quorum_text}
    if result.carried:
        return _("recalled by ballot %(id)d, %(percent)d %% yes, %(quorum)s") % values
    return _("not recalled by ballot %(id)d, %(percent)d %% yes, %(quorum)s") % values


def _votes(result: counting.Result | None, label: str) -> int:
    if result is None or not result.stages:
        return 0
    return int(result.stages[-1].totals.get(label, 0))


def petition_record_result(ballot: Ballot, decision: outcome.Decision, result: counting.Result | None) -> None:
    """Registered with the ballots' close: apply a recall ballot's decision. Other ballots are left alone."""
    if not ballot.opened_by_rule:
        return
    petition = (
        Petition.objects.select_for_update()
        .select_related("term__role_type__unit", "term__holder")
        .filter(ballot=ballot)
        .first()
    )
    if petition is None or petition.status != Petition.Status.BALLOT:
        return
    found = rules.Outcome(
        carried=decision.verdict == outcome.Verdict.CARRIED,
        yes=_votes(result, kinds.YES),
        no=_votes(result, kinds.NO),
        quorum_met=decision.quorum_met and decision.verdict != outcome.Verdict.NO_QUORUM,
    )
    wording = result_wording(ballot.pk, found, petition.quorum)
    petition.status = Petition.Status.CARRIED if found.carried else Petition.Status.FAILED
    petition.result, petition.decided_at = wording, timezone.now()
    petition.save(update_fields=["status", "result", "decided_at"])
    record(
        f"recall.{petition.status}",
        actor=None,
        obj=petition,
        payload={"ballot": ballot.pk, "yes": found.yes, "no": found.no, "quorum_met": found.quorum_met,
                 "verdict": decision.verdict.value, "result": wording},
    )  # fmt: skip
    if found.carried:
        _remove_and_replace(petition, ballot, wording)
    _bump(petition)


def _remove_and_replace(petition: Petition, ballot: Ballot, wording: str) -> None:
    term = petition.term
    today = timezone.localdate()
    if not term.is_current(today):  # ended otherwise meanwhile: nothing to end, the seat was already free
        return
    would_end_on = term.ends_on
    term_recall(term=term, ballot_ref=ballot.pk, reason=wording, on=today)
    dates = rules.remainder_election_dates(today, would_end_on, petition.nomination_days)
    if dates is None:
        log.info("recall: petition %s carried; no remainder left to elect for", petition.pk)
        return
    election = election_create_by_rule(
        role_type=term.role_type,
        nominations_close_at=timezone.now() + dt.timedelta(days=petition.nomination_days),
        term_starts_on=dates[0],
        term_ends_on=dates[1],
        reason=_("remainder of the term of %(who)s, %(wording)s") % {"who": term.holder, "wording": wording},
    )
    petition.election_id_ref = election.pk
    petition.save(update_fields=["election_id_ref"])
