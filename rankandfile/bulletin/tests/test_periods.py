import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.bulletin import services
from rankandfile.bulletin.models import Document, Subscription
from rankandfile.bulletin.tests.helpers import CODE_OF_CONDUCT, an_issue, leeds_period, published, submitted
from rankandfile.notifications.models import Notification
from rankandfile.testing import SmallOrg


def test_it_lets_a_bulletin_manager_open_a_period_and_audits_it(org: SmallOrg) -> None:
    period = leeds_period(org, word_limit=500, min_cosigners=1)
    assert period.unit == org.leeds and period.created_by == org.dave
    assert AuditEntry.objects.filter(action="bulletin.period_create", object_id=str(period.pk)).exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_it_refuses_a_period_to_members_without_manage_bulletin(org: SmallOrg, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.period_create(
            actor=getattr(org, persona),
            unit=org.leeds,
            title="Mine",
            code_of_conduct=CODE_OF_CONDUCT,
            submissions_close_at=timezone.now(),
            responses_close_at=timezone.now(),
        )


def test_it_refuses_a_period_without_a_code_of_conduct_or_with_responses_closing_first(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as error:
        leeds_period(org, code_of_conduct="  ")
    assert "code_of_conduct" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        leeds_period(org, responses_close_at=timezone.now())
    assert "responses_close_at" in error.value.message_dict


def test_it_updates_a_period_and_refuses_unknown_fields_and_other_units_officers(org: SmallOrg) -> None:
    period = leeds_period(org)
    services.period_update(actor=org.dave, period=period, word_limit=800)
    period.refresh_from_db()
    assert period.word_limit == 800
    with pytest.raises(ValidationError):
        services.period_update(actor=org.dave, period=period, unit=org.york)
    with pytest.raises(PermissionDenied):
        services.period_update(actor=org.carol, period=period, word_limit=1)


def test_it_numbers_issues_in_order(org: SmallOrg) -> None:
    period = leeds_period(org)
    assert [an_issue(org, period).number for _ in range(3)] == [1, 2, 3]
    with pytest.raises(PermissionDenied):
        services.issue_schedule(actor=org.bob, period=period, publish_at=timezone.now())


def test_it_places_only_submitted_documents_with_enough_co_signers_in_an_unpublished_issue(org: SmallOrg) -> None:
    period = leeds_period(org, min_cosigners=1)
    issue = an_issue(org, period)
    document = submitted(org, period, org.alice)
    with pytest.raises(ValidationError, match="co-signer"):
        services.document_place(actor=org.dave, document=document, issue=issue)
    services.document_sign(actor=org.bob, document=document)
    with pytest.raises(PermissionDenied):
        services.document_place(actor=org.bob, document=document, issue=issue)
    services.document_place(actor=org.dave, document=document, issue=issue)
    services.issue_publish(actor=org.dave, issue=issue)
    with pytest.raises(ValidationError, match="already published"):
        services.issue_publish(actor=org.dave, issue=issue)
    late = submitted(org, period, org.alice, title="Later")
    with pytest.raises(ValidationError, match="already published"):
        services.document_place(actor=org.dave, document=late, issue=issue)
    other = an_issue(org, leeds_period(org, title="Other"))
    with pytest.raises(ValidationError):
        services.document_place(actor=org.dave, document=late, issue=other)


def test_it_publishes_an_issue_and_emails_its_subscribers(
    org: SmallOrg, django_capture_on_commit_callbacks: Any
) -> None:
    period = leeds_period(org)
    services.subscription_set(actor=org.erin, period=period, subscribed=True)
    services.subscription_set(actor=org.erin, period=period, subscribed=True)  # twice is once
    with django_capture_on_commit_callbacks(execute=True):
        document = published(org, period, org.alice)
    assert document.status == Document.Status.PUBLISHED and document.published_at is not None
    assert Notification.objects.filter(kind="bulletin.issue", member=org.erin).count() == 1
    assert any("issue 1 is out" in m.subject and document.title in m.body for m in mail.outbox)
    assert "/notifications/unsubscribe/" in mail.outbox[-1].body
    services.subscription_set(actor=org.erin, period=period, subscribed=False)
    assert not Subscription.objects.filter(member=org.erin).exists()


def test_it_refuses_a_subscription_to_a_former_member(org: SmallOrg) -> None:
    with pytest.raises(PermissionDenied):
        services.subscription_set(actor=org.frank, period=leeds_period(org), subscribed=True)


def test_it_publishes_due_issues_on_their_date_once(org: SmallOrg) -> None:
    period = leeds_period(org)
    issue = an_issue(org, period, days=2)
    document = submitted(org, period, org.alice)
    services.document_place(actor=org.dave, document=document, issue=issue)
    assert services.issues_publish_due() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert [i.pk for i in services.issues_publish_due()] == [issue.pk]
        assert services.issues_publish_due() == []
    document.refresh_from_db()
    assert document.is_published
    entry = AuditEntry.objects.get(action="bulletin.issue_publish")
    assert entry.actor == "system" and entry.payload["documents"] == [document.pk]


def test_it_leaves_out_of_the_issue_a_document_hidden_before_publication(org: SmallOrg) -> None:
    period = leeds_period(org)
    issue = an_issue(org, period)
    document = submitted(org, period, org.alice)
    services.document_place(actor=org.dave, document=document, issue=issue)
    services.document_hide(actor=org.dave, document=document, reason="Names a member's home address (rule 3).")
    services.issue_publish(actor=org.dave, issue=issue)
    document.refresh_from_db()
    assert document.status == Document.Status.SUBMITTED and document.issue is None
