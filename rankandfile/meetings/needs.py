"""What needs a member in the meetings app (rankandfile/needs.py says how sources work): the live or next meeting
of each of their units (check in, raise a hand) and minutes waiting for approval (read them, record a dissent)."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rankandfile.meetings import selectors
from rankandfile.needs import Need, register
from rankandfile.org.models import Member, Unit


def meeting_needs(member: Member, units: Sequence[Unit]) -> list[Need]:
    needs = []
    for meeting, checked_in in selectors.meetings_for_member(member, units, timezone.now()):
        live = meeting.is_open
        if live and checked_in:
            action, detail = _("Raise a hand"), _("Happening now. You are checked in.")
        elif live:
            action, detail = _("Check in"), _("Happening now.")
        else:
            action, detail = _("See the agenda"), meeting.place
        needs.append(
            Need(
                kind="meeting",
                title=meeting.title,
                link=meeting.get_absolute_url(),
                action=action,
                unit_id=meeting.unit_id,
                unit_name=meeting.unit.name,
                due_at=meeting.starts_at,
                due_label=_("started") if live else _("starts"),
                detail=detail,
                is_live=live,
            )
        )
    needs.extend(
        Need(
            kind="minutes",
            title=_("Minutes of %(meeting)s") % {"meeting": meeting.title},
            link=reverse("meetings:minutes", args=[meeting.pk]),
            action=_("Read the minutes"),
            unit_id=meeting.unit_id,
            unit_name=meeting.unit.name,
            detail=_("Waiting for approval at the next meeting: read them and record a dissent if they are wrong."),
        )
        for meeting in selectors.minutes_to_approve(units)
    )
    return needs


register("meetings", meeting_needs)
