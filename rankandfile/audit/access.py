"""Who may do what with the audit chain.

- Members in good standing read the log (`/audit/`).
- Anyone, signed in or not, reads the published heads on the page and its Atom feed: a head is a number, a hash, a
  time and a signature, with no personal data, and outside parties must be able to keep them without an account.
  The API serves them to members with a token, as every API route.
- Publishing a head now: the accountability committee (the capability in any unit) or site operators; anyone else
  waits for the scheduled publication.
- Each published head is emailed to the organization-wide accountability committee.

The chain itself (models, services, selectors, domain) sits below `org`; this module is the one door through which
the audit's pages and its head email ask `org` who is a member and who sits on the committee (the one exception in
the "apps" import contract, pyproject.toml).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from rankandfile.org.access import require_member, units_where
from rankandfile.org.domain.capabilities import ACCOUNTABILITY_COMMITTEE
from rankandfile.org.models import Unit
from rankandfile.org.selectors import accountability_committee, unit_by_id, unit_tree


def require_log_reader(member: Any) -> None:
    """The log is for members in good standing."""
    require_member(member)


def filter_units() -> list[Unit]:
    """The units the log can be filtered by: the whole tree (every member may read the whole log)."""
    return unit_tree()


def filter_unit(unit_id: int) -> Unit | None:
    return unit_by_id(unit_id)


def head_recipients() -> list[str]:
    """The email addresses of the organization-wide accountability committee."""
    return [m.email for m in accountability_committee() if m.email]


def can_publish_head(member: Any) -> bool:
    if not getattr(member, "is_authenticated", False):
        return False
    if member.is_staff and member.is_active:
        return True
    try:
        require_member(member)
    except PermissionDenied:
        return False
    return units_where(member, ACCOUNTABILITY_COMMITTEE).exists()


def require_head_publisher(member: Any) -> None:
    if not can_publish_head(member):
        raise PermissionDenied("Only the accountability committee or a site operator may publish a head now.")
