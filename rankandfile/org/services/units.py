"""Units of the organization tree: create, rename, move, dissolve (`manage_units`; audited)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.live.auth import access_changed_on_commit
from rankandfile.org.access import require_capability
from rankandfile.org.domain.capabilities import MANAGE_UNITS
from rankandfile.org.models import Member, RoleTerm, Unit
from rankandfile.org.services.departures import departures_record


# --- units ----------------------------------------------------------------------------------------------
def _path_for(parent: Unit | None, slug: str) -> str:
    return f"{parent.path}/{slug}" if parent else slug


def unit_create(*, actor: Member | None, parent: Unit | None, name: str, slug: str = "", kind: str = "") -> Unit:
    """Create a unit under `parent` (None: a root, which only a management command may do)."""
    if parent is not None and actor is not None:
        require_capability(actor, parent, MANAGE_UNITS)
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationError({"slug": _("Give the unit a short name made of letters or digits.")})
    if parent is not None and parent.is_dissolved:
        raise ValidationError({"parent": _("A dissolved unit cannot have new units.")})
    with transaction.atomic():
        if Unit.objects.filter(parent=parent, slug=slug).exists():
            raise ValidationError({"slug": _("Another unit here already uses the short name “%s”.") % slug})
        unit = Unit.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            parent=parent,
            path=_path_for(parent, slug),
            depth=(parent.depth + 1) if parent else 0,
        )
        record("unit.create", actor=actor, obj=unit, payload={"name": name, "path": unit.path})
    return unit


def unit_rename(*, actor: Member, unit: Unit, name: str) -> Unit:
    require_capability(actor, unit, MANAGE_UNITS)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("The name cannot be empty.")})
    with transaction.atomic():
        old = unit.name
        unit.name = name
        unit.save(update_fields=["name"])
        record("unit.rename", actor=actor, obj=unit, payload={"from": old, "to": name})
    return unit


def unit_move(*, actor: Member, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit and its whole subtree. The actor needs `manage_units` over both old and new places."""
    require_capability(actor, unit, MANAGE_UNITS)
    require_capability(actor, new_parent, MANAGE_UNITS)
    if unit.parent_id is None:
        raise ValidationError({"parent": _("The national body cannot be moved.")})
    if new_parent.is_within(unit):
        raise ValidationError({"parent": _("A unit cannot be moved inside itself.")})
    if new_parent.is_dissolved:
        raise ValidationError({"parent": _("A dissolved unit cannot have new units.")})
    with transaction.atomic():
        if Unit.objects.filter(parent=new_parent, slug=unit.slug).exclude(pk=unit.pk).exists():
            raise ValidationError({"parent": _("That unit already has a unit with the short name “%s”.") % unit.slug})
        old_path, new_path = unit.path, _path_for(new_parent, unit.slug)
        depth_change = new_parent.depth + 1 - unit.depth
        # One UPDATE rewrites the prefix of every descendant's path: no per-row loop over a big subtree.
        Unit.objects.filter(path__startswith=old_path + "/").update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_change
        )
        unit.parent, unit.path, unit.depth = new_parent, new_path, new_parent.depth + 1
        unit.save(update_fields=["parent", "path", "depth"])
        record("unit.move", actor=actor, obj=unit, payload={"from": old_path, "to": new_path})
    return unit


def unit_dissolve(*, actor: Member, unit: Unit, on: dt.date | None = None) -> Unit:
    """Dissolve a unit: it and its history stay, it stops granting roles and taking members."""
    require_capability(actor, unit, MANAGE_UNITS)
    if unit.parent_id is None:
        raise ValidationError({"unit": _("The national body cannot be dissolved here.")})
    if unit.is_dissolved:
        raise ValidationError({"unit": _("This unit is already dissolved.")})
    if Unit.objects.filter(parent=unit, dissolved_on__isnull=True).exists():
        raise ValidationError({"unit": _("Dissolve or move its units first.")})
    day = on or timezone.localdate()
    with transaction.atomic():
        unit.dissolved_on = day
        unit.save(update_fields=["dissolved_on"])
        current = RoleTerm.objects.current(day).filter(role_type__unit=unit)
        holders = set(current.values_list("holder_id", flat=True))
        # Terms end on the day of dissolution, like `term_end`; one that began that very day lasts one day.
        ended = current.filter(starts_on__lt=day).update(ends_on=day, ended_early_reason="unit dissolved")
        ended += current.filter(starts_on=day).update(
            ends_on=day + dt.timedelta(days=1), ended_early_reason="unit dissolved"
        )
        record("unit.dissolve", actor=actor, obj=unit, payload={"on": day.isoformat(), "terms_ended": ended})
        for holder_id in holders:
            access_changed_on_commit(holder_id)  # open live sockets check their right to watch again
        departures_record(holders)  # what apps above keep for role holders (case keys) ends too
    return unit
