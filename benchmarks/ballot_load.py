"""Ballot load benchmark (issue 5): a convention hall casts a ranked ballot in a burst.

    python benchmarks/ballot_load.py [--voters 2000] [--db sqlite|postgres] [--burst 10] [--concurrency 64]

For the chosen database it creates a throwaway database (a temporary SQLite file, or `rankandfile_ballot_bench` on
the PostgreSQL server at 127.0.0.1:5432, dropped afterwards), migrates it, and seeds a unit of N members in good
standing with a logged-in session each, plus a chair with `manage_ballots`. Then it starts the production server on
127.0.0.1 only: two uvicorn workers on PostgreSQL (with Redis for the live count when it answers on 127.0.0.1:6379),
one uvicorn process on SQLite. The load comes from this process, through plain HTTP/1.1 over asyncio: every voter
posts the ballot paper's `cast` form, as a phone does after the review page.

1. Burst: N voters cast an 8-candidate, 3-seat STV ballot, each at a random moment of a `--burst`-second window
   (the chair opening a vote in the hall). Latency p50/p99 of each cast, server errors, and afterwards the numbers
   of participations and ballots, which must equal the acknowledged casts exactly (nothing lost, nothing doubled).
2. Capacity: the same N voters cast a second ballot as fast as the server takes them, `--concurrency` phones at a
   time: `cast_per_s`. The same transaction as a bare pgbench script (lock the ballot row, check the roll, insert
   the participation and the ballot paper, commit) gives the database's own limit, `pgbench_tps` (PostgreSQL only).
3. Count: the chair closes the burst ballot over HTTP: shuffle, count (STV), publish: `count_s`.

It prints a table, PASS/FAIL for each target, and ends with one JSON line:
{"voters", "db", "acknowledged", "participations", "ballots", "server_errors", "p50_ms", "p99_ms", "pgbench_tps",
 "cast_per_s", "count_s"}. It exits 0 when it measured (a missed target is reported, not fatal), 1 when lost or
doubled ballots are found, 2 when something failed to run. Every step is bounded in time; servers and databases are
removed on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _harness import (
    HOST,
    PG_PORT,
    ROOT,
    answers,
    cpu_seconds,
    free_port,
    percentile,
    say,
    serving,
    throwaway_database,
)

PYTHON = sys.executable
PG_BENCH_DB = "rankandfile_ballot_bench"
REDIS_URL = f"redis://{HOST}:6379/0"
CSRF_TOKEN = "BallotBenchCsrfToken0123456789ab"  # noqa: S105  (32 characters: Django's unmasked token format)
CANDIDATES = [f"Delegate {name}" for name in ("Amara", "Bilal", "Carmen", "Dmitri", "Esther", "Femi", "Grace", "Hugo")]
SEATS = 3
RESULT_PREFIX = "RESULT "

# The targets.
CAST_RATIO = 0.15  # of the pgbench rate (a minimal Django view reached 0.10)
P99_MS = 1500.0
COUNT_SECONDS = 2.0
REQUEST_TIMEOUT = 60.0
SERVER_START_TIMEOUT = 60.0


# --------------------------------------------------------------------------------------------------------------
# Databases and servers (each removed on the way out)
# --------------------------------------------------------------------------------------------------------------


def server_env(database_url: str, db: str, static_root: str) -> dict[str, str]:
    env = {
        **os.environ,
        "STATIC_ROOT": static_root,  # an empty folder that exists: whitenoise warns about a missing one
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "rankandfile.settings",
        "SECRET_KEY": "ballot-benchmark-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "RANKANDFILE_PLAIN_STATIC": "1",
        "PYTHONPATH": str(ROOT),
    }
    redis_url = env.pop("REDIS_URL", None) or REDIS_URL
    if db == "postgres" and answers(6379):
        env["REDIS_URL"] = redis_url  # production: live counts go through Redis pub/sub between the workers
    return env


server_group = [0]  # the running server's process group (its leader's pid), for cpu_seconds


@contextlib.contextmanager
def server(env: dict[str, str], workers: int) -> Iterator[int]:
    """uvicorn on 127.0.0.1, as `make serve` runs it; stopped (its whole process group) on the way out."""
    port = free_port()
    command = [
        PYTHON, "-m", "uvicorn", "rankandfile.asgi:application", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--ws", "websockets-sansio", "--http", "httptools", "--loop", "uvloop",
        "--no-access-log", "--log-level", "warning",
        "--backlog", "4096",
    ]  # fmt: skip
    with serving("uvicorn", command, env=env, port=port, timeout=SERVER_START_TIMEOUT) as running:
        status, _ = asyncio.run(request(port, "GET", "/accounts/login/", ""))
        if status != 200:
            raise RuntimeError(f"the server answered {status} to the login page")
        server_group[0] = running.pid
        yield port


# --------------------------------------------------------------------------------------------------------------
# Child process: Django set up on the throwaway database (seed, count)
# --------------------------------------------------------------------------------------------------------------
def child_seed(voters: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from rankandfile.ballots import services
    from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit

    call_command("migrate", verbosity=0, interactive=False)
    unit = Unit.objects.create(name="Convention", slug="convention", path="convention", depth=0, kind="national")
    day = timezone.localdate()
    unusable = "!"  # no password: the benchmark logs members in by creating their sessions
    members = Member.objects.bulk_create(
        Member(email=f"delegate{i}@example.org", full_name=f"Delegate {i:05d}", password=unusable)
        for i in range(voters)
    )
    chair = Member.objects.create(email="chair@example.org", full_name="Convention Chair", password=unusable)
    Membership.objects.bulk_create(
        [Membership(member=m, unit=unit, joined_on=day) for m in [*members, chair]], batch_size=2000
    )
    role = RoleType.objects.create(unit=unit, name="Convention chair", capabilities=["manage_ballots"])
    RoleTerm.objects.create(role_type=role, holder=chair, starts_on=day, how_filled="elected")

    def ballot(title: str) -> int:
        draft = services.ballot_create(
            actor=chair,
            unit=unit,
            title=title,
            kind="election",
            method="stv-scottish",
            seats=SEATS,
            mode="in_meeting",
            cutoff_on=day,
            options=[services.OptionSpec(name) for name in CANDIDATES],
        )
        return services.ballot_open(actor=chair, ballot=draft).pk

    backend = settings.AUTHENTICATION_BACKENDS[0]

    def session(member: Any, **extra: str) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(member.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = member.get_session_auth_hash()
        for key, value in extra.items():
            store[key] = value
        store.create()
        return str(store.session_key)

    # The chair manages ballots, so the pages want a second factor: enrolled, and verified in the chair's session
    # (without it the close below was answered with a redirect to the second-factor page, and nothing closed).
    from django_otp import DEVICE_ID_SESSION_KEY

    from rankandfile.testing import enrol_second_factor

    chair_device = enrol_second_factor(chair).device

    return {
        "burst": ballot("Standing orders committee"),
        "capacity": ballot("Conference arrangements committee"),
        "pgbench": ballot("pgbench"),
        "member_ids": [m.pk for m in members],
        "sessions": [session(m) for m in members],
        "chair_session": session(chair, **{DEVICE_ID_SESSION_KEY: chair_device.persistent_id}),
    }


def child_count(ballot_ids: list[int]) -> dict[str, Any]:
    import django

    django.setup()
    from rankandfile.ballots.models import Ballot, CastBallot, Participation, PublishedBallot

    # Papers sit in the open box until the close moves them, shuffled, to the published box: count both.
    return {
        str(b): {
            "status": Ballot.objects.get(pk=b).status,
            "participations": Participation.objects.filter(ballot_id=b).count(),
            "ballots": CastBallot.objects.filter(ballot_id=b).count()
            + PublishedBallot.objects.filter(ballot_id=b).count(),
        }
        for b in ballot_ids
    }


def run_child(env: dict[str, str], task: str, argument: str, timeout: float) -> dict[str, Any]:
    completed = subprocess.run(
        [PYTHON, __file__, "--child", task, argument],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    raise RuntimeError(f"child {task} failed ({completed.returncode}):\n{completed.stderr[-3000:]}")


# --------------------------------------------------------------------------------------------------------------
# The load: plain HTTP/1.1 over asyncio, one connection per phone
# --------------------------------------------------------------------------------------------------------------
async def request(port: int, method: str, path: str, session: str, body: bytes = b"") -> tuple[int, float]:
    """(status, milliseconds) of one request on a fresh connection; status 0 when the connection failed."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), REQUEST_TIMEOUT)
        cookies = f"csrftoken={CSRF_TOKEN}" + (f"; sessionid={session}" if session else "")
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nCookie: {cookies}\r\nX-CSRFToken: {CSRF_TOKEN}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT)
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    except (OSError, TimeoutError):
        return 0, (time.perf_counter() - start) * 1000
    match = re.match(rb"HTTP/1\.[01] (\d{3})", response)
    return (int(match.group(1)) if match else 0), (time.perf_counter() - start) * 1000


