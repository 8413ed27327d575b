"""Caucuses and platforms: a statement, a public membership list, documents signed in the caucus's name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.bulletin.access import require_unit_member
from rankandfile.bulletin.models import Caucus, CaucusMembership
from rankandfile.org.models import Member, Unit


def caucus_create(*, actor: Member, unit: Unit, name: str, statement: str) -> Caucus:
    """Any member of the unit founds a caucus of the unit, and is its first member."""
    require_unit_member(actor, unit)
    name, statement = name.strip(), statement.strip()
    if not statement:
        raise ValidationError({"statement": _("Write the caucus's statement: what it stands for.")})
    caucus = Caucus(unit=unit, name=name, statement=statement, created_by=actor)
    caucus.full_clean()
    with transaction.atomic():
        caucus.save()
        CaucusMembership.objects.create(caucus=caucus, member=actor, joined_at=caucus.created_at)
    return caucus


def caucus_join(*, actor: Member, caucus: Caucus) -> CaucusMembership:
    """Members of the caucus's unit join; the membership list is public to members."""
    require_unit_member(actor, caucus.unit)
    try:
        with transaction.atomic():
            return CaucusMembership.objects.create(caucus=caucus, member=actor, joined_at=timezone.now())
    except IntegrityError:
        raise ValidationError(_("You are already a member of %s.") % caucus.name) from None


def caucus_leave(*, actor: Member, caucus: Caucus) -> None:
    """A member leaves at any time; the stretch of membership is kept for the counts over time."""
    ended = CaucusMembership.objects.filter(caucus=caucus, member=actor, left_at__isnull=True).update(
        left_at=timezone.now()
    )
    if not ended:
        raise ValidationError(_("You are not a member of %s.") % caucus.name)
