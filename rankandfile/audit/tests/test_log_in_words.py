"""The audit log in plain language, with links and filters by unit, actor and kind; failed logins and pauses
recorded (issue 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.org import services as org_services
from rankandfile.testing import PASSWORD, log_in

pytestmark = pytest.mark.django_db


def appoint(org: Any) -> Any:
    org.chair_role.seats = 2
    org.chair_role.save(update_fields=["seats"])
    return org_services.seat_fill(
        role_type=org.chair_role,
        holder=org.alice,
        how_filled="appointed",
        appointed_by=org.carol,
        actor=org.carol,
        reason="Bob asked for a co-chair",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )


def page(client: Client, query: str = "") -> str:
    return client.get(reverse("audit:log") + query).content.decode()


def test_it_tells_an_appointment_in_a_sentence_with_its_reason(org: Any) -> None:
    appoint(org)
    client = Client()
    log_in(client, org.alice)
    html = page(client)
    assert "Carol Organizer appointed Alice Member as Branch chair of Leeds" in html
    assert "“Bob asked for a co-chair”" in html


def test_it_filters_by_kind_actor_and_unit(org: Any) -> None:
    appoint(org)
    org_services.unit_rename(actor=org.dave, unit=org.york, name="York and Selby")
    client = Client()
    log_in(client, org.alice)
    roles = page(client, "?kind=role")
    assert "appointed Alice Member" in roles and "renamed the unit" not in roles
    by_dave = page(client, f"?actor={org.dave.pk}")
    assert "renamed the unit York to York and Selby" in by_dave and "appointed Alice" not in by_dave
    leeds = page(client, f"?unit={org.leeds.pk}")
    assert "appointed Alice Member" in leeds and "renamed the unit" not in leeds
    north = page(client, f"?unit={org.north.pk}")
    assert "appointed Alice Member" in north  # Leeds is inside North


def test_it_records_failed_logins_and_the_pause_without_naming_anyone(org: Any, settings: Any) -> None:
    settings.LOGIN_THROTTLE_FAILURES = 3
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": org.alice.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": org.alice.email, "password": PASSWORD})
    assert "paused for up to 15 minutes" in response.content.decode()
    assert AuditEntry.objects.filter(action="login.failed").count() == 3
    locked = AuditEntry.objects.get(action="login.locked")
    assert locked.object_id == str(org.alice.pk)
    reader = Client()
    log_in(reader, org.bob)
    html = page(reader, "?kind=login")
    assert "A login failed (wrong email or password)." in html
    assert "Logins were paused for 15 minutes after 3 failures" in html
    assert org.alice.email not in html