def run_load(load: Any) -> Any:
    """Run the load on uvloop, as the server runs: the load generator shares the server's 2 cores, and the leaner
    it is, the less it takes from what is measured (pgbench's own client is C)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(load)
    return uvloop.run(load)


def paper(rng: random.Random) -> bytes:
    """A ranking of 1 to 8 candidates, as the review page posts it (option positions, best first)."""
    order = rng.sample(range(1, len(CANDIDATES) + 1), rng.randint(1, len(CANDIDATES)))
    return "&".join(f"mark={p}" for p in order).encode()


@dataclass
class Load:
    statuses: dict[int, int] = field(default_factory=dict)
    times_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0

    def add(self, status: int, ms: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 200:
            self.times_ms.append(ms)

    @property
    def acknowledged(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)


async def burst(port: int, ballot: int, sessions: list[str], window: float, seed: int) -> Load:
    """Each voter casts at a random moment of the window (open loop: arrivals do not wait for the server)."""
    rng = random.Random(seed)
    load = Load()
    path = f"/ballots/{ballot}/cast/"
    plan = sorted((rng.uniform(0, window), s, paper(rng)) for s in sessions)
    start = time.perf_counter()

    async def voter(at: float, session: str, body: bytes) -> None:
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - start)))
        load.add(*await request(port, "POST", path, session, body))

    await asyncio.gather(*(voter(at, s, body) for at, s, body in plan))
    load.elapsed_s = time.perf_counter() - start
    return load


async def capacity(port: int, ballot: int, sessions: list[str], concurrency: int, seed: int) -> Load:
    """As fast as the server takes them: `concurrency` phones at a time, the next voter as soon as one is done."""
    rng = random.Random(seed)
    load = Load()
    path = f"/ballots/{ballot}/cast/"
    queue = [(s, paper(rng)) for s in sessions]
    queue.reverse()
    start = time.perf_counter()

    async def phone() -> None:
        while queue:
            session, body = queue.pop()
            load.add(*await request(port, "POST", path, session, body))

    await asyncio.gather(*(phone() for _ in range(concurrency)))
    load.elapsed_s = time.perf_counter() - start
    return load


# --------------------------------------------------------------------------------------------------------------
# pgbench: the same transaction, bare
# --------------------------------------------------------------------------------------------------------------
PGBENCH_SCRIPT = """\\set m random(:mmin, :mmax)
BEGIN;
SELECT status, closes_at FROM ballots_ballot WHERE id = :ballot FOR KEY SHARE;
SELECT 1 FROM ballots_eligiblevoter WHERE ballot_id = :ballot AND member_id = :m LIMIT 1;
INSERT INTO ballots_participation (id, ballot_id, member_id) VALUES (gen_random_uuid(), :ballot, :m)
  ON CONFLICT (ballot_id, member_id) DO NOTHING;
