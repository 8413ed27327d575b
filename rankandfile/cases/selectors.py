"""Reads about cases: who the committee of a unit is, which cases a member may work, the aggregate figures.

Nothing here decrypts: it returns rows and metadata. Reading content needs a key (services/working.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.cases.domain import figures as figure_rules
from rankandfile.cases.domain import workflow
from rankandfile.cases.models import (
    Case,
    Category,
    CommitteeKey,
    ComplainantKey,
    Policy,
    Recusal,
    RetainedFigure,
    SealedKey,
)
from rankandfile.org.domain.capabilities import ACCOUNTABILITY_COMMITTEE, HEAR_APPEALS
from rankandfile.org.models import Member, Membership, RoleTerm, Unit, in_subtree

CASE_OBJECT = "cases.case"  # audit entries of a case carry this type and the case's reference, nothing more


def holders_over(unit: Unit, capability: str) -> list[Member]:
    """Members in good standing with a current role granting `capability` in `unit` or an ancestor."""
    terms = (
        RoleTerm.objects.current()
        .filter(
            role_type__unit__path__in=unit.ancestor_paths(),
            role_type__unit__dissolved_on__isnull=True,
            role_type__retired_on__isnull=True,
            holder__is_active=True,
        )
        .select_related("holder", "role_type")
        .order_by("holder__full_name", "holder_id")
    )
    holders: dict[int, Member] = {}
    for term in terms:
        if capability in (term.role_type.capabilities or []):
            holders.setdefault(term.holder_id, term.holder)
    in_good_standing = set(
        Membership.objects.filter(member_id__in=holders, status=Membership.Status.ACTIVE).values_list(
            "member_id", flat=True
        )
    )
    return [m for pk, m in holders.items() if pk in in_good_standing]


def committee_for(unit: Unit) -> list[Member]:
    return holders_over(unit, ACCOUNTABILITY_COMMITTEE)


def appeal_body_for(unit: Unit) -> list[Member]:
    """Holders of `hear_appeals` over the unit who do not also sit on its committee (a separate body)."""
    committee = {m.pk for m in committee_for(unit)}
    return [m for m in holders_over(unit, HEAR_APPEALS) if m.pk not in committee]


def committee_key_of(member: Member) -> CommitteeKey | None:
    return CommitteeKey.objects.filter(member=member).first()


def policy() -> Policy | None:
    return Policy.objects.filter(pk=1).first()


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


def all_categories() -> list[Category]:
    """Every category, retired ones too, in the order the forms offer them."""
    return list(Category.objects.order_by("position", "name", "pk"))


def category_in_use(category: Category) -> bool:
    """Whether a case, or the figures of a deleted case, was filed under it."""
    return Case.objects.filter(category=category).exists() or RetainedFigure.objects.filter(category=category).exists()


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug, is_active=True).first()


def case_by_reference(reference: str) -> Case | None:
    return Case.objects.select_related("unit", "category").filter(reference=reference).first()


def case_by_receipt_hash(lookup: str) -> Case | None:
    return Case.objects.select_related("unit", "category").filter(receipt_hash=lookup).first()


def sealed_keys_for(case: Case, member: Member) -> list[SealedKey]:
    """Every generation of the case key sealed to the member."""
    return list(SealedKey.objects.filter(case=case, member=member).order_by("generation"))


def complainant_copies(case: Case) -> dict[int, bytes]:
    """The complainant's copies of the case key's later generations (2, 3, …), sealed to their public key."""
    return {
        g: bytes(sealed) for g, sealed in ComplainantKey.objects.filter(case=case).values_list("generation", "sealed")
    }


def is_recused(case: Case, member: Member) -> bool:
    return Recusal.objects.filter(case=case, member=member).exists()


def is_recused_by_reference(reference: str, member: Member) -> bool:
    return Recusal.objects.filter(case__reference=reference, member=member).exists()


def recusals_of(case: Case) -> list[Recusal]:
    return list(Recusal.objects.filter(case=case).select_related("member"))


def intake_units() -> list[Unit]:
    return list(Unit.objects.filter(dissolved_on__isnull=True))


@dataclass(frozen=True)
class CaseRow:
    case: Case
    has_key: bool
    overdue: str | None
    refused: int


def cases_for_committee_member(member: Member) -> list[CaseRow]:
    """Every case of a unit where the member sits on the committee (or hears its appeal), recusals left out."""
    from rankandfile.org.access import units_where

    units = units_where(member, ACCOUNTABILITY_COMMITTEE)
    appeal_cases = SealedKey.objects.filter(member=member, purpose=SealedKey.Purpose.APPEAL).values("case_id")
    cases = (
        Case.objects.filter(Q(unit__in=units) | Q(pk__in=appeal_cases))
        .exclude(recusals__member=member)
        .select_related("unit", "category")
        .annotate(my_keys=Count("sealed_keys", filter=Q(sealed_keys__member=member)))
        .order_by("state", "received_on", "id")
    )
    rows = list(cases)
    refused = dict(
        AuditEntry.objects.filter(
            object_type=CASE_OBJECT, action="case.refused", object_id__in=[c.reference for c in rows]
        )
        .values_list("object_id")
        .annotate(n=Count("id"))
    )
    today = timezone.localdate()
    return [CaseRow(c, bool(c.my_keys), overdue_of(c, today), int(refused.get(c.reference, 0))) for c in rows]


def overdue_of(case: Case, today: dt.date) -> str | None:
    due = workflow.Deadlines(case.acknowledge_by, case.decide_by)
    return workflow.overdue(workflow.State(case.state), due, today)


def case_history(case: Case) -> list[AuditEntry]:
    """Who looked and who acted: the case's audit entries, refused attempts included."""
    return list(AuditEntry.objects.filter(object_type=CASE_OBJECT, object_id=case.reference).order_by("seq"))


def figures_for(unit: Unit, since: dt.date | None = None) -> figure_rules.Figures:
    """The aggregate figures of the unit's subtree (deleted cases count through their retained figures)."""
    subtree = in_subtree(unit, "unit__")
    cases = Case.objects.filter(subtree).select_related("category")
    retained = RetainedFigure.objects.filter(subtree).select_related("category")
    if since is not None:
        cases, retained = cases.filter(received_on__gte=since), retained.filter(received_on__gte=since)
    today = timezone.localdate()
    facts = [
        figure_rules.CaseFacts(
            category=c.category.name,
            state=c.state,
            days_to_acknowledge=(c.acknowledged_on - c.received_on).days if c.acknowledged_on else None,
            days_to_decide=(c.decided_on - c.received_on).days if c.decided_on else None,
            is_overdue=overdue_of(c, today) is not None,
        )
        for c in cases
    ] + [
        figure_rules.CaseFacts(
            category=r.category.name,
            state=workflow.State.CLOSED,
            days_to_acknowledge=r.days_to_acknowledge,
            days_to_decide=r.days_to_decide,
            is_overdue=False,
        )
        for r in retained
    ]
    categories = [c.name for c in Category.objects.all()]
    return figure_rules.figures(facts, categories, [s.value for s in workflow.State])


def cases_due_for_deletion(today: dt.date) -> list[Case]:
    return list(Case.objects.filter(state=workflow.State.CLOSED, delete_after__lte=today).select_related("category"))


def overdue_cases_to_remind(today: dt.date) -> list[Case]:
    open_cases = Case.objects.exclude(state=workflow.State.CLOSED).exclude(reminded_on=today).select_related("unit")
    return [c for c in open_cases if overdue_of(c, today) is not None]


def members_by_ids(ids: list[int]) -> list[Member]:
    return list(Member.objects.filter(pk__in=ids))
