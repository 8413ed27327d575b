"""Organization benchmark (issue 2): directory and profile pages at 100,000 members, and a 100,000-row CSV import.

    python benchmarks/org.py [--db sqlite|postgres|both] [--members N] [--units N] [--requests N]

For each database it builds a throwaway database (a temporary SQLite file, or `rankandfile_bench` on the PostgreSQL
server at 127.0.0.1:5432, created and dropped here), migrates it, bulk-seeds an organization (1 national body, about
10 districts, the rest branches; members, memberships, role types and three generations of role terms), then
requests pages in-process with Django's test client, logged in as an ordinary member:

- the unit directory (`org:directory`): different units, pages deep into the list, and searches;
- a member profile (`org:member`): different members, officers and rank-and-file.

It records server time (p50/p95, ms) and SQL queries per request. The same runs on a small organization (1,000
members by default) show whether the query count depends on the organization's size. Last, it times the import of a
generated 100,000-row CSV through `rankandfile.org.services.importing.members_import`, end to end.

Each (database, size) runs in its own child process, because Django reads DATABASE_URL once, at setup. The script
prints a table, PASS/FAIL for each target of the issue, and a final line of JSON with every figure. It exits 0 when a
target is missed (it reports) and non-zero when something fails to run.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _harness import HOST as PG_HOST
from _harness import PG_PORT, ROOT, percentile, postgres_available, say, throwaway_database

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_BENCH_DB = os.environ.get("RANKANDFILE_BENCH_DB", "rankandfile_bench")  # another name for concurrent runs
RESULT_PREFIX = "RESULT "
PER_PAGE = 50  # the directory's page size (org.selectors.directory_page)

# The targets.
MAX_QUERIES_PER_PAGE = 12
DIRECTORY_P95_MS = 150.0
DIRECTORY_DEEP_P95_MS = 50.0  # issue 12: any depth, by keyset
IMPORT_SECONDS = 60.0


def words(text: str) -> tuple[str, ...]:
    """Names separated by spaces; an underscore joins the parts of one name ("Da_Silva")."""
    return tuple(word.replace("_", " ") for word in text.split())


FIRST_NAMES = words(
    "Aisha Alejandro Amara Anders Ana Aoife Arjun Astrid Ayodele Bao Beatriz Bilal Brigid Carmen Chen "
    "Chidi Clara Dalia Daniel Deepa Diego Dmitri Elena Emeka Esther Fatima Femi Fionn Gabriel Grace Hana "
    "Hamza Hugo Ines Ingrid Isaac Jamal Jana Joao Jonas Julia Kaito Kamala Karim Kofi Lars Leila Lena "
    "Liam Lucia Maeve Malik Marek Maria Mateo Mei Mohammed Nadia Naledi Nia Nikos Noor Olga Omar Pablo "
    "Priya Rafael Rania Ravi Rosa Sami Sara Seo-yeon Sipho Sofia Tariq Thandiwe Tomas Uma Valentina "
    "Vikram Wen Yara Yusuf Zainab Zofia"
)
LAST_NAMES = words(
    "Abara Adeyemi Ahmed Alvarez Andersen Baker Bakshi Banda Bianchi Brennan Castillo Chowdhury Costa "
    "Da_Silva Dimitrov Dubois Eriksson Farouk Fernandez Fischer Gallagher Garcia Gonzalez Gupta Haddad "
    "Hansen Horvat Hussain Ibrahim Ivanova Jensen Kaminski Kang Kariuki Kelly Khan Kim Kowalski Kruger "
    "Larsen Lee Lindqvist Lopez Mahlaba Mansour Martin Mendes Moreau Murphy Mwangi Nakamura Nguyen Novak "
    "Nowak O'Brien Okafor Olsen Osei Park Patel Pereira Petrov Popescu Quinn Rahman Reyes Rossi Said "
    "Santos Schmidt Singh Sokolov Suzuki Tan Thompson Torres Van_Dijk Varga Wang Walsh Williams Wojcik "
    "Yilmaz Zhang Zulu Østergaard Ó_Súilleabháin Çelik Šimić"
)
PLACE_HEADS = words(
    "Ash Bel Brook Clay Dun Elm Fair Glen Hart Holm Iron King Lang Mill Moss Oak Pen Red Stan Thorn Wal West"
)
PLACE_TAILS = words("by field ford gate ham ley mouth stead ton wick worth")
REGIONS = words("North South East West Central Coast Highlands Valley Lakes Plains Islands Border")


# --------------------------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------------------------


@dataclass
class PageFigures:
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    load_average: tuple[float, float] = (0.0, 0.0)

    def add(self, kind: str, elapsed_ms: float, cpu_ms: float, queries: int) -> None:
        self.times_ms.append(elapsed_ms)
        self.cpu_ms.append(cpu_ms)
        self.queries.append(queries)
        self.by_kind.setdefault(kind, []).append(elapsed_ms)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": len(self.times_ms),
            "p50_ms": round(percentile(self.times_ms, 50), 1),
            "p95_ms": round(percentile(self.times_ms, 95), 1),
            "max_ms": round(max(self.times_ms), 1),
            # CPU time of this process (Django and, on SQLite, the database): what the wall time would be on an
            # idle machine, less the PostgreSQL server's own work. The load average says how idle it was.
            "cpu_p50_ms": round(percentile(self.cpu_ms, 50), 1),
            "cpu_p95_ms": round(percentile(self.cpu_ms, 95), 1),
            "load_average_1min": {"before": self.load_average[0], "after": self.load_average[1]},
            "queries_min": min(self.queries),
            "queries_max": max(self.queries),
            "by_kind": {
                kind: {
                    "requests": len(times),
                    "p50_ms": round(percentile(times, 50), 1),
                    "p95_ms": round(percentile(times, 95), 1),
                }
                for kind, times in self.by_kind.items()
            },
        }


# --------------------------------------------------------------------------------------------------------------
# Child process: one database, one organization size
# --------------------------------------------------------------------------------------------------------------


@contextmanager
def timed(label: str, into: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[label] = round(time.perf_counter() - start, 2)
    say(f"{label}: {into[label]:.1f} s")


@dataclass
class Seeded:
    national_id: int
    district_ids: list[int]
    branch_ids: list[int]
    branch_paths: list[str]
    viewer_id: int
    officer_id: int
    profile_ids: list[int]
    surnames: list[str]
    branch_words: list[str]
    active_in_national: int
    active_in_district: dict[int, int]
    active_in_branch: dict[int, int]
    memberships: int
    role_terms: int


def seed(n_members: int, n_units: int, rng: random.Random) -> Seeded:
    """Bulk-insert the organization: a few statements per thousand rows, no services, no audit entries."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from rankandfile.org.domain.capabilities import (
        ACCOUNTABILITY_COMMITTEE,
        CHAIR_MEETINGS,
        MANAGE_BALLOTS,
        MANAGE_MEMBERS,
        MANAGE_ROLES,
        MANAGE_UNITS,
    )
    from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit

    today = timezone.localdate()
    n_units = max(n_units, 3)
    n_districts = min(10, max(1, (n_units - 1) // 10))
    n_branches = n_units - 1 - n_districts
    batch = 2000

    with transaction.atomic():
        national = Unit.objects.create(name="National", slug="national", kind="national", path="national", depth=0)
        districts = Unit.objects.bulk_create(
            [
                Unit(
                    name=f"{REGIONS[i % len(REGIONS)]} District" + (f" {i // len(REGIONS) + 1}" if i >= 12 else ""),
                    slug=f"district-{i + 1}",
                    kind="district",
                    parent=national,
                    path=f"national/district-{i + 1}",
                    depth=1,
                )
                for i in range(n_districts)
            ]
        )
        branch_units = []
        for i in range(n_branches):
            district = districts[i % n_districts]
            name = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)
            slug = f"{slugify(name)}-{i + 1}"
            branch_units.append(
                Unit(
                    name=f"{name} Branch {i + 1}",
                    slug=slug,
                    kind="branch",
                    parent=district,
                    path=f"{district.path}/{slug}",
                    depth=2,
                )
            )
        branches = Unit.objects.bulk_create(branch_units, batch_size=batch)
        branch_district = {b.pk: b.parent_id for b in branches}

        members = Member.objects.bulk_create(
            [
                Member(
                    email=f"member{i:06d}@bench.example.org",
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    phone=f"+44 7700 {i % 1000000:06d}",
                    pronouns=rng.choice(("", "", "", "she/her", "he/him", "they/them")),
                    password="!bench-unusable",  # noqa: S106  an unusable password (starts with "!")
                )
                for i in range(n_members)
            ],
            batch_size=batch,
        )

        memberships: list[Membership] = []
        members_of_branch: dict[int, list[int]] = {b.pk: [] for b in branches}
        active_branch: dict[int, int] = dict.fromkeys(members_of_branch, 0)
        statuses = [Membership.Status.ACTIVE] * 90 + [Membership.Status.LAPSED] * 6 + [Membership.Status.LEFT] * 4
        for i, member in enumerate(members):
            homes = [branches[i % n_branches]]
            if i % 25 == 7 and n_branches > 1:  # one member in 25 belongs to a second branch
                homes.append(branches[(i * 7 + 3) % n_branches])
                if homes[1].pk == homes[0].pk:
                    homes.pop()
            for unit in homes:
                status = Membership.Status.ACTIVE if i == 0 else rng.choice(statuses)
                joined = today - dt.timedelta(days=rng.randint(30, 3650))
                changed = joined + dt.timedelta(days=rng.randint(1, 29)) if status != Membership.Status.ACTIVE else None
                memberships.append(
                    Membership(
                        member=member,
                        unit=unit,
                        status=status,
                        joined_on=joined,
                        status_changed_on=changed,
                        left_on=changed if status == Membership.Status.LEFT else None,
                    )
                )
                members_of_branch[unit.pk].append(member.pk)
                if status == Membership.Status.ACTIVE:
                    active_branch[unit.pk] += 1
        Membership.objects.bulk_create(memberships, batch_size=batch)

        branch_caps = [CHAIR_MEETINGS, MANAGE_MEMBERS]
        district_caps = [MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_UNITS, CHAIR_MEETINGS]
        national_caps = [MANAGE_UNITS, MANAGE_MEMBERS, MANAGE_ROLES, CHAIR_MEETINGS, MANAGE_BALLOTS]
        role_types = [
            RoleType(unit=national, name="National secretary", seats=1, term_months=24, capabilities=national_caps),
            RoleType(unit=national, name="Accountability committee", seats=5, term_months=24, term_limit=2,
                     capabilities=[ACCOUNTABILITY_COMMITTEE]),
        ]  # fmt: skip
        for district in districts:
            role_types.append(
                RoleType(unit=district, name="District organizer", seats=2, term_months=24, capabilities=district_caps)
            )
        for branch in branches:
            role_types.append(
                RoleType(
                    unit=branch, name="Branch chair", seats=1, term_months=12, term_limit=3, capabilities=branch_caps
                )
            )
            role_types.append(RoleType(unit=branch, name="Branch secretary", seats=1, term_months=12))
        role_types = RoleType.objects.bulk_create(role_types, batch_size=batch)

        # Three generations of terms per seat: two ended, one current. Member 0 (the viewer) holds no role.
        everyone = [m.pk for m in members[1:]] or [members[0].pk]
        terms: list[RoleTerm] = []
        officer_id = 0
        for role_type in role_types:
            pool = members_of_branch.get(role_type.unit_id) or everyone
            pool = [pk for pk in pool if pk != members[0].pk] or everyone
            for _seat in range(role_type.seats):
                for generation in (2, 1, 0):
                    starts = today - dt.timedelta(days=365 * generation + rng.randint(10, 60))
                    how = rng.choices(
                        (RoleTerm.Filled.ELECTED, RoleTerm.Filled.ACCLAIMED, RoleTerm.Filled.APPOINTED), (60, 25, 15)
                    )[0]
                    holder = rng.choice(pool)
                    terms.append(
                        RoleTerm(
                            role_type=role_type,
                            holder_id=holder,
                            starts_on=starts,
                            ends_on=starts + dt.timedelta(days=365),
                            how_filled=how,
                            appointed_by_id=rng.choice(everyone) if how == RoleTerm.Filled.APPOINTED else None,
                            reason="Seat vacant after resignation; no candidate stood."
                            if how == RoleTerm.Filled.APPOINTED
                            else "",
                        )
                    )
                    if role_type.name == "National secretary" and generation == 0:
                        officer_id = holder
        RoleTerm.objects.bulk_create(terms, batch_size=batch)

    active_district: dict[int, int] = dict.fromkeys((d.pk for d in districts), 0)
    for branch_id, count in active_branch.items():
        active_district[branch_district[branch_id]] += count
    holders = list({t.holder_id for t in terms})
    rng.shuffle(holders)
    profiles = holders[:50] + [rng.choice(members).pk for _ in range(150)]
    rng.shuffle(profiles)
    surnames = sorted({m.full_name.split(" ", 1)[1] for m in members[:2000]})
    words = sorted({b.name.split(" ")[0] for b in branches[:200]})
    return Seeded(
        national_id=national.pk,
        district_ids=[d.pk for d in districts],
        branch_ids=[b.pk for b in branches],
        branch_paths=[b.path for b in branches],
        viewer_id=members[0].pk,
        officer_id=officer_id,
        profile_ids=profiles,
        surnames=surnames,
        branch_words=words,
        active_in_national=sum(active_branch.values()),
        active_in_district=active_district,
        active_in_branch=active_branch,
        memberships=len(memberships),
        role_terms=len(terms),
    )


def members_of(unit_id: int) -> list[int]:
    """Active members of a unit and the units inside it: the anchors a member's Next/Previous carry."""
    from rankandfile.org.models import Membership, Unit

    unit = Unit.objects.get(pk=unit_id)
    memberships = Membership.objects.filter(unit__in=Unit.objects.subtree(unit).values("pk"), status="active")
    return list(memberships.values_list("member_id", flat=True).distinct())


def directory_urls(seeded: Seeded, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, url) pairs as members use the directory (issue 12: keyset pages): the national list's first letters
    and last letters, district and branch directories from any member (a Next link), and searches."""
    from django.urls import reverse

    national = reverse("org:directory", args=[seeded.national_id])
    anchors: dict[int, list[int]] = {}

    def after_someone(unit_id: int) -> str:
        if unit_id not in anchors:
            anchors[unit_id] = members_of(unit_id)
        url = reverse("org:directory", args=[unit_id])
        return f"{url}?after={rng.choice(anchors[unit_id])}" if anchors[unit_id] else url

    urls: list[tuple[str, str]] = []
    for i in range(n):
        slot = i % 5
        if slot == 0 or (slot == 1 and i % 2 == 0):
            urls.append(("national, first letters", f"{national}?letter={rng.choice('ABC')}"))
        elif slot == 1:
            urls.append(("national, last letters", f"{national}?letter={rng.choice('WXYZ')}"))
        elif slot == 2:
            urls.append(("district, any page", after_someone(rng.choice(seeded.district_ids))))
        elif slot == 3:
            urls.append(("branch, any page", after_someone(rng.choice(seeded.branch_ids))))
        else:
            term = rng.choice(seeded.surnames) if i % 2 == 0 else rng.choice(seeded.branch_words)
            urls.append(("search", f"{national}?q={quote(term)}"))
    return urls


def deep_directory_urls(seeded: Seeded, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """The stress case: the national directory at any depth, as Next, Previous and the letter jump reach it."""
    from django.urls import reverse

    national = reverse("org:directory", args=[seeded.national_id])
    everyone = members_of(seeded.national_id)
    urls = []
    for i in range(n):
        if i % 3 == 0:
            urls.append(("national, after anyone", f"{national}?after={rng.choice(everyone)}"))
        elif i % 3 == 1:
            urls.append(("national, before anyone", f"{national}?before={rng.choice(everyone)}"))
        else:
            urls.append(("national, any letter", f"{national}?letter={rng.choice(string.ascii_uppercase)}"))
    return urls


def profile_urls(seeded: Seeded, n: int) -> list[tuple[str, str]]:
    from django.urls import reverse

    ids = (seeded.profile_ids * (n // max(1, len(seeded.profile_ids)) + 1))[:n]
    return [("profile", reverse("org:member", args=[pk])) for pk in ids]


def measure(client: Any, urls: list[tuple[str, str]], warmup: int = 10) -> PageFigures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _kind, url in urls[:warmup]:
        client.get(url)
    figures = PageFigures()
    load_before = os.getloadavg()[0]
    for kind, url in urls:
        with CaptureQueriesContext(connection) as captured:
            start, cpu_start = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            cpu = (time.process_time() - cpu_start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        figures.add(kind, elapsed, cpu, len(captured.captured_queries))
    figures.load_average = (round(load_before, 2), round(os.getloadavg()[0], 2))
    return figures


def write_import_csv(path: Path, rows: int, branch_paths: list[str], rng: random.Random) -> None:
    """New members spread over the branches, in the columns of docs/import.md, with a BOM as spreadsheets write."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "full_name", "phone", "pronouns", "status", "joined_on", "unit"])
        for i in range(rows):
            writer.writerow(
                [
                    f"import{i:06d}@bench.example.org",
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    f"+44 7911 {i:06d}",
                    rng.choice(("", "", "she/her", "he/him", "they/them")),
                    rng.choice(("active",) * 9 + ("lapsed",)),
                    (dt.date(2024, 1, 1) + dt.timedelta(days=i % 700)).isoformat(),
                    branch_paths[i % len(branch_paths)],
                ]
            )


def measure_import(seeded: Seeded, rows: int, rng: random.Random) -> dict[str, Any]:
    """Import `rows` new members into the national unit as its secretary would, end to end, and check the result."""
    from rankandfile.org.models import Member, Membership, Unit
    from rankandfile.org.services.importing import members_import

    actor = Member.objects.get(pk=seeded.officer_id)
    national = Unit.objects.get(pk=seeded.national_id)
    folder = Path(tempfile.mkdtemp(prefix="rankandfile-bench-csv-"))
    try:
        path = folder / "members.csv"
        write_import_csv(path, rows, seeded.branch_paths, rng)
        size = path.stat().st_size
        members_before = Member.objects.count()
        start = time.perf_counter()
        with path.open("rb") as handle:
            report = members_import(actor=actor, unit=national, file=handle)
        elapsed = time.perf_counter() - start
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    created = Member.objects.count() - members_before
    joined = Membership.objects.filter(member__email__startswith="import", member__email__endswith="@bench.example.org")
    if not report.written or created != rows or joined.count() != rows:
        raise RuntimeError(f"the import wrote {created} members for {rows} rows: {report!r}"[:2000])
    return {"rows": rows, "bytes": size, "seconds": round(elapsed, 2), "rows_per_second": round(rows / elapsed)}


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    """Build the database, seed, measure; return the figures. Runs in its own process."""
    rng = random.Random(20240602)
    phases: dict[str, float] = {}
    with throwaway_database(args.db, PG_BENCH_DB) as url:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "rankandfile.settings"
        os.environ["DEBUG"] = "0"
        os.environ["EMAIL_URL"] = "locmem://"
        os.environ.pop("REDIS_URL", None)  # a self-contained run: local-memory cache and channel layer
        os.environ.setdefault("RANKANDFILE_VAR_DIR", tempfile.gettempdir())
        static_root = Path(tempfile.mkdtemp(prefix="rankandfile-bench-static-"))
        atexit.register(shutil.rmtree, static_root, True)
        os.environ["STATIC_ROOT"] = str(static_root)  # whitenoise wants the folder to exist
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from rankandfile.org.models import Member

        with timed("migrate", phases):
            call_command("migrate", verbosity=0, interactive=False)
        with timed(f"seed {args.members:,} members in {args.units:,} units", phases):
            seeded = seed(args.members, args.units, rng)
        phases["seed"] = phases.pop(f"seed {args.members:,} members in {args.units:,} units")
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load. SQLite gets no ANALYZE: nothing runs one in production.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        client = Client()
        client.force_login(Member.objects.get(pk=seeded.viewer_id))
        with timed(f"{args.requests} directory requests", phases):
            directory = measure(client, directory_urls(seeded, args.requests, rng))
        with timed(f"{args.requests} deep directory requests", phases):
            deep = measure(client, deep_directory_urls(seeded, args.requests, rng))
        with timed(f"{args.requests} profile requests", phases):
            profile = measure(client, profile_urls(seeded, args.requests))
        result: dict[str, Any] = {
            "database": args.db,
            "database_version": connection.Database.sqlite_version
            if connection.vendor == "sqlite"
            else f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}",  # type: ignore[attr-defined]
            "members": args.members,
            "units": args.units,
            "memberships": seeded.memberships,
            "role_terms": seeded.role_terms,
            "directory": directory.summary(),
            "directory_deep": deep.summary(),
            "profile": profile.summary(),
            "seconds": phases,
        }
        if args.import_rows:
            with timed(f"import {args.import_rows:,}-row CSV", phases):
                result["import"] = measure_import(seeded, args.import_rows, rng)
        from django.db import connections

        connections.close_all()
        return result


# --------------------------------------------------------------------------------------------------------------
# Parent process: run the children, print the table and the verdicts
# --------------------------------------------------------------------------------------------------------------
def spawn(db: str, members: int, units: int, requests: int, import_rows: int) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--db", db,
        "--members", str(members),
        "--units", str(units),
        "--requests", str(requests),
        "--import-rows", str(import_rows),
    ]  # fmt: skip
    print(f"\n[{db}] {members:,} members in {units:,} units", flush=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    result: dict[str, Any] | None = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or result is None:
        raise SystemExit(f"the {db} run with {members:,} members failed (exit {process.returncode})")
    return result


def verdicts(runs: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []

    def check(name: str, db: str, value: Any, limit: Any, ok: bool) -> None:
        checks.append({"target": name, "database": db, "value": value, "limit": limit, "pass": bool(ok)})

    for db, sizes in runs.items():
        small, large = sizes["small"], sizes["large"]
        for page, series in (("directory", ("directory", "directory_deep")), ("profile", ("profile",))):
            big = max(large[s]["queries_max"] for s in series)
            little = max(small[s]["queries_max"] for s in series)
            check(f"{page} queries per page", db, big, MAX_QUERIES_PER_PAGE, big <= MAX_QUERIES_PER_PAGE)
            check(
                f"{page} queries independent of size",
                db,
                f"{little} at {small['members']:,} / {big} at {large['members']:,} members",
                "equal",
                big == little,
            )
        p95 = large["directory"]["p95_ms"]
        check("directory p95 ms", db, p95, DIRECTORY_P95_MS, p95 <= DIRECTORY_P95_MS)
        deep = large["directory_deep"]["p95_ms"]
        check("directory any depth p95 ms", db, deep, DIRECTORY_DEEP_P95_MS, deep <= DIRECTORY_DEEP_P95_MS)
        if "import" in large:
            seconds = large["import"]["seconds"]
            check(f"import {large['import']['rows']:,} rows s", db, seconds, IMPORT_SECONDS, seconds <= IMPORT_SECONDS)
    return checks


SERIES = (
    ("directory", "directory"),
    ("directory_deep", "directory, any depth"),
    ("profile", "profile"),
)


def print_table(runs: dict[str, dict[str, dict[str, Any]]], checks: list[dict[str, Any]]) -> None:
    width = 112
    print("\n" + "=" * width)
    print(
        f"{'database':<9} {'organization':<28} {'page':<20} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
        f"{'cpu p50':>8} {'cpu p95':>8} {'queries':>8} {'load':>5}"
    )
    print("-" * width)
    for db, sizes in runs.items():
        for size in ("small", "large"):
            run = sizes[size]
            org = f"{run['members']:,} members, {run['units']:,} units"
            for key, label in SERIES:
                f = run[key]
                low, high = f["queries_min"], f["queries_max"]
                queries = str(high) if low == high else f"{low}-{high}"
                load = max(f["load_average_1min"].values())
                print(
                    f"{db:<9} {org:<28} {label:<20} {f['p50_ms']:>7.1f} {f['p95_ms']:>7.1f} {f['max_ms']:>7.1f} "
                    f"{f['cpu_p50_ms']:>8.1f} {f['cpu_p95_ms']:>8.1f} {queries:>8} {load:>5.1f}"
                )
        for key, _label in SERIES[:2]:
            kinds = sizes["large"][key]["by_kind"]
            print(f"{'':<9} at full size, by kind (p50 / p95 ms):")
            for kind, v in kinds.items():
                print(f"{'':<11} {kind:<24} {v['p50_ms']:>7.1f} / {v['p95_ms']:>7.1f}  ({v['requests']} requests)")
        if "import" in sizes["large"]:
            imp = sizes["large"]["import"]
            print(
                f"{'':<9} import of {imp['rows']:,} CSV rows ({imp['bytes'] / 1e6:.1f} MB): "
                f"{imp['seconds']:.1f} s, {imp['rows_per_second']:,} rows/s"
            )
        print("-" * width)
    for c in checks:
        mark = "PASS" if c["pass"] else "FAIL"
        print(f"{mark}  {c['database']:<9} {c['target']:<37} {c['value']!s:<36} (target {c['limit']})")
    for db, sizes in runs.items():
        deep = sizes["large"]["directory_deep"]
        print(
            f"INFO  {db:<9} national directory at any depth (after, before, a letter): "
            f"p50 {deep['p50_ms']:.0f} ms, p95 {deep['p95_ms']:.0f} ms"
        )
    print("=" * width, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres", "both"),
        default=None,
        help="default: both when PostgreSQL answers at 127.0.0.1:5432, else sqlite",
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind")
    parser.add_argument("--small-members", type=int, default=1_000, help="the small organization, for comparison")
    parser.add_argument("--small-units", type=int, default=10)
    parser.add_argument("--import-rows", type=int, default=None, help="CSV rows to import (default: --members)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        result = run_child(args)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0

    has_postgres = postgres_available()
    if args.db is None:
        args.db = "both" if has_postgres else "sqlite"
        if not has_postgres:
            print(f"PostgreSQL does not answer at {PG_HOST}:{PG_PORT}: measuring SQLite only.")
    if args.db in ("postgres", "both") and not has_postgres:
        print(f"PostgreSQL does not answer at {PG_HOST}:{PG_PORT}.", file=sys.stderr)
        return 2
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    import_rows = args.members if args.import_rows is None else args.import_rows

    started = time.perf_counter()
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    for db in databases:
        db_started = time.perf_counter()
        runs[db] = {
            "small": spawn(db, args.small_members, args.small_units, args.requests, 0),
            "large": spawn(db, args.members, args.units, args.requests, import_rows),
        }
        runs[db]["large"]["seconds"]["total_with_small_run"] = round(time.perf_counter() - db_started, 1)

    checks = verdicts(runs)
    print_table(runs, checks)
    summary = {
        "benchmark": "org",
        "date": dt.date.today().isoformat(),  # the local date of the run
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "targets": {
            "queries_per_page_max": MAX_QUERIES_PER_PAGE,
            "directory_p95_ms": DIRECTORY_P95_MS,
            "directory_deep_p95_ms": DIRECTORY_DEEP_P95_MS,
            "import_seconds": IMPORT_SECONDS,
        },
        "runs": runs,
        "directory_deep_p95_ms": {db: sizes["large"]["directory_deep"]["p95_ms"] for db, sizes in runs.items()},
        "checks": checks,
        "all_pass": all(c["pass"] for c in checks),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
