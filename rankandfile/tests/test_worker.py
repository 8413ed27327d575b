"""The task worker (rankandfile/worker.py): scheduled jobs, catching up at start, and closing exactly once.

Tests run huey in immediate mode (conftest.py): a queued task runs at once, in process.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from rankandfile import worker
from rankandfile.audit.models import AuditEntry
from rankandfile.ballots import services as ballot_services
from rankandfile.ballots.models import Ballot
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.notifications.models import Notification


@pytest.fixture(autouse=True)
def _tasks_loaded_as_the_worker_loads_them(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    autodiscover_modules("tasks")  # what `manage.py run_huey` does at start


def periodic(name: str) -> Any:
    task_class = HUEY._registry.string_to_task(name)
    return task_class()


def test_the_worker_closes_ballots_each_minute_and_digests_once_an_hour() -> None:
    every_minute = periodic("rankandfile.ballots.tasks.ballots_close_due")
    digest = periodic("rankandfile.notifications.tasks.send_digests")
    at = dt.datetime(2026, 3, 5, 7, 5)
    assert every_minute.validate_datetime(at) and every_minute.validate_datetime(at.replace(minute=6))
    assert digest.validate_datetime(at) and not digest.validate_datetime(at.replace(minute=6))
    assert {
        "rankandfile.ballots.tasks.ballots_close_due",
        "rankandfile.ballots.tasks.send_due_reminders",
        "rankandfile.notifications.tasks.send_digests",
    } <= set(worker.AT_START)


def test_the_worker_registers_its_catch_up_to_run_when_it_starts() -> None:
    assert HUEY._startup["rankandfile.catch_up"] is worker._on_worker_start


@pytest.mark.django_db(transaction=True)  # real commits: the results go out after the close commits
def test_a_ballot_whose_time_passed_while_no_worker_ran_closes_when_one_starts_counted_once() -> None:
    from rankandfile.testing import build_small_org

    org = build_small_org()
    ballot = open_ballot(org)
    ballot_services.ballot_cast(voter=org.alice, ballot=ballot, names=["Ben"])
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        for start_hook in HUEY._startup.values():  # two worker threads start
            start_hook()
        for start_hook in HUEY._startup.values():
            start_hook()
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED and ballot.cast_count == 1
    assert ballot.decision["winners"] == ["Ben"]
    assert AuditEntry.objects.filter(action="ballot.close", object_id=str(ballot.pk)).count() == 1
    assert Notification.objects.filter(kind="ballot.results", object_id=ballot.pk).count() == 3
    assert len([m for m in mail.outbox if m.subject.startswith("Results published")]) == 3


def test_the_reminder_job_reminds_once_within_the_configured_hours(
    org: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from rankandfile.ballots import tasks

    settings.BALLOT_REMINDER_HOURS = 96  # the ballot closes in three days
    ballot = open_ballot(org)
    ballot_services.ballot_cast(voter=org.alice, ballot=ballot, names=["Ann"])
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_due_reminders()  # queued, and run at once
        tasks.send_due_reminders()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.bob.email, org.erin.email])


@pytest.mark.django_db(transaction=True)
def test_two_closers_at_once_count_the_ballot_once(caplog: Any) -> None:
    from rankandfile.testing import build_small_org

    org = build_small_org()
    ballot = open_ballot(org)
    for voter, names in ((org.alice, ["Ann"]), (org.bob, ["Ben"]), (org.erin, ["Ann"])):
        ballot_services.ballot_cast(voter=voter, ballot=ballot, names=names)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    barrier = threading.Barrier(2)
    closed: list[int] = []
    errors: list[BaseException] = []

    def closer() -> None:
        try:
            barrier.wait(timeout=10)
            closed.extend(b.pk for b in ballot_services.ballots_close_due())
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    with caplog.at_level(logging.ERROR, logger="rankandfile.ballots"):
        threads = [threading.Thread(target=closer) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert closed == [ballot.pk]  # one closer counted it; the other found it closed and skipped it quietly
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    ballot.refresh_from_db()
    assert ballot.cast_count == 3 and ballot.decision["winners"] == ["Ann"]
    assert AuditEntry.objects.filter(action="ballot.close", object_id=str(ballot.pk)).count() == 1
    assert AuditEntry.objects.filter(action="ballot.publish", object_id=str(ballot.pk)).count() == 1
