"""Crash test (issue 16): the server is killed with SIGKILL in the middle of a burst of votes, and restarted.

    python benchmarks/crash_vote.py [--voters 1000] [--kill-at 0.4] [--concurrency 32]

PostgreSQL only: a throwaway database `rankandfile_crash_bench` on 127.0.0.1:5432 (dropped afterwards), migrated and
seeded with N members of one unit, each with an API token, and an open ranked ballot. The server runs as `make
serve` runs it: uvicorn with two workers, in a process group of its own, with Redis pub/sub when it answers on
127.0.0.1:6379 (`REDIS_URL` if set, else its database 0). Phones cast through `POST /api/v1/ballots/{id}/cast`,
`--concurrency` at a time; when `--kill-at` of the voters have been answered, the whole server (both workers and
their parent) gets SIGKILL with casts in flight. Then:

1. The check: every acknowledged cast (201, with its receipt) is present exactly once — its participation and the
   paper with its receipt — and nothing else is: a participation or paper nobody was answered for can only be a
   cast in flight at the kill (`unacknowledged_present`: committed, its answer lost), never one not sent.
   Participations and papers add up (a cast is one transaction).
2. The server restarts; the voters not acknowledged cast again, as a phone retries. Those whose first cast was
   committed are refused (422, already voted); everyone else is acknowledged. Then every voter is present once.
3. The chair closes the ballot over the API: the count's total equals the voters.

It ends with one JSON line: {"acknowledged", "present_once", "missing", "doubled", "unacknowledged_present"}
(figures of step 1). Exit 0 when nothing is missing or doubled, 1 when something is, 2 when it could not run.
Every wait has a deadline; the server and the database are removed on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _harness import (
    HOST,
    PG_PORT,
    ROOT,
    Server,
    answers,
    free_port,
    percentile,
    say,
    start_server,
    stop,
    throwaway_database,
    wait_until_serving,
)

PYTHON = sys.executable
DB_NAME = "rankandfile_crash_bench"
REDIS_URL = f"redis://{HOST}:6379/0"
CANDIDATES = ["Amara", "Bilal", "Carmen", "Dmitri", "Esther"]
RESULT_PREFIX = "RESULT "
REQUEST_TIMEOUT = 30.0
SERVER_START_TIMEOUT = 90.0


# --------------------------------------------------------------------------------------------------------------
# Child process: Django on the throwaway database (seed, inspect)
# --------------------------------------------------------------------------------------------------------------
def child_seed(voters: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from rankandfile.ballots import services
    from rankandfile.org import services as org_services
    from rankandfile.org.domain.api_tokens import MANAGE, READ, VOTE
    from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit

    call_command("migrate", verbosity=0, interactive=False)
    unit = Unit.objects.create(name="Convention", slug="convention", path="convention", depth=0, kind="national")
    day = timezone.localdate()
    unusable = "!"  # no password: the phones use API tokens
    members = Member.objects.bulk_create(
        Member(email=f"delegate{i}@example.org", full_name=f"Delegate {i:05d}", password=unusable)
        for i in range(voters)
    )
    chair = Member.objects.create(email="chair@example.org", full_name="Convention Chair", password=unusable)
    Membership.objects.bulk_create([Membership(member=m, unit=unit, joined_on=day) for m in [*members, chair]])
    role = RoleType.objects.create(unit=unit, name="Convention chair", capabilities=["manage_ballots"])
    RoleTerm.objects.create(role_type=role, holder=chair, starts_on=day, how_filled="elected")
    draft = services.ballot_create(
        actor=chair,
        unit=unit,
        title="Standing orders committee",
        kind="election",
        method="irv",
        seats=1,
        mode="in_meeting",
        cutoff_on=day,
        options=[services.OptionSpec(name) for name in CANDIDATES],
    )
    ballot = services.ballot_open(actor=chair, ballot=draft)
    tokens = {m.pk: org_services.api_token_create(member=m, name="crash", scopes=(READ, VOTE))[1] for m in members}
    chair_token = org_services.api_token_create(member=chair, name="crash", scopes=(READ, MANAGE))[1]
    return {"ballot": ballot.pk, "tokens": tokens, "chair_token": chair_token}


def child_inspect(ballot_id: int) -> dict[str, Any]:
    import django

    django.setup()
    from rankandfile.ballots.models import CastBallot, Participation, PublishedBallot

    return {
        "participations": list(Participation.objects.filter(ballot_id=ballot_id).values_list("member_id", flat=True)),
        "receipts": list(CastBallot.objects.filter(ballot_id=ballot_id).values_list("receipt", flat=True))
        + list(PublishedBallot.objects.filter(ballot_id=ballot_id).values_list("receipt", flat=True)),
    }


def run_child(env: dict[str, str], task: str, argument: str, timeout: float) -> dict[str, Any]:
    completed = subprocess.run(
        [PYTHON, __file__, "--child", task, argument],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    raise RuntimeError(f"child {task} failed ({completed.returncode}):\n{completed.stderr[-3000:]}")


# --------------------------------------------------------------------------------------------------------------
# The server, as `make serve` runs it
# --------------------------------------------------------------------------------------------------------------
def server_env(database_url: str, static_root: str) -> dict[str, str]:
    env = {
        **os.environ,
        "STATIC_ROOT": static_root,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "rankandfile.settings",
        "SECRET_KEY": "crash-benchmark-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "RANKANDFILE_PLAIN_STATIC": "1",
        "PYTHONPATH": str(ROOT),
    }
    redis_url = env.pop("REDIS_URL", None) or REDIS_URL  # yours if set, else database 0
    if answers(6379):
        env["REDIS_URL"] = redis_url
    return env


def start(env: dict[str, str], port: int, log: str) -> Server:
    command = [
        PYTHON, "-m", "uvicorn", "rankandfile.asgi:application", "--host", HOST, "--port", str(port),
        "--workers", "2", "--ws", "websockets-sansio", "--http", "httptools", "--loop", "uvloop",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    server = start_server("uvicorn", command, port=port, env=env, log=Path(log))
    wait_until_serving(server, timeout=SERVER_START_TIMEOUT, http_path="/accounts/login/")
    return server


# --------------------------------------------------------------------------------------------------------------
# The phones
# --------------------------------------------------------------------------------------------------------------
async def post(port: int, path: str, token: str, body: bytes) -> tuple[int, bytes, float]:
    """(status, body, ms) of one request on a fresh connection; status 0 when the connection failed."""
    start_at = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), REQUEST_TIMEOUT)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT)
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        return 0, b"", (time.perf_counter() - start_at) * 1000
    status = int(response[9:12]) if response.startswith(b"HTTP/1.") and len(response) >= 12 else 0
    return status, response.partition(b"\r\n\r\n")[2], (time.perf_counter() - start_at) * 1000


@dataclass
class Burst:
    receipts: dict[int, str] = field(default_factory=dict)  # member id -> receipt, for each 201
    refused: set[int] = field(default_factory=set)  # 422: already voted
    failed: set[int] = field(default_factory=set)  # no answer, or another status
    statuses: Counter[int] = field(default_factory=Counter)
    times_ms: list[float] = field(default_factory=list)
    stopped: bool = False  # no new cast starts (the server was killed)


def marks(rng: random.Random) -> bytes:
    return json.dumps({"marks": rng.sample(CANDIDATES, rng.randint(1, len(CANDIDATES)))}).encode()


async def cast_all(
    port: int,
    ballot: int,
    voters: list[tuple[int, str]],
    concurrency: int,
    *,
    seed: int,
    kill: Server | None = None,
    kill_after: int = 0,
) -> tuple[Burst, list[tuple[int, str]]]:
    """Cast for each voter, `concurrency` phones at a time. With `kill`, that server gets SIGKILL as soon as
    `kill_after` casts are acknowledged, with the others in flight; no new cast starts after it. Returns the burst
    and the voters never sent."""
    rng = random.Random(seed)
    burst = Burst()
    queue = list(reversed(voters))
    path = f"/api/v1/ballots/{ballot}/cast"

    async def phone() -> None:
        while queue and not burst.stopped:
            member, token = queue.pop()
            status, body, ms = await post(port, path, token, marks(rng))
            burst.statuses[status] += 1
            if status == 201:
                burst.receipts[member] = json.loads(body)["receipt"]
                burst.times_ms.append(ms)
                if kill is not None and not burst.stopped and len(burst.receipts) >= kill_after:
                    burst.stopped = True
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(kill.pid, signal.SIGKILL)  # the parent and both workers, casts in flight
            elif status == 422 and b"already" in body:
                burst.refused.add(member)
            else:
                burst.failed.add(member)

    await asyncio.gather(*(phone() for _ in range(concurrency)))
    return burst, list(reversed(queue))


# --------------------------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------------------------
def check(burst: Burst, found: dict[str, Any], sent: set[int]) -> tuple[dict[str, int], list[str]]:
    """Step 1's figures: each acknowledged cast present once (participation and receipt), nothing else."""
    participations = Counter(found["participations"])
    receipts = Counter(found["receipts"])
    acknowledged = burst.receipts
    present_once = sum(
        1 for member, receipt in acknowledged.items() if participations[member] == 1 and receipts[receipt] == 1
    )
    missing = sum(
        1 for member, receipt in acknowledged.items() if participations[member] == 0 or receipts[receipt] == 0
    )
    doubled = sum(n - 1 for n in participations.values() if n > 1) + sum(n - 1 for n in receipts.values() if n > 1)
    unacknowledged = [m for m in participations if m not in acknowledged]
    problems = []
    never_sent = [m for m in unacknowledged if m not in sent]
    if never_sent:
        problems.append(f"{len(never_sent)} participations of voters who never sent a cast")
    if sum(participations.values()) != sum(receipts.values()):
        problems.append(f"{sum(participations.values())} participations but {sum(receipts.values())} papers")
    figures = {
        "acknowledged": len(acknowledged),
        "present_once": present_once,
        "missing": missing,
        "doubled": doubled,
        "unacknowledged_present": len(unacknowledged),
    }
    return figures, problems


