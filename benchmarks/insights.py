"""Insights benchmark (issue 13): the simulator's rate, and the insights pages on a large simulated organization.

    python benchmarks/insights.py [--members 100000] [--months 60] [--requests 40] [--db sqlite|postgres]
                                  [--pg-database rankandfile_bench_insights]

Builds a throwaway database (a temporary SQLite file, or `--pg-database` on the PostgreSQL server at 127.0.0.1:5432,
dropped before and after: give each concurrent run a name of its own), migrates it, and runs the culture simulator
through the services for `--months` months of a unit of `--members` members
(`rankandfile.insights.simulator.run.simulate`): its rate is members × months per second. Then it precomputes the
figures (`insights.services.snapshots_refresh_stale`, timed) and requests, logged in as an ordinary member with
Django's test client, the unit's insights page, the national body's, the comparison page, the CSV and the API:
server time p50/p95 (ms) and SQL queries per request. The load average is printed with the figures.

Targets of the issue: insights pages p95 ≤ 300 ms and ≤ 15 queries at 100,000 members and five simulated years.
It prints a table, PASS/FAIL per target, and a final line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from _harness import percentile, postgres_available, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

P95_MS, MAX_QUERIES = 300.0, 15


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument(
        "--full-months", type=int, default=None,
        help="months simulated with all --members (default: all --months); fewer builds the rest of the history "
        "in a second, smaller unit (--history-members) under the same national body",
    )  # fmt: skip
    parser.add_argument("--history-members", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--attendance", type=int, default=40)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-database", default="rankandfile_bench_insights")
    args = parser.parse_args()
    if args.db == "postgres" and not postgres_available():
        print("insights: PostgreSQL is not reachable on 127.0.0.1:5432")
        return 2
    with throwaway_database(args.db, args.pg_database) as url:
        os.environ["DATABASE_URL"] = url
        os.environ.pop("REDIS_URL", None)
        return run(args)


def _months_ago(months: int) -> dt.date:
    """The first of the month `months` before this one: a simulation from there ends about today."""
    from rankandfile.org.domain.roles import add_months

    return add_months(dt.date.today().replace(day=1), -months)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankandfile.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rankandfile.insights import services
    from rankandfile.insights.simulator.run import simulate
    from rankandfile.org.domain.api_tokens import SCOPES
    from rankandfile.org.models import Member
    from rankandfile.org.services import api_token_create

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    full_months = min(args.full_months or args.months, args.months)
    print(f"insights: {args.members} members, {args.months} months ({args.db}), load {_load()}", flush=True)
    runs: dict[str, dict[str, float]] = {}
    history = None
    if full_months < args.months:
        # The rest of the five years, in a smaller branch beside the full-size one: the national body's figures
        # then span every month, over more than `--members` members (docs/insights.md, "Pages and the rate").
        history = _simulate(
            simulate, runs, "history", members=args.history_members, months=args.months,
            unit_path="bench/north/history", attendance=args.attendance,
        )  # fmt: skip
    result = _simulate(
        simulate, runs, "full size", members=args.members, months=full_months, unit_path="bench/north/branch",
        attendance=args.attendance,
    )  # fmt: skip
    rate = runs["full size"]["member_months_per_second"]
    began = time.perf_counter()
    refreshed = services.snapshots_refresh_stale()
    refresh_seconds = time.perf_counter() - began
    print(f"  figures of {refreshed} units precomputed in {refresh_seconds:.2f} s; load {_load()}", flush=True)

    member = Member.objects.filter(
        memberships__unit=result.unit, memberships__status="active", role_terms__isnull=True
    ).first()
    client = Client()
    client.force_login(member)
    _token, raw = api_token_create(member=member, name="bench", scopes=SCOPES)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    national = result.unit.parent.parent
    pages = {
        "unit page": (client, f"/units/{result.unit.pk}/insights/"),
        "national page": (client, f"/units/{national.pk}/insights/"),
        "comparison": (client, "/insights/"),
        "csv": (client, f"/units/{result.unit.pk}/insights.csv"),
        "api": (api, f"/api/v1/units/{result.unit.pk}/insights"),
    }
    if history is not None:
        pages["history unit page"] = (client, f"/units/{history.unit.pk}/insights/")
        pages["national csv"] = (client, f"/units/{national.pk}/insights.csv")
        pages["national api"] = (api, f"/api/v1/units/{national.pk}/insights")
    figures: dict[str, dict[str, float]] = {}
    for name, (who, url) in pages.items():
        times, queries = [], 0
        who.get(url)  # warm
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = who.get(url)
                times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = max(queries, len(captured))
        figures[name] = {
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "queries": queries,
        }
        print(
            f"  {name:17s} p50 {figures[name]['p50_ms']:7.1f} ms  p95 {figures[name]['p95_ms']:7.1f} ms  "
            f"{queries} queries"
        )
    print(f"  load {_load()}")
    checks = {
        f"insights pages p95 <= {P95_MS:.0f} ms": all(f["p95_ms"] <= P95_MS for f in figures.values()),
        f"insights pages <= {MAX_QUERIES} queries": all(f["queries"] <= MAX_QUERIES for f in figures.values()),
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    summary = {
        "benchmark": "insights",
        "db": args.db,
        "members": args.members,
        "months": args.months,
        "full_months": full_months,
        "members_in_database": Member.objects.count(),
        "simulations": runs,
        "member_months_per_second": rate,
        "refresh_seconds": round(refresh_seconds, 2),
        "pages": figures,
        "load_average": _load(),
        "pass": all(checks.values()),
    }
    print(json.dumps(summary))
    return 0


def _simulate(simulate: Any, runs: dict[str, dict[str, float]], name: str, **kwargs: Any) -> Any:
    """One simulation through the services, ending about today; its rate in member-months per second."""
    cpu = time.process_time()
    result = simulate(seed=1, rules="open", start=_months_ago(kwargs["months"]), **kwargs)
    seconds_cpu = time.process_time() - cpu
    rate = kwargs["members"] * kwargs["months"] / result.seconds
    runs[name] = {
        "members": kwargs["members"],
        "months": kwargs["months"],
        "seconds": round(result.seconds, 1),
        "cpu_seconds": round(seconds_cpu, 1),
        "member_months_per_second": round(rate, 1),
        "exits": len(result.truth["exits"]),
    }
    print(
        f"  {name}: {kwargs['members']:,} members × {kwargs['months']} months simulated in {result.seconds:.1f} s "
        f"({seconds_cpu:.1f} s of this process's CPU): {rate:,.0f} member-months/s, "
        f"{len(result.truth['exits']):,} exits; load {_load()}",
        flush=True,
    )
    return result


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
