"""Reads of recall petitions: the rules in force, petitions of a unit, progress, signatures when public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from rankandfile.org.models import Member, RoleTerm, Unit
from rankandfile.org.selectors import active_members
from rankandfile.recall.domain import rules as recall_rules
from rankandfile.recall.models import Petition, RecallRules, RollEntry, Signature


def organization_of(unit: Unit) -> str:
    """The path of the organization's top unit, where its recall rules are set."""
    return unit.path.split("/")[0]


def rules_for(unit: Unit) -> RecallRules:
    """The organization's rules (set on its top unit), else the defaults (unsaved)."""
    found = RecallRules.objects.select_related("unit").filter(unit__path=organization_of(unit)).first()
    return found or RecallRules()


def petition_by_id(petition_id: int) -> Petition | None:
    return (
        Petition.objects.select_related("unit", "started_by", "term__holder", "term__role_type__unit", "ballot")
        .annotate(n_signatures=Count("signatures", distinct=True))
        .filter(pk=petition_id)
        .first()
    )


def petitions_of_unit(unit: Unit) -> list[Petition]:
    return list(
        Petition.objects.filter(unit=unit)
        .select_related("term__holder", "term__role_type", "started_by")
        .annotate(n_signatures=Count("signatures", distinct=True))
        .order_by("-started_at", "-id")
    )


def current_terms_of_unit(unit: Unit) -> list[RoleTerm]:
    """The terms a petition may be started against: current terms of the unit's own roles."""
    return list(
        RoleTerm.objects.current()
        .filter(role_type__unit=unit, role_type__retired_on__isnull=True)
        .select_related("holder", "role_type")
        .order_by("role_type__name", "holder__full_name")
    )


def members_in_good_standing(unit: Unit) -> list[int]:
    return list(active_members(unit).order_by("pk").values_list("pk", flat=True))


def active_petition_for(term: RoleTerm) -> Petition | None:
    return Petition.objects.filter(term=term, status__in=recall_rules.ACTIVE).first()


def last_failed_recall_on(term: RoleTerm) -> dt.date | None:
    """The day the last recall of this officer in this role failed at the ballot (any of their terms)."""
    last = (
        Petition.objects.filter(
            term__holder_id=term.holder_id, term__role_type_id=term.role_type_id, status=Petition.Status.FAILED
        )
        .exclude(decided_at__isnull=True)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    return timezone.localdate(last) if last else None


def signature_count(petition: Petition) -> int:
    return Signature.objects.filter(petition=petition).count()


def has_signed(petition: Petition, member: Any) -> bool:
    return bool(getattr(member, "pk", None)) and Signature.objects.filter(petition=petition, member=member).exists()


def is_on_roll(petition: Petition, member: Any) -> bool:
    return bool(getattr(member, "pk", None)) and RollEntry.objects.filter(petition=petition, member=member).exists()


def roll_member_ids(petition: Petition) -> list[int]:
    return list(RollEntry.objects.filter(petition=petition).order_by("member_id").values_list("member_id", flat=True))


def signer_ids(petition_id: int) -> list[int]:
    return list(Signature.objects.filter(petition_id=petition_id).values_list("member_id", flat=True))


def public_signatures(petition: Petition) -> list[Signature]:
    """Who signed, once that is public (the petition closed); an empty list before."""
    if not petition.signatures_are_public:
        return []
    return list(Signature.objects.filter(petition=petition).select_related("member").order_by("member__full_name"))


@dataclass(frozen=True)
class Progress:
    signatures: int
    required: int

    @property
    def percent(self) -> int:
        return min(100, (100 * self.signatures) // self.required) if self.required else 100


def progress(petition: Petition) -> Progress:
    count = getattr(petition, "n_signatures", None)
    return Progress(count if count is not None else signature_count(petition), petition.signatures_required)


def due_to_lapse(now: dt.datetime) -> QuerySet[Petition]:
    return Petition.objects.filter(status=Petition.Status.OPEN, lapses_at__lte=now).order_by("pk")


def open_petitions_of_ended_terms(today: dt.date) -> QuerySet[Petition]:
    return Petition.objects.filter(status=Petition.Status.OPEN, term__ends_on__lte=today).order_by("pk")


def petitions_signed_by(member: Member) -> QuerySet[Petition]:
    return Petition.objects.filter(signatures__member=member)
