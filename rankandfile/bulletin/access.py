"""Who may see and act on the bulletin. Views and the API fetch its objects only through these helpers.

Rules (docs/bulletin.md):
- Members in good standing read every period, issue, caucus and every submitted or published document of every
  unit; a draft only its author (404 for anyone else). A hidden document stays listed; its text is shown only to
  its author and to the period's moderators.
- Members in good standing *of the period's unit* (or a unit inside it) write, respond, co-sign, join caucuses.
- `manage_bulletin` in the period's unit: set the period up, schedule and publish issues, moderate.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from rankandfile.bulletin import selectors
from rankandfile.bulletin.models import Appeal, Caucus, Document, Issue, Period
from rankandfile.org import selectors as org_selectors
from rankandfile.org.access import has_capability, require_capability, require_member
from rankandfile.org.domain.capabilities import MANAGE_BULLETIN
from rankandfile.org.models import Unit


def access_period(member: Any, period_id: int, *, for_write: bool = False) -> Period:
    """To read it, or for_write: to set it up and schedule its issues (`manage_bulletin` in its unit, else 403)."""
    require_member(member)
    period = selectors.period_by_id(period_id)
    if period is None:
        raise Http404("No such period.")
    if for_write:
        require_capability(member, period.unit, MANAGE_BULLETIN)
    return period


def access_issue(member: Any, issue_id: int, *, for_write: bool = False) -> Issue:
    """To read it, or for_write: to fill and publish it (`manage_bulletin` in the period's unit, else 403)."""
    require_member(member)
    issue = selectors.issue_by_id(issue_id)
    if issue is None:
        raise Http404("No such issue.")
    if for_write:
        require_capability(member, issue.period.unit, MANAGE_BULLETIN)
    return issue


def access_document(member: Any, document_id: int, *, for_write: bool = False) -> Document:
    """To read it (a draft only its author), or for_write: the author's own actions (edit, submit, withdraw,
    propose, appeal), where anyone else gets 403. Moderation is `access_document_to_moderate`."""
    require_member(member)
    document = selectors.document_by_id(document_id)
    if document is None:
        raise Http404("No such document.")
    if document.status == Document.Status.DRAFT and document.author_id != member.pk:
        raise Http404("No such document.")
    if for_write and document.author_id != member.pk:
        raise PermissionDenied(_("Only the document's author may do this."))
    return document


def access_document_to_moderate(member: Any, document_id: int) -> Document:
    """A moderator's actions (hide, place in an issue): `manage_bulletin` in the period's unit, else 403."""
    document = access_document(member, document_id)
    require_capability(member, document.period.unit, MANAGE_BULLETIN)
    return document


def access_caucus(member: Any, caucus_id: int) -> Caucus:
    require_member(member)
    caucus = selectors.caucus_by_id(caucus_id)
    if caucus is None:
        raise Http404("No such caucus.")
    return caucus


def require_unit_member(member: Any, unit: Unit) -> None:
    require_member(member)
    if not org_selectors.is_active_member(member, unit):
        raise PermissionDenied(_("Only members of %s may do this.") % unit.name)


def can_take_part(member: Any, unit: Unit) -> bool:
    try:
        require_unit_member(member, unit)
    except PermissionDenied:
        return False
    return True


def can_manage(member: Any, unit: Unit) -> bool:
    return has_capability(member, unit, MANAGE_BULLETIN)


def can_read_text(member: Any, document: Document) -> bool:
    """A hidden document's text: its author and the period's moderators only."""
    if not document.is_hidden:
        return True
    return document.author_id == member.pk or can_manage(member, document.period.unit)


def access_appeal_to_decide(member: Any, appeal_id: int) -> Appeal:
    require_member(member)
    appeal = selectors.appeal_by_id(appeal_id)
    if appeal is None:
        raise Http404("No such appeal.")
    require_capability(member, appeal.document.period.unit, MANAGE_BULLETIN)
    return appeal