INSERT INTO ballots_castballot (id, ballot_id, content, receipt)
  VALUES (gen_random_uuid(), :ballot, '{"ranking": ["Delegate Carmen", "Delegate Amara", "Delegate Hugo"]}',
          md5(random()::text) || md5(random()::text));
COMMIT;
"""


def pgbench(ballot: int, member_ids: list[int], db_name: str, seconds: int = 8) -> float | None:
    """Transactions per second of the bare cast transaction (8 clients, 2 threads). Members repeat, so the
    participation insert takes ON CONFLICT DO NOTHING; the unique index is still checked, as in the app."""
    if shutil.which("pgbench") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    try:
        command = ["pgbench", "-n", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", "-c", "8", "-j", "2"]
        command += ["-T", str(seconds), "-D", f"ballot={ballot}", "-D", f"mmin={min(member_ids)}"]
        command += ["-D", f"mmax={max(member_ids)}", "-f", script.name, db_name]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", completed.stdout)
    if completed.returncode != 0 or not match:
        say(f"pgbench failed: {completed.stderr.strip()[-300:]}")
        return None
    return float(match.group(1))


# --------------------------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    workers = 2 if args.db == "postgres" else 1
    print(f"=== ballot_load: {args.voters} voters, {args.db}, {workers} uvicorn worker(s)", flush=True)
    say(
        "load average before: {:.2f} {:.2f} {:.2f} (other work on this machine skews every figure)".format(
            *os.getloadavg()
        )
    )
    with throwaway_database(args.db, args.db_name) as database_url, tempfile.TemporaryDirectory() as static_root:
        env = server_env(database_url, args.db, static_root)
        say("live counts through " + ("Redis pub/sub" if "REDIS_URL" in env else "the in-memory channel layer"))
        started = time.perf_counter()
        seeded = run_child(env, "seed", str(args.voters), timeout=600)
        say(f"seeded {args.voters} members, their sessions and 3 open ballots in {time.perf_counter() - started:.1f} s")
        pgbench_tps = pgbench(seeded["pgbench"], seeded["member_ids"], args.db_name) if args.db == "postgres" else None
        if pgbench_tps is not None:
            say(f"pgbench, the bare cast transaction: {pgbench_tps:.0f} tps")
        with server(env, workers) as port:
            burst_load = run_load(burst(port, seeded["burst"], seeded["sessions"], args.burst, seed=1))
            say(
                f"burst: {burst_load.acknowledged} acknowledged in {burst_load.elapsed_s:.1f} s, "
                f"statuses {dict(sorted(burst_load.statuses.items()))}"
            )
            database = args.db_name if args.db == "postgres" else None
            before = (cpu_seconds(group=server_group[0]), cpu_seconds(database=database) if database else 0.0)
            client_before = time.process_time()
            capacity_load = run_load(capacity(port, seeded["capacity"], seeded["sessions"], args.concurrency, seed=2))
            per_cast = 1000 / max(1, capacity_load.acknowledged)
            used = (
                (cpu_seconds(group=server_group[0]) - before[0]) * per_cast,
                ((cpu_seconds(database=database) - before[1]) * per_cast) if database else None,
                (time.process_time() - client_before) * per_cast,
            )
            cast_per_s = capacity_load.acknowledged / capacity_load.elapsed_s if capacity_load.elapsed_s else 0.0
            say(
                f"capacity: {capacity_load.acknowledged} acknowledged in {capacity_load.elapsed_s:.1f} s "
                f"({cast_per_s:.0f}/s, {args.concurrency} at a time), "
                f"statuses {dict(sorted(capacity_load.statuses.items()))}"
            )
            say(
                f"CPU per cast in the capacity run: server {used[0]:.2f} ms"
                + (f", PostgreSQL {used[1]:.2f} ms" if used[1] is not None else "")
                + f", this load client {used[2]:.2f} ms ({os.cpu_count()} cores)"
            )
            start = time.perf_counter()
            status, _ms = asyncio.run(
                request(port, "POST", f"/ballots/{seeded['burst']}/close/", seeded["chair_session"])
            )
            count_s = time.perf_counter() - start
            if status != 302:
                problems.append(f"closing the burst ballot answered {status}")
            say(
                f"close, shuffle, count (STV, {SEATS} seats) and publish {burst_load.acknowledged} ballots: "
                f"{count_s:.2f} s"
            )
        say("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        counted = run_child(env, "count", json.dumps([seeded["burst"], seeded["capacity"]]), timeout=120)
    burst_rows = counted[str(seeded["burst"])]
    capacity_rows = counted[str(seeded["capacity"])]
    if burst_rows["status"] != "closed":
        problems.append(f"the burst ballot is {burst_rows['status']} after the close: count_s measured nothing")
    for label, load, rows in (("burst", burst_load, burst_rows), ("capacity", capacity_load, capacity_rows)):
        if not load.acknowledged == rows["participations"] == rows["ballots"]:
            problems.append(
                f"{label}: {load.acknowledged} acknowledged, {rows['participations']} participations, "
                f"{rows['ballots']} ballots"
            )
    result = {
        "voters": args.voters,
        "db": args.db,
        "acknowledged": burst_load.acknowledged,
        "participations": burst_rows["participations"],
        "ballots": burst_rows["ballots"],
        "server_errors": burst_load.server_errors + capacity_load.server_errors,
        "p50_ms": round(percentile(burst_load.times_ms, 50), 1),
        "p99_ms": round(percentile(burst_load.times_ms, 99), 1),
        "pgbench_tps": round(pgbench_tps, 1) if pgbench_tps is not None else None,
        "cast_per_s": round(cast_per_s, 1),
        "count_s": round(count_s, 2),
    }
    return result, problems


def report(result: dict[str, Any]) -> None:
    ratio = result["cast_per_s"] / result["pgbench_tps"] if result["pgbench_tps"] else None
    checks = [
        (
            "nothing lost, nothing doubled",
            result["acknowledged"] == result["participations"] == result["ballots"] == result["voters"],
        ),
        ("no server errors", result["server_errors"] == 0),
        (
            f"p99 ≤ {P99_MS:.0f} ms" + (" (target set for PostgreSQL)" if result["db"] == "sqlite" else ""),
            result["p99_ms"] <= P99_MS,
        ),
        (f"count ≤ {COUNT_SECONDS:.0f} s", result["count_s"] <= COUNT_SECONDS),
    ]
    if ratio is not None:
        checks.append((f"casting at ≥ {CAST_RATIO} of pgbench (measured {ratio:.2f})", ratio >= CAST_RATIO))
    print(f"\n  {'figure':<16}{'value':>12}")
    for key in (
        "acknowledged",
        "participations",
        "ballots",
        "server_errors",
        "p50_ms",
        "p99_ms",
        "pgbench_tps",
        "cast_per_s",
        "count_s",
    ):
        print(f"  {key:<16}{result[key]!s:>12}")
    print()
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    print(flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=2000, help="eligible members who all cast (2000)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres", help="database (postgres)")
    parser.add_argument("--burst", type=float, default=10.0, help="seconds over which the voters arrive (10)")
    parser.add_argument("--concurrency", type=int, default=64, help="phones at a time for the capacity run (64)")
    parser.add_argument("--db-name", default=PG_BENCH_DB, help=f"throwaway PostgreSQL database ({PG_BENCH_DB})")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "ARG"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        task, argument = args.child
        result = child_seed(int(argument)) if task == "seed" else child_count(json.loads(argument))
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0
    if args.db == "postgres" and not answers(PG_PORT):
        print(f"ballot_load: PostgreSQL does not answer on {HOST}:{PG_PORT}", file=sys.stderr)
        return 2
    try:
        result, problems = run(args)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
        print(f"ballot_load: {error}", file=sys.stderr)
        return 2
    report(result)
    for problem in problems:
        print(f"  PROBLEM  {problem}")
    print(json.dumps(result), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
