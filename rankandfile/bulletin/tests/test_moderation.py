from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankandfile.audit.models import AuditEntry
from rankandfile.bulletin import services
from rankandfile.bulletin.models import Appeal
from rankandfile.bulletin.tests.helpers import leeds_period, published
from rankandfile.notifications.models import Notification
from rankandfile.org.models import RoleType
from rankandfile.testing import SmallOrg, give_role

REASON = "Publishes a member's home address, against rule 3 of the code of conduct."


def second_moderator(org: SmallOrg) -> None:
    editors = RoleType.objects.create(
        unit=org.leeds, name="Bulletin editors", seats=3, term_months=12, capabilities=["manage_bulletin"]
    )
    give_role(org.erin, editors)


def test_it_hides_with_a_reason_keeps_the_document_listed_and_audits_it(
    org: SmallOrg, django_capture_on_commit_callbacks: Any
) -> None:
    document = published(org, leeds_period(org), org.alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_hide(actor=org.dave, document=document, reason=REASON)
    document.refresh_from_db()
    assert document.is_hidden and document.hidden_by == org.dave and document.hidden_reason == REASON
    assert document.is_published  # still listed, never deleted
    entry = AuditEntry.objects.get(action="bulletin.document_hide")
    assert entry.payload["reason"] == REASON
    assert Notification.objects.filter(kind="bulletin.hidden", member=org.alice).exists()


def test_it_refuses_hiding_without_capability_reason_or_twice(org: SmallOrg) -> None:
    document = published(org, leeds_period(org), org.alice)
    for officer in (org.bob, org.carol):
        with pytest.raises(PermissionDenied):
            services.document_hide(actor=officer, document=document, reason=REASON)
    with pytest.raises(ValidationError, match="reason"):
        services.document_hide(actor=org.dave, document=document, reason="no")
    services.document_hide(actor=org.dave, document=document, reason=REASON)
    with pytest.raises(ValidationError, match="already hidden"):
        services.document_hide(actor=org.dave, document=document, reason=REASON)


def test_it_refuses_to_hide_a_draft(org: SmallOrg) -> None:
    period = leeds_period(org)
    draft = services.document_create(actor=org.alice, period=period, title="D", text="D.")
    with pytest.raises(ValidationError, match="submitted or published"):
        services.document_hide(actor=org.dave, document=draft, reason=REASON)


def test_it_takes_the_author_s_appeal_once_and_another_moderator_decides(org: SmallOrg) -> None:
    second_moderator(org)
    document = published(org, leeds_period(org), org.alice)
    with pytest.raises(ValidationError, match="not hidden"):
        services.appeal_file(actor=org.alice, document=document, text="Why?")
    services.document_hide(actor=org.dave, document=document, reason=REASON)
    with pytest.raises(ValidationError, match="author"):
        services.appeal_file(actor=org.bob, document=document, text="Unfair.")
    appeal = services.appeal_file(actor=org.alice, document=document, text="The address is the branch office.")
    assert appeal.hidden_by == org.dave and appeal.hidden_reason == REASON
    with pytest.raises(ValidationError, match="already waiting"):
        services.appeal_file(actor=org.alice, document=document, text="Again.")
    with pytest.raises(ValidationError, match="Another moderator"):
        services.appeal_decide(actor=org.dave, appeal=appeal, reverse=True, reason="It is the office address.")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(actor=org.bob, appeal=appeal, reverse=True, reason="It is the office address.")
    services.appeal_decide(actor=org.erin, appeal=appeal, reverse=True, reason="It is the office address.")
    document.refresh_from_db()
    assert not document.is_hidden
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REVERSED and appeal.hidden_reason == REASON
    with pytest.raises(ValidationError, match="already decided"):
        services.appeal_decide(actor=org.erin, appeal=appeal, reverse=False, reason="Changed my mind, sorry.")
    actions = list(AuditEntry.objects.filter(action__startswith="bulletin.").values_list("action", flat=True))
    assert actions[-3:] == ["bulletin.document_hide", "bulletin.appeal_file", "bulletin.appeal_decide"]


def test_it_upholds_a_hiding_on_appeal(org: SmallOrg) -> None:
    second_moderator(org)
    document = published(org, leeds_period(org), org.alice)
    services.document_hide(actor=org.dave, document=document, reason=REASON)
    appeal = services.appeal_file(actor=org.alice, document=document, text="Please.")
    services.appeal_decide(actor=org.erin, appeal=appeal, reverse=False, reason="The address is a home address.")
    document.refresh_from_db()
    assert document.is_hidden
