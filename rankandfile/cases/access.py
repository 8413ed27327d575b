"""Who reaches a case (docs/cases.md, "Who sees what").

- A case is worked by its committee: members holding `accountability_committee` over the case's unit (a role in
  the unit or an ancestor), in good standing, not recused; after an appeal, also the appeal body members it was
  sealed to. Everyone else, officers and site staff included, gets 404, and the attempt is recorded on the
  case's audit trail, which the committee sees.
- The committee's pages (/cases/, the key page, recording a paper complaint) need a seat on a committee or an
  appeal body somewhere (403 otherwise).
- The case settings (categories, deadlines, retention: /cases/settings/) are the organization's: only members
  holding `accountability_committee` in a role of its top unit keep them (403 for other members).
- The complainant reaches their case only with the receipt (the cookie the receipt page sets).
- Anyone files: members on the report page, anyone on a unit's public page. Figures are for members.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from rankandfile.audit.services import record
from rankandfile.cases import selectors, unlock
from rankandfile.cases.domain import crypto
from rankandfile.cases.models import Attachment, Case, Category, SealedKey
from rankandfile.org.access import capabilities_in, has_capability, require_member, units_where
from rankandfile.org.domain.capabilities import ACCOUNTABILITY_COMMITTEE, HEAR_APPEALS
from rankandfile.org.models import Member, Unit


def may_hold_case_keys(member: Member) -> bool:
    return units_where(member, ACCOUNTABILITY_COMMITTEE).exists() or units_where(member, HEAR_APPEALS).exists()


def top_committee_unit(member: Any) -> Unit | None:
    """The top unit where the member holds `accountability_committee` (a role there, not below), else None."""
    if not getattr(member, "is_authenticated", False):
        return None
    for unit in Unit.objects.filter(parent__isnull=True, dissolved_on__isnull=True).order_by("pk"):
        if ACCOUNTABILITY_COMMITTEE in capabilities_in(member, unit):
            return unit
    return None


def require_top_committee(member: Any) -> Unit:
    unit = top_committee_unit(member)
    if unit is None:
        raise PermissionDenied(_("Only the accountability committee of the organization's top unit keeps these."))
    return unit


def access_category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise Http404("No such category.")
    return category


def may_work(member: Any, case: Case) -> bool:
    if selectors.is_recused(case, member):
        return False
    if has_capability(member, case.unit, ACCOUNTABILITY_COMMITTEE):
        return True
    hears_appeal = SealedKey.objects.filter(case=case, member=member, purpose=SealedKey.Purpose.APPEAL).exists()
    return hears_appeal and has_capability(member, case.unit, HEAR_APPEALS)


def access_case(member: Any, reference: str) -> Case:
    """The case for its committee; 404 for anyone else, recorded."""
    case = selectors.case_by_reference(reference)
    if case is None:
        raise Http404("No such case.")
    if not may_work(member, case):
        # Recorded on the case's trail (reference and actor only), for the committee to see; answered like a miss.
        record("case.refused", actor=member, object_type=selectors.CASE_OBJECT, object_id=case.reference)
        raise Http404("No such case.")
    return case


def require_case_keyholder(member: Any) -> Member:
    if not getattr(member, "is_authenticated", False) or not may_hold_case_keys(member):
        raise PermissionDenied(_("Only the accountability committee and the appeal body work cases."))
    return member


def access_attachment(case: Case, attachment_id: int) -> Attachment:
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def access_complainant_attachment(case: Case, attachment_id: int) -> Attachment:
    """The complainant's own files and those sent to them with a message; never the committee's notes."""
    attachment = access_attachment(case, attachment_id)
    sent_to_them = attachment.entry is not None and attachment.entry.kind == attachment.entry.Kind.TO_COMPLAINANT
    if not (attachment.from_complainant or sent_to_them):
        raise Http404("No such file.")
    return attachment


def access_complainant_case(request: HttpRequest) -> tuple[Case, crypto.CaseKeys]:
    """The case whose receipt this browser entered (within the idle time), with every generation of its key the
    receipt opens; 404 otherwise."""
    held = unlock.complainant_access(request)
    case = Case.objects.select_related("unit", "category").filter(pk=held.case_id).first() if held else None
    if held is None or case is None:
        raise Http404("Enter your receipt first.")
    try:
        keys = crypto.complainant_case_keys(
            held.receipt_key, bytes(case.complainant_key), selectors.complainant_copies(case), case.key_generation
        )
    except crypto.DecryptionFailed:
        raise Http404("Enter your receipt first.") from None
    return case, keys


def access_figures_unit(member: Any, unit_id: int) -> Unit:
    require_member(member)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit


def access_intake_unit(unit_id: int) -> Unit:
    """Public intake: any unit that is not dissolved."""
    unit = Unit.objects.filter(pk=unit_id, dissolved_on__isnull=True).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit
