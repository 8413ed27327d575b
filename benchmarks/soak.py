"""Soak (issue 16): a convention held for a long time — phones on a live meeting, three ballots, a busy chair.

    python benchmarks/soak.py [--minutes 30] [--phones 1000] [--voters 1000] [--db postgres|sqlite]

A throwaway database (`rankandfile_soak_bench` on PostgreSQL at 127.0.0.1:5432, or a temporary SQLite file) with
one unit of members, each with a logged-in session; a chair with `chair_meetings` and `manage_ballots` (second
factor verified in the session, an API token for the ballots); an open meeting; three draft ballots (STV, 8
candidates, 3 seats). The server runs as `make serve` runs it: two uvicorn workers on PostgreSQL (Redis pub/sub
when it answers on 127.0.0.1:6379; `REDIS_URL` if set, else its database 0), one on SQLite.

For `--minutes`: `--phones` WebSocket clients follow the meeting the whole time; every `--chair-every` seconds
(3) a member raises a hand and the chair calls the next speaker and ends the speech, and every phone must receive
each action's version within 15 s (else a lost update). At 20 %, 50 % and 80 % of the time the chair opens a
ballot, `--voters` members cast it over `--vote-window` seconds, and the chair closes it: the count must equal the
acknowledged casts. The server's memory (all its processes) is sampled every 5 s; the first quarter is warm-up,
and growth is the mean of the last three samples against the sample at the end of warm-up (target ≤ 10 %).

It prints its figures and ends with one JSON line: {"minutes", "phones", "voters", "chair_actions",
"lost_updates", "errors", "casts", "ballots_ok", "rss_warm_mb", "rss_end_mb", "rss_growth_pct", "load_average"}.
Exit 0 when it ran (targets met or not: it reports PASS/FAIL), 2 when it could not run. Every wait has a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _harness import (
    HOST,
    PG_PORT,
    ROOT,
    answers,
    free_port,
    rss_mb,
    say,
    start_server,
    stop,
    throwaway_database,
    wait_until_serving,
)
from ballot_load import CANDIDATES, paper
from ballot_load import request as form_post
from crash_vote import post as api_post
from meeting_load import Board, Http, Phase, connect_all, raise_fd_limit, wait_for_version

PYTHON = sys.executable
DB_NAME = "rankandfile_soak_bench"
REDIS_URL = f"redis://{HOST}:6379/0"
RESULT_PREFIX = "RESULT "
GROWTH_TARGET_PCT = 10.0
UPDATE_DEADLINE = 15.0


# --------------------------------------------------------------------------------------------------------------
# Child process: the seed
# --------------------------------------------------------------------------------------------------------------
def child_seed(members_n: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from rankandfile.ballots import services as ballots
    from rankandfile.meetings import services as meetings
    from rankandfile.meetings.models import Meeting
    from rankandfile.org import services as org_services
    from rankandfile.org.domain.api_tokens import MANAGE, READ
    from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit
    from rankandfile.testing import enrol_second_factor

    call_command("migrate", verbosity=0, interactive=False)
    unit = Unit.objects.create(name="Convention", slug="convention", path="convention", depth=0, kind="national")
    day = timezone.localdate()
    unusable = "!"  # no password: members are logged in by the sessions made below
    members = Member.objects.bulk_create(
        Member(email=f"delegate{i}@example.org", full_name=f"Delegate {i:05d}", password=unusable)
        for i in range(members_n)
    )
    chair = Member.objects.create(email="chair@example.org", full_name="Convention Chair", password=unusable)
    Membership.objects.bulk_create([Membership(member=m, unit=unit, joined_on=day) for m in [*members, chair]])
    role = RoleType.objects.create(
        unit=unit, name="Convention chair", capabilities=["chair_meetings", "manage_ballots"]
    )
    RoleTerm.objects.create(role_type=role, holder=chair, starts_on=day, how_filled="elected")
    device = enrol_second_factor(chair).device
    backend = "rankandfile.org.auth.ThrottledEmailBackend"

    def session(member: Any, **extra: str) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(member.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = member.get_session_auth_hash()
        for key, value in extra.items():
            store[key] = value
        store.create()
        return str(store.session_key)

    meeting = meetings.meeting_create(
        actor=chair,
        unit=unit,
        title="Convention, day one",
        starts_at=timezone.now(),
        mode=Meeting.Mode.ONLINE,
        online_link="https://meet.example.org/convention",
        chair=chair,
        agenda=["Opening", "Standing orders", "Elections"],
    )
    meetings.meeting_open(actor=chair, meeting=meeting)
    ballot_ids = [
        ballots.ballot_create(
            actor=chair, unit=unit, title=f"Committee election {n}", kind="election", method="stv-scottish",
            seats=3, mode="in_meeting", cutoff_on=day, options=[ballots.OptionSpec(c) for c in CANDIDATES],
        ).pk
        for n in (1, 2, 3)
    ]  # fmt: skip
    return {
        "meeting": meeting.pk,
        "ballots": ballot_ids,
        "sessions": [session(m) for m in members],
        "chair_session": session(chair, **{DEVICE_ID_SESSION_KEY: device.persistent_id}),
        "chair_token": org_services.api_token_create(member=chair, name="soak", scopes=(READ, MANAGE))[1],
    }


# --------------------------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------------------------
def server_env(database_url: str, db: str, folder: str) -> dict[str, str]:
    env = {
        **os.environ,
        "STATIC_ROOT": folder,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "rankandfile.settings",
        "SECRET_KEY": "soak-benchmark-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "RANKANDFILE_PLAIN_STATIC": "1",
        "RANKANDFILE_VAR_DIR": folder,
        "PYTHONPATH": str(ROOT),
    }
    redis_url = env.pop("REDIS_URL", None) or REDIS_URL
    if db == "postgres" and answers(6379):
        env["REDIS_URL"] = redis_url
    return env


def group_pids(group: int) -> list[int]:
    """Every process of the server's process group (uvicorn's parent and its workers)."""
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == group:
                pids.append(int(entry.name))
    return pids


# --------------------------------------------------------------------------------------------------------------
# The convention
# --------------------------------------------------------------------------------------------------------------
class Convention:
    def __init__(self, args: argparse.Namespace, seeded: dict[str, Any], port: int, group: int) -> None:
        self.args, self.seeded, self.port, self.group = args, seeded, port, group
        self.rng = random.Random(16)
        self.http = Http()
        self.board = Board()
        self.phase = Phase()
        self.newest = 0
        self.chair_actions = 0
        self.errors: dict[str, int] = {}
        self.casts = 0
        self.ballots_ok = 0
        self.samples: list[tuple[float, float]] = []  # (seconds since start, MB)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    async def chair(self, path: str) -> None:
        meeting = self.seeded["meeting"]
        status, headers, _sent, at = await self.http.post(
            self.port, f"/meetings/{meeting}/{path}/", self.seeded["chair_session"]
        )
        if status != 200:
            self.error(f"chair {path}: HTTP {status}")
            return
        version = int(headers.get("x-meeting-version", 0))
        self.newest = max(self.newest, version)
        self.chair_actions += 1
        await wait_for_version(self.board, self.clients, version, UPDATE_DEADLINE, [(self.phase, at)])

    async def chair_loop(self, until: float) -> None:
        sessions = self.seeded["sessions"]
        meeting = self.seeded["meeting"]
        for turn in range(1_000_000):  # bounded by the clock
            if time.monotonic() >= until:
                return
            speaker = sessions[turn % len(sessions)]
            stance = self.rng.choice(["for", "against", "neutral", "question"])
            status, _h, _s, _a = await self.http.post(
                self.port, f"/meetings/{meeting}/hand/raise/", speaker, f"stance={stance}"
            )
            if status not in (200, 422):
                self.error(f"hand raise: HTTP {status}")
            await self.chair("speech/next")
            await asyncio.sleep(self.args.chair_every / 2)
            await self.chair("speech/end")
            await asyncio.sleep(self.args.chair_every / 2)

    async def ballot(self, ballot: int) -> None:
        token = self.seeded["chair_token"]
        status, body, _ms = await api_post(self.port, f"/api/v1/ballots/{ballot}/open", token, b"{}")
        if status != 200:
            self.error(f"ballot open: HTTP {status}")
            return
        voters = self.seeded["sessions"][: self.args.voters]
        window = self.args.vote_window
        start = time.perf_counter()
        acknowledged = 0
        gate = asyncio.Semaphore(64)

        async def voter(at: float, session: str, marks: bytes) -> None:
            nonlocal acknowledged
            await asyncio.sleep(max(0.0, at - (time.perf_counter() - start)))
            async with gate:
                code, _ms = await form_post(self.port, "POST", f"/ballots/{ballot}/cast/", session, marks)
            if code == 200:
                acknowledged += 1
            else:
                self.error(f"cast: HTTP {code}")

        plan = [(self.rng.uniform(0, window), s, paper(self.rng)) for s in voters]
        await asyncio.gather(*(voter(*p) for p in plan))
        self.casts += acknowledged
        status, body, _ms = await api_post(self.port, f"/api/v1/ballots/{ballot}/close", token, b"")
        counted = json.loads(body).get("cast") if status == 200 else None
        if counted == acknowledged == len(voters):
            self.ballots_ok += 1
        else:
            self.error(f"ballot {ballot}: {acknowledged} acknowledged of {len(voters)}, close {status} cast {counted}")
        say(f"ballot {ballot}: {acknowledged} cast over {window:.0f} s, closed ({status}), counted {counted}")

    async def sample_memory(self, until: float, started: float) -> None:
        while time.monotonic() < until:
            self.samples.append((time.monotonic() - started, rss_mb(group_pids(self.group))))
            await asyncio.sleep(5)

    async def run(self) -> None:
        meeting = self.seeded["meeting"]
        urls = [
            (f"ws://{HOST}:{self.port}/ws/meetings/{meeting}/", self.port, {"Cookie": f"sessionid={s}"})
            for s in self.seeded["sessions"][: self.args.phones]
        ]
        self.clients, failed, ramp = await connect_all(self.board, urls, concurrency=50, cap=300)
        if failed:
            self.errors["connect failed"] = failed
        say(f"{len(self.clients)} phones connected in {ramp:.1f} s ({failed} failed)")
        started = time.monotonic()
        until = started + self.args.minutes * 60
        memory = asyncio.ensure_future(self.sample_memory(until, started))
        chair = asyncio.ensure_future(self.chair_loop(until))
        for share, ballot in zip((0.2, 0.5, 0.8), self.seeded["ballots"], strict=True):
            await asyncio.sleep(max(0.0, started + share * self.args.minutes * 60 - time.monotonic()))
            await self.ballot(ballot)
        await asyncio.gather(chair, memory)
        final = Phase()
        await wait_for_version(self.board, self.clients, self.newest, UPDATE_DEADLINE, [(final, time.perf_counter())])
        self.lost = len(self.phase.missed | final.missed) + (len(urls) - len(self.clients))
        if self.board.dropped:
            self.errors["sockets dropped"] = self.board.dropped
        if self.http.failures:
            for what, n in self.http.detail.items():
                self.errors[what] = self.errors.get(what, 0) + n
        for client in self.clients:
            client.close()


def figures(convention: Convention, args: argparse.Namespace) -> dict[str, Any]:
    warm_until = args.minutes * 60 * 0.25
    warm = [mb for at, mb in convention.samples if at <= warm_until]
    rss_warm = warm[-1] if warm else float("nan")
    rss_end = sum(mb for _at, mb in convention.samples[-3:]) / max(1, len(convention.samples[-3:]))
    return {
        "minutes": args.minutes,
        "phones": args.phones,
        "voters": args.voters,
        "chair_actions": convention.chair_actions,
        "lost_updates": convention.lost,
        "errors": sum(convention.errors.values()),
        "casts": convention.casts,
        "ballots_ok": convention.ballots_ok,
        "rss_warm_mb": round(rss_warm, 1),
        "rss_end_mb": round(rss_end, 1),
        "rss_growth_pct": round((rss_end - rss_warm) / rss_warm * 100, 1) if rss_warm else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    raise_fd_limit()
    workers = 2 if args.db == "postgres" else 1
    print(f"=== soak: {args.minutes} min, {args.phones} phones, 3 ballots of {args.voters}, {args.db}, "
          f"{workers} uvicorn worker(s)", flush=True)  # fmt: skip
    say("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as folder, throwaway_database(args.db, args.db_name) as database_url:
        env = server_env(database_url, args.db, folder)
        started = time.perf_counter()
        completed = subprocess.run(
            [PYTHON, __file__, "--child-seed", str(max(args.phones, args.voters))],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False,
        )  # fmt: skip
        line = next((ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_PREFIX)), None)
        if line is None:
            raise RuntimeError(f"the seed failed: {completed.stderr[-3000:]}")
        seeded = json.loads(line[len(RESULT_PREFIX) :])
        say(f"seeded in {time.perf_counter() - started:.0f} s")
        port = free_port()
        command = [
            PYTHON, "-m", "uvicorn", "rankandfile.asgi:application", "--host", HOST, "--port", str(port),
            "--workers", str(workers), "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
            "--http", "httptools", "--loop", "uvloop", "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        server = start_server("uvicorn", command, port=port, env=env, log=Path(folder) / "server.log")
        try:
            wait_until_serving(server, timeout=90, http_path="/accounts/login/")
            convention = Convention(args, seeded, port, server.pid)
            with contextlib.suppress(ImportError):
                import uvloop

                asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
            asyncio.run(asyncio.wait_for(convention.run(), args.minutes * 60 + 900))
            tracebacks = server.log_tail(10**7).count("Traceback")
            if tracebacks:
                convention.errors["server tracebacks"] = tracebacks
                print(server.log_tail(3000))
        finally:
            stop([server])
    result = figures(convention, args)
    for what, n in sorted(convention.errors.items()):
        say(f"error: {what} × {n}")
    say("memory (MB) every 5 s: " + " ".join(f"{mb:.0f}" for _at, mb in convention.samples))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long the convention lasts (30)")
    parser.add_argument("--phones", type=int, default=1000, help="WebSocket clients on the meeting (1000)")
    parser.add_argument("--voters", type=int, default=1000, help="members casting each of the three ballots (1000)")
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--chair-every", type=float, default=3.0, help="seconds between the chair's actions (3)")
    parser.add_argument("--vote-window", type=float, default=60.0, help="seconds over which a ballot is cast (60)")
    parser.add_argument("--db-name", default=DB_NAME, help=f"throwaway PostgreSQL database ({DB_NAME})")
    parser.add_argument("--child-seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_seed:
        sys.path.insert(0, str(ROOT))
        print(RESULT_PREFIX + json.dumps(child_seed(args.child_seed)), flush=True)
        return 0
    if args.db == "postgres" and not answers(PG_PORT):
        print(f"soak: PostgreSQL does not answer on {HOST}:{PG_PORT} (or use --db sqlite)", file=sys.stderr)
        return 2
    try:
        result = run(args)
    except (RuntimeError, subprocess.TimeoutExpired, OSError, TimeoutError) as error:
        print(f"soak: {error}", file=sys.stderr)
        return 2
    checks = [
        ("no lost update", result["lost_updates"] == 0),
        ("no error", result["errors"] == 0),
        ("three ballots counted as cast", result["ballots_ok"] == 3),
        (f"memory growth after warm-up ≤ {GROWTH_TARGET_PCT:.0f} %", (result["rss_growth_pct"] or 0) <= 10.0),
    ]
    print()
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
