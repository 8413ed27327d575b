"""Operators may switch accounts off in the admin, audited; they cannot change roles or grant capabilities there."""

from __future__ import annotations

from django.test import Client

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.testing import SmallOrg, log_in


def staff_client(org: SmallOrg) -> Client:
    client = Client()
    log_in(client, org.otto)
    return client


def test_it_shows_organization_records_read_only(org: SmallOrg) -> None:
    client = staff_client(org)
    page = client.get(f"/admin/org/roletype/{org.chair_role.pk}/change/").content.decode()
    assert "Branch chair" in page and 'name="capabilities"' not in page
    response = client.post(
        f"/admin/org/roletype/{org.chair_role.pk}/change/",
        {"name": "Branch chair", "seats": 9, "capabilities": '["manage_units"]'},
    )
    assert response.status_code == 403
    org.chair_role.refresh_from_db()
    assert org.chair_role.seats == 1 and "manage_units" not in org.chair_role.capabilities
    assert client.get("/admin/org/roleterm/add/").status_code == 403
    assert client.get("/admin/org/membership/add/").status_code == 403


def test_it_records_an_account_switched_off_in_the_audit_chain(org: SmallOrg) -> None:
    client = staff_client(org)
    response = client.post(f"/admin/org/member/{org.alice.pk}/change/", {"is_staff": "", "is_active": ""})
    assert response.status_code == 302
    org.alice.refresh_from_db()
    assert org.alice.is_active is False
    entry = AuditEntry.objects.filter(action="member.admin_change").get()
    assert entry.object_id == str(org.alice.pk) and entry.payload == {"is_active": False}
    assert verify_chain() is None