def run(args: argparse.Namespace) -> tuple[dict[str, int], list[str]]:
    problems: list[str] = []
    print(
        f"=== crash_vote: {args.voters} voters, PostgreSQL, SIGKILL after {args.kill_at:.0%} acknowledged", flush=True
    )
    say("load average before: {:.2f} {:.2f} {:.2f} (other work on this machine skews every time)".format(
        *os.getloadavg()))  # fmt: skip
    with throwaway_database("postgres", DB_NAME) as database_url, tempfile.TemporaryDirectory() as folder:
        env = server_env(database_url, folder)
        say("live counts through " + ("Redis pub/sub" if "REDIS_URL" in env else "the in-memory channel layer"))
        started = time.perf_counter()
        seeded = run_child(env, "seed", str(args.voters), timeout=900)
        ballot = seeded["ballot"]
        voters = [(int(member), token) for member, token in seeded["tokens"].items()]
        say(f"seeded {args.voters} members with API tokens and an open ballot in {time.perf_counter() - started:.1f} s")
        kill_after = max(1, int(args.voters * args.kill_at))
        port = free_port()
        server = start(env, port, f"{folder}/server-1.log")
        try:
            started = time.perf_counter()
            burst, unsent = asyncio.run(
                cast_all(port, ballot, voters, args.concurrency, seed=1, kill=server, kill_after=kill_after)
            )
            server.process.wait(timeout=15)
            say(
                f"burst: {len(burst.receipts)} acknowledged, then SIGKILL; {len(burst.failed)} in flight got no "
                f"answer, {len(unsent)} not sent yet ({time.perf_counter() - started:.1f} s); "
                f"statuses {dict(sorted(burst.statuses.items()))}"
            )
        finally:
            stop([server])
        sent = {m for m, _t in voters} - {m for m, _t in unsent}
        found = run_child(env, "inspect", str(ballot), timeout=120)
        figures, found_problems = check(burst, found, sent)
        problems += found_problems
        say(f"after the kill: {json.dumps(figures)}")

        server = start(env, port, f"{folder}/server-2.log")
        try:
            say("restarted; the voters not acknowledged cast again")
            retry = [(m, t) for m, t in voters if m not in burst.receipts]
            again, _ = asyncio.run(cast_all(port, ballot, retry, args.concurrency, seed=2))
            say(
                f"retries: {len(again.receipts)} acknowledged, {len(again.refused)} refused as already voted "
                f"(committed at the kill, answer lost), {len(again.failed)} failed"
            )
            if again.failed:
                problems.append(f"{len(again.failed)} retries failed after the restart")
            if len(again.refused) != figures["unacknowledged_present"]:
                problems.append(
                    f"{len(again.refused)} retries refused as already voted, "
                    f"{figures['unacknowledged_present']} unacknowledged casts present"
                )
            final = run_child(env, "inspect", str(ballot), timeout=120)
            everyone = Counter(final["participations"])
            if sorted(everyone) != sorted(m for m, _t in voters) or any(n != 1 for n in everyone.values()):
                problems.append(f"after the retries {len(everyone)} of {len(voters)} voters present once")
            if len(final["receipts"]) != len(voters):
                problems.append(f"after the retries {len(final['receipts'])} papers for {len(voters)} voters")
            status, body, _ms = asyncio.run(post(port, f"/api/v1/ballots/{ballot}/close", seeded["chair_token"], b""))
            closed = json.loads(body) if status == 200 else {}
            if closed.get("cast") != len(voters):
                problems.append(f"the close answered {status} with {closed.get('cast')} cast for {len(voters)} voters")
            else:
                say(f"closed and counted: {closed['cast']} ballots, winner {closed['winners']}")
            say(f"p50/p99 of acknowledged casts before the kill: {percentile(burst.times_ms, 50):.0f} / "
                f"{percentile(burst.times_ms, 99):.0f} ms")  # fmt: skip
        finally:
            stop([server])
        say("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return figures, problems


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1000, help="members who cast (1000)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of voters acknowledged at the kill (0.4)")
    parser.add_argument("--concurrency", type=int, default=32, help="phones casting at a time (32)")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "ARG"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        task, argument = args.child
        result = child_seed(int(argument)) if task == "seed" else child_inspect(int(argument))
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0
    if not answers(PG_PORT):
        print(
            f"crash_vote: PostgreSQL does not answer on {HOST}:{PG_PORT} (this test is PostgreSQL's)", file=sys.stderr
        )
        return 2
    try:
        figures, problems = run(args)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
        print(f"crash_vote: {error}", file=sys.stderr)
        return 2
    lost_or_doubled = figures["missing"] or figures["doubled"]
    print()
    print(f"  {'PASS' if not lost_or_doubled else 'FAIL'}  every acknowledged cast present exactly once")
    print(f"  {'PASS' if not problems else 'FAIL'}  nothing else present; retries and the count add up")
    for problem in problems:
        print(f"  PROBLEM  {problem}")
    print(json.dumps(figures), flush=True)
    return 1 if lost_or_doubled or problems else 0


if __name__ == "__main__":
    sys.exit(main())
