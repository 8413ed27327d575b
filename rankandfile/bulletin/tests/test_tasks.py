"""The task worker publishes issues on their date (bulletin/tasks.py); huey runs in immediate mode in tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core import mail
from django.utils import timezone

from rankandfile import worker
from rankandfile.bulletin import services, tasks
from rankandfile.bulletin.tests.helpers import an_issue, leeds_period, submitted
from rankandfile.testing import SmallOrg


def test_the_worker_publishes_due_issues_every_five_minutes_and_at_start() -> None:
    assert "rankandfile.bulletin.tasks.issues_publish_due" in worker.AT_START


def test_the_job_publishes_an_issue_on_its_date_and_emails_subscribers_once(
    org: SmallOrg, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period = leeds_period(org)
    services.subscription_set(actor=org.bob, period=period, subscribed=True)
    issue = an_issue(org, period, days=1)
    services.document_place(actor=org.dave, document=submitted(org, period, org.alice), issue=issue)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)), django_capture_on_commit_callbacks(execute=True):
        tasks.issues_publish_due()
        tasks.issues_publish_due()
    issue.refresh_from_db()
    assert issue.is_published
    assert [m.to for m in mail.outbox if "issue 1 is out" in m.subject] == [[org.bob.email]]
