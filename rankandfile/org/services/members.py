"""Members and memberships: status changes, invitations and their acceptance, profiles."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile import mail
from rankandfile.audit.services import record
from rankandfile.live.auth import access_changed_on_commit
from rankandfile.org.access import has_capability, require_capability
from rankandfile.org.domain.capabilities import ACCOUNTABILITY_COMMITTEE, HEAR_APPEALS, MANAGE_MEMBERS
from rankandfile.org.models import Invitation, Member, Membership, RoleTerm, Unit
from rankandfile.org.services.departures import departures_record

logger = logging.getLogger(__name__)


# --- members and memberships ----------------------------------------------------------------------------
# No expulsion without due process (issue 11). A membership ends only
# - when the member leaves: by their own action (`membership_leave`), or recorded by an officer with a reason
#   (`membership_set_status(status="left")`), the member told by email and able to contest it
#   (`membership_contest`);
# - when it lapses under the dues rule (`membership_set_status(status="lapsed")`);
# - by a case decision, suspension or expulsion, open to appeal (`membership_sanction`, called by the cases app
#   with the case's opaque reference as the reason; `membership_reinstate` after an appeal upholds the member).
# Every ending records its kind (`Membership.end_kind`), so insights can count exits by kind.
_OFFICER_STATUSES = {Membership.Status.ACTIVE, Membership.Status.LAPSED, Membership.Status.LEFT}
_CASE_ENDINGS = {Membership.EndKind.SUSPENDED, Membership.EndKind.EXPELLED}


# What an officer's status change records as the ending's kind (the member import applies the same rule).
OFFICER_END_KINDS = {
    Membership.Status.ACTIVE: "",
    Membership.Status.LAPSED: Membership.EndKind.LAPSED,
    Membership.Status.LEFT: Membership.EndKind.LEFT_RECORDED,
}
ENDING_FIELDS = ["status", "status_changed_on", "left_on", "exit_reason", "end_kind", "contested_at", "contest_text"]


def officer_status_refusal(membership: Membership) -> str | None:
    """Why an officer (or an officer's import) may not change the membership's status at all, or None. A suspension
    or expulsion is changed by no officer: not to active, nor first to lapsed or left (which would turn the case's
    ending into an officer's, and then open the way back to active)."""
    if membership.end_kind in _CASE_ENDINGS:
        return _("A suspension or expulsion ends only by a decision on appeal.")
    return None


def membership_ending_apply(membership: Membership, *, status: str, kind: str, reason: str, day: dt.date) -> None:
    """Set the fields of a status change and its kind, unsaved: the one rule for `_end` and the member import,
    which saves its rows in batches (ENDING_FIELDS)."""
    membership.status = status
    membership.status_changed_on = day
    membership.left_on = day if status == Membership.Status.LEFT else None
    membership.end_kind = kind
    membership.contested_at = None
    membership.contest_text = ""
    if reason:
        membership.exit_reason = reason[:200]


def _end(membership: Membership, *, status: str, kind: str, reason: str, day: dt.date) -> None:
    membership_ending_apply(membership, status=status, kind=kind, reason=reason, day=day)
    membership.full_clean(exclude=["member", "unit"])
    membership.save(update_fields=ENDING_FIELDS)


def membership_set_status(
    *, actor: Member, membership: Membership, status: str, reason: str = "", on: dt.date | None = None
) -> Membership:
    """An officer renews, lapses, or records that a member left (with a reason; the member is told)."""
    require_capability(actor, membership.unit, MANAGE_MEMBERS)
    if status not in _OFFICER_STATUSES:
        raise ValidationError({"status": _("Unknown status. Suspension and expulsion come only from a case decision.")})
    if status == Membership.Status.LEFT and not reason.strip():
        raise ValidationError({"reason": _("Say why: the member is told what was recorded and may contest it.")})
    if refusal := officer_status_refusal(membership):
        raise ValidationError({"status": refusal})
    day = on or timezone.localdate()
    kind = OFFICER_END_KINDS[Membership.Status(status)]
    with transaction.atomic():
        _end(membership, status=status, kind=kind, reason=reason.strip(), day=day)
        record(
            "membership.status",
            actor=actor,
            obj=membership,
            payload={"member": membership.member_id, "unit": membership.unit_id, "status": status, "kind": kind},
        )
        access_changed_on_commit(membership.member_id)  # open live sockets check their right to watch again
        departures_record([membership.member_id])  # what apps above keep for role holders (case keys) ends too
        if kind == Membership.EndKind.LEFT_RECORDED and not mail.is_muted():  # a simulated past tells nobody
            transaction.on_commit(lambda: _tell_member_of_recorded_exit(membership, reason.strip()))
    return membership


def membership_leave(
    *, member: Member, membership: Membership, reason: str = "", on: dt.date | None = None
) -> Membership:
    """A member leaves a unit by their own action."""
    if membership.member_id != member.pk:
        raise PermissionDenied(_("Only the member may leave by their own action."))
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError({"status": _("This membership is not active.")})
    with transaction.atomic():
        _end(
            membership,
            status=Membership.Status.LEFT,
            kind=Membership.EndKind.LEFT_SELF,
            reason=reason.strip(),
            day=on or timezone.localdate(),
        )
        record("membership.leave", actor=member, obj=membership, payload={"unit": membership.unit_id})
        access_changed_on_commit(member.pk)
        departures_record([member.pk])  # what apps above keep for role holders (case keys) ends too
    return membership


def membership_contest(*, member: Member, membership: Membership, text: str) -> Membership:
    """The member contests an exit an officer recorded for them; the contest is kept and audited."""
    if membership.member_id != member.pk:
        raise PermissionDenied(_("Only the member may contest their own exit."))
    if membership.end_kind != Membership.EndKind.LEFT_RECORDED:
        raise ValidationError({"text": _("Only an exit recorded by an officer can be contested here.")})
    if not text.strip():
        raise ValidationError({"text": _("Say what is wrong with the record.")})
    with transaction.atomic():
        membership.contested_at = timezone.now()
        membership.contest_text = text.strip()
        membership.save(update_fields=["contested_at", "contest_text"])
        record("membership.contest", actor=member, obj=membership, payload={"unit": membership.unit_id})
    return membership


def membership_sanction(
    *, actor: Member, membership: Membership, kind: str, reference: str, on: dt.date | None = None
) -> Membership:
    """Suspend or expel by a case decision. Only the accountability committee over the unit; the reason recorded
    is the case's opaque reference and nothing else (the case holds the rest, encrypted)."""
    require_capability(actor, membership.unit, ACCOUNTABILITY_COMMITTEE)
    if kind not in _CASE_ENDINGS:
        raise ValidationError({"kind": _("A case decision suspends or expels.")})
    status = Membership.Status.SUSPENDED if kind == Membership.EndKind.SUSPENDED else Membership.Status.LEFT
    with transaction.atomic():
        _end(membership, status=status, kind=kind, reason=reference, day=on or timezone.localdate())
        record("membership.sanction", actor=actor, obj=membership, payload={"kind": kind, "case": reference})
        access_changed_on_commit(membership.member_id)
        departures_record([membership.member_id])  # what apps above keep for role holders (case keys) ends too
    return membership


def membership_reinstate(*, actor: Member, membership: Membership, reference: str) -> Membership:
    """Undo a suspension or expulsion after an appeal upheld the member (the appeal body or the committee)."""
    if not (
        has_capability(actor, membership.unit, ACCOUNTABILITY_COMMITTEE)
        or has_capability(actor, membership.unit, HEAR_APPEALS)
    ):
        raise PermissionDenied(_("Only the committee or the appeal body reinstates after an appeal."))
    if membership.end_kind not in _CASE_ENDINGS:
        raise ValidationError({"status": _("This membership was not ended by a case decision.")})
    with transaction.atomic():
        _end(membership, status=Membership.Status.ACTIVE, kind="", reason="", day=timezone.localdate())
        record("membership.reinstate", actor=actor, obj=membership, payload={"case": reference})
        access_changed_on_commit(membership.member_id)
    return membership


def term_remove(*, actor: Member, term: RoleTerm, reference: str, on: dt.date | None = None) -> RoleTerm:
    """Removal from a role by a case decision: the term ends, its recorded reason is the case's reference."""
    require_capability(actor, term.role_type.unit, ACCOUNTABILITY_COMMITTEE)
    day = on or timezone.localdate()
    if not term.is_current(day):
        raise ValidationError({"term": _("This term is not current.")})
    with transaction.atomic():
        term.ends_on = max(day, term.starts_on + dt.timedelta(days=1))
        term.ended_early_reason = _("Removed by the decision on case %(reference)s") % {"reference": reference}
        term.save(update_fields=["ends_on", "ended_early_reason"])
        record("role.remove", actor=actor, obj=term, payload={"on": term.ends_on.isoformat(), "case": reference})
        access_changed_on_commit(term.holder_id)
        departures_record([term.holder_id])  # what apps above keep for role holders (case keys) ends too
    return term


def _tell_member_of_recorded_exit(membership: Membership, reason: str) -> None:
    member = membership.member
    body = _(
        "An officer recorded that you left %(unit)s, giving this reason:\n\n    %(reason)s\n\n"
        "If that is wrong, contest it from your profile page: %(link)s\n"
    ) % {"unit": membership.unit.name, "reason": reason, "link": settings.SITE_URL + reverse("org:my_profile")}
    try:
        send_mail(_("Your membership of %(unit)s") % {"unit": membership.unit.name}, body, None, [member.email])
    except OSError:
        logger.exception("Could not tell member %s of a recorded exit.", member.pk)


def _token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hashlib.sha256(raw.encode()).hexdigest()


def member_invite(*, actor: Member, unit: Unit, email: str, full_name: str = "") -> tuple[Invitation, str]:
    """Create an invitation and return it with the raw token (to put in the emailed link, never stored)."""
    require_capability(actor, unit, MANAGE_MEMBERS)
    if unit.is_dissolved:
        raise ValidationError({"unit": _("A dissolved unit cannot take members.")})
    raw, hashed = _token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip().lower(),
            full_name=full_name.strip(),
            unit=unit,
            invited_by=actor,
            token_hash=hashed,
            expires_at=timezone.now() + dt.timedelta(days=14),
        )
        record("member.invite", actor=actor, obj=invitation, payload={"unit": unit.path})
    return invitation, raw


def invitation_find(raw_token: str) -> Invitation | None:
    hashed = hashlib.sha256(raw_token.encode()).hexdigest()
    invitation = Invitation.objects.select_related("unit").filter(token_hash=hashed).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < timezone.now():
        return None
    return invitation


def invitation_accept(
    *, invitation: Invitation, actor: Member | None = None, full_name: str = "", password: str = ""
) -> Member:
    """Join the invitation's unit by its link.

    A new address gets an account with `password`; an account without a password yet (imported) gets its first.
    An account that has a password is never changed by a link: its owner logs in and accepts as `actor`. Whoever
    holds the link proves only control of the mailbox, and a link must not become a password reset.
    """
    existing = Member.objects.filter(email=invitation.email).first()
    has_password = existing is not None and existing.has_usable_password()
    if has_password and (actor is None or actor.pk != existing.pk):  # type: ignore[union-attr]
        raise PermissionDenied(_("This address already has an account: log in to it to accept the invitation."))
    if not has_password and not password:
        raise ValidationError({"password1": _("Choose a password.")})
    with transaction.atomic():
        if existing is None:
            member = Member.objects.create_user(invitation.email, password, full_name=full_name)
        else:
            member = existing
            if not has_password:
                member.set_password(password)
                member.save(update_fields=["password"])
        Membership.objects.update_or_create(
            member=member,
            unit=invitation.unit,
            defaults={"status": Membership.Status.ACTIVE, "left_on": None, "status_changed_on": timezone.localdate()},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record("member.join", actor=member, obj=invitation, payload={"unit": invitation.unit.path})
    return member


def profile_update(*, member: Member, full_name: str, phone: str, pronouns: str) -> Member:
    member.full_name, member.phone, member.pronouns = full_name.strip(), phone.strip(), pronouns.strip()
    member.full_clean(exclude=["password", "email"])
    member.save(update_fields=["full_name", "phone", "pronouns"])
    return member
