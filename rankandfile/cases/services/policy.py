"""The organization's case settings, kept by the accountability committee of its top unit: the categories a
complaint is filed under, the deadlines (acknowledge, decide) and the retention period.

A change applies from then on: a case keeps the deadlines it was filed with, and a closed case the deletion date
it was closed with. A category in use (by a case, or by the figures of a deleted one) is never deleted, only
retired: it leaves the intake forms and stays on the cases filed under it. Audit entries name the category or
the numbers, never anything of a case.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.cases import access, selectors
from rankandfile.cases.models import Category, Policy
from rankandfile.cases.services.keys import policy_get
from rankandfile.org.models import Member

# Sane ranges: no organization can make a deadline meaningless or keep (or drop) records absurdly.
ACKNOWLEDGE_DAYS_RANGE = (1, 30)
DECIDE_DAYS_RANGE = (7, 365)
RETENTION_YEARS_RANGE = (1, 30)
NAME_MAX = 100


def _require_top_committee(actor: Member) -> None:
    if access.top_committee_unit(actor) is None:
        raise PermissionDenied(_("Only the accountability committee of the organization's top unit sets this."))


def _clean_name(name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the category a name.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("Keep the name under %d characters.") % NAME_MAX})
    clash = Category.objects.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": _("There is already a category of that name.")})
    return name


def _audit(action: str, actor: Member, category: Category, **payload: object) -> None:
    record(action, actor=actor, obj=category, payload={"slug": category.slug, "name": category.name, **payload})


def category_create(*, actor: Member, name: str) -> Category:
    """A new category, last in the order, offered on the intake forms at once."""
    _require_top_committee(actor)
    name = _clean_name(name)
    base = slugify(name)[:40] or "category"
    slug, n = base, 2
    while Category.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    with transaction.atomic():
        last = Category.objects.aggregate(last=Max("position"))["last"]
        category = Category(slug=slug, name=name, position=0 if last is None else last + 1)
        category.full_clean()
        category.save()
        _audit("case_category.create", actor, category)
    return category


def category_rename(*, actor: Member, category: Category, name: str) -> Category:
    """A new name; the slug (and so every link and every case filed under it) stays."""
    _require_top_committee(actor)
    name = _clean_name(name, exclude=category.pk)
    with transaction.atomic():
        before = category.name
        category.name = name
        category.full_clean()
        category.save(update_fields=["name"])
        _audit("case_category.rename", actor, category, before=before)
    return category


def category_move(*, actor: Member, category: Category, offset: int) -> Category:
    """Move a category up (-1) or down (+1) in the order the forms offer them; positions are renumbered."""
    _require_top_committee(actor)
    if offset not in (-1, 1):
        raise ValidationError(_("Move a category one place up or down."))
    with transaction.atomic():
        ordered = list(Category.objects.select_for_update().order_by("position", "name", "pk"))
        index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
        target = index + offset
        if not 0 <= target < len(ordered):
            raise ValidationError(_("This category is already at that end of the list."))
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        category.position = target
        _audit("case_category.move", actor, category, position=target)
    return category


def category_retire(*, actor: Member, category: Category) -> Category:
    """Retired: no longer offered on the intake forms; cases filed under it keep it, and the figures count it."""
    return _set_active(actor, category, active=False)


def category_restore(*, actor: Member, category: Category) -> Category:
    """A retired category offered again."""
    return _set_active(actor, category, active=True)


def _set_active(actor: Member, category: Category, *, active: bool) -> Category:
    _require_top_committee(actor)
    if category.is_active == active:
        raise ValidationError(_("This category is already %s.") % (_("in use") if active else _("retired")))
    if not active and not Category.objects.filter(is_active=True).exclude(pk=category.pk).exists():
        raise ValidationError(_("Keep at least one category open, or no one can file a concern."))
    with transaction.atomic():
        category.is_active = active
        category.full_clean()
        category.save(update_fields=["is_active"])
        _audit("case_category.restore" if active else "case_category.retire", actor, category)
    return category


def category_delete(*, actor: Member, category: Category) -> None:
    """Delete a category no case (nor the figures of a deleted case) was ever filed under: a mistake undone.
    A category in use is retired instead."""
    _require_top_committee(actor)
    if selectors.category_in_use(category):
        raise ValidationError(_("Cases were filed under this category: retire it instead of deleting it."))
    if category.is_active and not Category.objects.filter(is_active=True).exclude(pk=category.pk).exists():
        raise ValidationError(_("Keep at least one category open, or no one can file a concern."))
    with transaction.atomic():
        _audit("case_category.delete", actor, category)
        category.delete()


def policy_set(*, actor: Member, acknowledge_days: int, decide_days: int, retention_years: int) -> Policy:
    """The deadlines and the retention period, each within its range, the decision after the acknowledgement.
    Cases already filed keep their deadlines; cases already closed keep their deletion date."""
    _require_top_committee(actor)
    errors: dict[str, str] = {}
    for field, value, (low, high) in (
        ("acknowledge_days", acknowledge_days, ACKNOWLEDGE_DAYS_RANGE),
        ("decide_days", decide_days, DECIDE_DAYS_RANGE),
        ("retention_years", retention_years, RETENTION_YEARS_RANGE),
    ):
        if not low <= value <= high:
            errors[field] = _("Between %(low)d and %(high)d.") % {"low": low, "high": high}
    if "decide_days" not in errors and "acknowledge_days" not in errors and decide_days <= acknowledge_days:
        errors["decide_days"] = _("The decision comes after the acknowledgement: more days than that.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy = policy_get()
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        before = {f: getattr(policy, f) for f in ("acknowledge_days", "decide_days", "retention_years")}
        policy.acknowledge_days = acknowledge_days
        policy.decide_days = decide_days
        policy.retention_years = retention_years
        policy.full_clean()
        policy.save(update_fields=["acknowledge_days", "decide_days", "retention_years"])
        record(
            "case_policy.set",
            actor=actor,
            obj=policy,
            payload={
                "before": before,
                "acknowledge_days": acknowledge_days,
                "decide_days": decide_days,
                "retention_years": retention_years,
            },
        )
    return policy
