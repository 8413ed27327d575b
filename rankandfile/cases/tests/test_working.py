"""Working a case: states and deadlines, reminders, the decision with sanctions through the org's services, the
appeal to a separate body, retention, and the figures every member sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.cases import selectors, services
from rankandfile.cases.domain.crypto import CaseKeys
from rankandfile.cases.models import Case, RetainedFigure
from rankandfile.cases.tests.helpers import category, complainant_client, file_case, passphrase_of, set_passphrase
from rankandfile.notifications.models import Notification
from rankandfile.org.domain.capabilities import HEAR_APPEALS
from rankandfile.org.models import Membership, RoleType
from rankandfile.testing import SmallOrg, give_role, log_in, make_member


def erin_key(org: SmallOrg, case: Case) -> CaseKeys:
    private = services.committee_key_unlock(member=org.erin, passphrase=passphrase_of(org.erin))
    key = services.case_key_of(member=org.erin, case=case, private_key=private)
    assert key is not None
    return key


def decided_case(org: SmallOrg, sanctions: list[services.SanctionOrder]) -> tuple[Case, CaseKeys, str]:
    set_passphrase(org.erin)
    filed = file_case(org, named=[org.bob])
    case, key = filed.case, erin_key(org, filed.case)
    services.case_move(actor=org.erin, case=case, to="acknowledged")
    services.case_move(actor=org.erin, case=case, to="investigating")
    services.case_decide(actor=org.erin, case=case, keys=key, text="Upheld: a pattern of conduct.", sanctions=sanctions)
    return case, key, filed.receipt


def appeal_body(org: SmallOrg) -> object:
    role = RoleType.objects.create(unit=org.national, name="Appeals panel", seats=3, capabilities=[HEAR_APPEALS])
    judge = make_member("Jude Appeals", org.york)
    give_role(judge, role)
    set_passphrase(judge)
    return judge


def test_it_moves_through_the_states_in_order_only(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    case = file_case(org).case
    with pytest.raises(ValidationError):
        services.case_move(actor=org.erin, case=case, to="investigating")
    services.case_move(actor=org.erin, case=case, to="acknowledged")
    assert (case.state, case.acknowledged_on) == ("acknowledged", timezone.localdate())
    with pytest.raises(ValidationError):
        services.case_move(actor=org.erin, case=case, to="closed")
    assert AuditEntry.objects.filter(object_id=case.reference, action="case.acknowledged").exists()


def test_deadlines_follow_the_policy_and_overdue_cases_are_flagged_and_reminded_once_a_day(
    org: SmallOrg, django_capture_on_commit_callbacks: Any
) -> None:
    set_passphrase(org.erin)
    case = file_case(org).case
    assert case.acknowledge_by == case.received_on + dt.timedelta(days=7)
    assert case.decide_by == case.received_on + dt.timedelta(days=60)
    later = case.received_on + dt.timedelta(days=8)
    assert selectors.overdue_of(case, later) == "acknowledge"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cases_remind_due(today=later) == 1
    assert services.cases_remind_due(today=later) == 0
    notice = Notification.objects.filter(member=org.erin, kind="case.committee").last()
    assert notice is not None and case.reference in notice.title
    assert "harassment" not in notice.title.lower() + notice.body.lower()


def test_a_decision_expels_through_the_org_services_with_only_the_reference_as_reason(org: SmallOrg) -> None:
    case, _key, _receipt = decided_case(org, [services.SanctionOrder(org.bob, "expulsion")])
    membership = Membership.objects.get(member=org.bob, unit=org.leeds)
    assert (membership.status, membership.end_kind, membership.exit_reason) == ("left", "expelled", case.reference)
    assert case.state == "decided"
    entry = AuditEntry.objects.get(action="membership.sanction")
    assert entry.payload == {"kind": "expelled", "case": case.reference}


def test_a_decision_suspends_and_removes_from_roles(org: SmallOrg) -> None:
    case, _key, _receipt = decided_case(
        org, [services.SanctionOrder(org.bob, "suspension"), services.SanctionOrder(org.bob, "role_removal")]
    )
    membership = Membership.objects.get(member=org.bob, unit=org.leeds)
    assert (membership.status, membership.end_kind) == ("suspended", "suspended")
    term = org.bob.role_terms.get()
    assert not term.is_current(timezone.localdate() + dt.timedelta(days=1))
    assert case.reference in term.ended_early_reason


def test_an_appeal_goes_to_a_separate_body_which_gets_the_key_only_then_and_may_reinstate(org: SmallOrg) -> None:
    judge = appeal_body(org)
    case, _key, receipt = decided_case(org, [services.SanctionOrder(org.bob, "expulsion")])
    assert not case.sealed_keys.filter(member=judge).exists()
    client = Client()
    log_in(client, judge)
    assert client.get(reverse("cases:case", args=[case.reference])).status_code == 404
    complainant = complainant_client(receipt)
    complainant.post(reverse("cases:mine_appeal"), {"text": "The sanction is too light? No: I appeal the reasons."})
    case.refresh_from_db()
    assert case.state == "appealed"
    assert case.sealed_keys.filter(member=judge, purpose="appeal").exists()
    private = services.committee_key_unlock(member=judge, passphrase=passphrase_of(judge))
    key = services.case_key_of(member=judge, case=case, private_key=private)
    assert key is not None
    services.appeal_decide(actor=judge, case=case, keys=key, text="Procedure was not followed.", reinstate=True)
    membership = Membership.objects.get(member=org.bob, unit=org.leeds)
    assert (membership.status, membership.end_kind) == ("active", "")
    with pytest.raises(ValidationError):
        services.appeal_decide(actor=judge, case=case, keys=key, text="Again.", reinstate=False)


def test_closed_cases_are_deleted_after_retention_leaving_only_the_figures(org: SmallOrg) -> None:
    case, _key, _receipt = decided_case(org, [])
    services.case_move(actor=org.erin, case=case, to="closed")
    assert case.delete_after == case.closed_on.replace(year=case.closed_on.year + 6)
    assert services.cases_delete_due(today=case.delete_after - dt.timedelta(days=1)) == 0
    assert services.cases_delete_due(today=case.delete_after) == 1
    assert not Case.objects.exists()
    figure = RetainedFigure.objects.get()
    assert (figure.unit, figure.days_to_decide) == (org.leeds, 0)
    assert selectors.figures_for(org.national).total.suppressed


def test_figures_read_fewer_than_5_for_small_cells(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    for i in range(6):
        file_case(org, text=f"Complaint {i}")
    file_case(org, text="A financial one", category=category("financial"))
    figures = selectors.figures_for(org.north)
    assert (figures.total.count, figures.by_category["Harassment"].count) == (7, 6)
    assert figures.by_category["Financial"].suppressed
    assert figures.by_category["Other"].suppressed  # zero, too, reads "fewer than 5"
    client = Client()
    log_in(client, org.alice)
    page = client.get(reverse("cases:figures", args=[org.north.pk])).content.decode()
    assert "fewer than 5" in page
    assert "A financial one" not in page
