"""The task worker's wiring: the scheduled jobs apps register, and what runs when the worker starts.

The worker is huey's consumer (`manage.py run_huey`, started by `make demo` and `make serve`; docs/deploy.md).
It imports each app's `tasks.py`; an app registers a scheduled job there with `every`:

    @every("*/15", at_start=True)      # cron minute field, then hour (default "*")
    def refresh_measures() -> None:
        services.measures_refresh()

A job is a thin call to one service, so the management commands, the views and the worker share one code path.
A job must be safe to run twice at once (two workers, two machines, a retry): the services it calls take row
locks and check state before writing. `at_start=True` also queues the job when a worker starts, so whatever fell
due while no worker ran (a ballot's closing time, a digest hour) is done at once rather than at the next tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import db_periodic_task, on_startup

log = logging.getLogger(__name__)

AT_START: dict[str, TaskWrapper] = {}


def every(minute: str = "*", hour: str = "*", *, at_start: bool = False) -> Callable[[Callable[[], Any]], TaskWrapper]:
    """Register `fn` as a periodic job on the cron `minute` and `hour` fields (UTC), with up to 2 retries."""

    def register(fn: Callable[[], Any]) -> TaskWrapper:
        task: TaskWrapper = db_periodic_task(crontab(minute=minute, hour=hour), retries=2, retry_delay=30)(fn)
        if at_start:
            AT_START[f"{fn.__module__}.{fn.__name__}"] = task
        return task

    return register


def catch_up() -> int:
    """Queue every `at_start` job (a worker thread calls this as it starts). Returns how many were queued."""
    for name, task in AT_START.items():
        log.info("worker: catching up with %s", name)
        task()
    return len(AT_START)


@on_startup(name="rankandfile.catch_up")
def _on_worker_start() -> None:
    # Each worker thread calls this as it starts, so the jobs may be queued twice: harmless, they are idempotent.
    catch_up()
