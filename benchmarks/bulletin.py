"""Discussion bulletin benchmark (issue 14): search and issue pages over 50,000 documents.

    python benchmarks/bulletin.py [--db sqlite|postgres|both] [--documents N] [--requests N]

For each database it builds a throwaway database (a temporary SQLite file, or `rankandfile_bench_bulletin` on the
PostgreSQL server at 127.0.0.1:5432, created and dropped here), migrates it (so the search column, index, FTS table
and triggers are the migration's own), and bulk-seeds a national body with 2,000 members, 50 discussion periods,
issues of 40 documents, and N documents of realistic lengths (300 to 3,000 words, uniformly) written from a
20,000-word vocabulary with a Zipf distribution plus the words members debate (dues, strike, delegates...), some
answering earlier ones, some signed by caucuses, a few hidden.

Then, in-process with Django's test client, logged in as an ordinary member, it requests:
- the search page (`bulletin:search`) for one to three topical words, a quarter of them filtered to a period;
- an issue page (`bulletin:issue`): every document in full, for random published issues;
and records server time (p50/p95, ms) and SQL queries per page. It prints a table, PASS/FAIL per target, and ends
with one JSON line:

    {"documents": N, "search_p95_ms": {"sqlite": MS, "postgres": MS},
     "issue_page_p95_ms": {"sqlite": MS, "postgres": MS}, "queries_per_page": N}

Each database runs in its own child process (Django reads DATABASE_URL once). Develop with `--documents 2000`.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _harness import HOST as PG_HOST
from _harness import PG_ADMIN_URL, PG_PORT, ROOT, cpu_seconds, percentile, postgres_available, say, throwaway_database

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_BENCH_DB = "rankandfile_bench_bulletin"
RESULT_PREFIX = "RESULT "
SEARCH_P95_MS = 100.0
ISSUE_PAGE_P95_MS = 150.0
MAX_QUERIES_PER_PAGE = 12
PERIODS = 50
PER_ISSUE = 40
MEMBERS = 2000
BATCH = 500
UNUSABLE = "!"  # an unusable password: nobody logs in as a seeded member

TOPICS = (  # noqa: SIM905  (a paragraph of words reads better than a list of strings)
    "dues strike fund delegates convention caucus platform branch district organizer steward ballot election "
    "rent tenants wages overtime contract bargaining picket solidarity democracy accountability minutes agenda "
    "treasurer accounts reserves budget campaign recruitment retention newsletter training childcare transport "
    "housing health safety depot warehouse nurses teachers drivers cleaners students pensions inflation "
    "affiliation federation council committee motion amendment proposal vote quorum representation minority "
    "majority leadership rank file volunteers office staff organizing grievance lockout arbitration"
).split()
COMMON = "members"  # in about half of the documents (measured apart: `common_word_search`)
SYLLABLES = [c + v for c in "bklmnrt" for v in "aeiou"]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Writer:
    """Paragraphs of Zipf-distributed words with topical words sprinkled in; documents made of paragraphs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        words = vocabulary(rng)
        weights = [1 / (rank + 1) for rank in range(len(words))]
        self.cumulative = list(itertools.accumulate(weights))
        self.words = words
        self.paragraphs = [self._paragraph() for _ in range(4000)]

    def _paragraph(self) -> str:
        n = self.rng.randint(60, 160)
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=n)
        # About one topical word in three paragraphs: each topical word is in some 7% of the documents (3,500 of
        # 50,000), a query of two of them in under 1%. COMMON is in every other document: the hard case, reported.
        if self.rng.random() < 0.3:
            words[self.rng.randrange(n)] = self.rng.choice(TOPICS)
        if self.rng.random() < 0.05:
            words[self.rng.randrange(n)] = COMMON
        return " ".join(words).capitalize() + "."

    def document(self) -> tuple[str, list[str], int]:
        target = self.rng.randint(300, 3000)
        paragraphs: list[str] = []
        count = 0
        while count < target:
            paragraph = self.rng.choice(self.paragraphs)
            paragraphs.append(paragraph)
            count += paragraph.count(" ") + 1
        title = " ".join(self.rng.sample(TOPICS, 3)).capitalize()
        return title, paragraphs, count


def seed(n_documents: int, rng: random.Random) -> dict[str, Any]:
    """Bulk-insert everything: no services (they would take hours), the same rows they would write."""
    from django.db import connection, transaction
    from django.utils import timezone

    from rankandfile.bulletin.models import Caucus, CoSignature, Document, Issue, Period
    from rankandfile.org.models import Member, Membership, Unit

    now = timezone.now()
    writer = Writer(rng)
    with transaction.atomic():
        national = Unit.objects.create(name="National", slug="national", kind="national", path="national", depth=0)
        members = Member.objects.bulk_create(
            [
                Member(email=f"m{i}@bench.example.org", full_name=f"Member {i}", password=UNUSABLE)
                for i in range(MEMBERS)
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            [Membership(member=m, unit=national, status="active") for m in members], batch_size=BATCH
        )
        periods = Period.objects.bulk_create(
            [
                Period(
                    unit=national,
                    title=f"Discussion {i + 1}",
                    code_of_conduct="Argue with positions, never with persons.",
                    submissions_close_at=now,
                    responses_close_at=now,
                    created_by=members[0],
                )
                for i in range(PERIODS)
            ]
        )
        caucuses = Caucus.objects.bulk_create(
            [Caucus(unit=national, name=f"Caucus {i}", statement="We stand.", created_by=members[i]) for i in range(20)]
        )
    per_period = -(-n_documents // PERIODS)
    issues_per_period = -(-per_period // PER_ISSUE)
    with transaction.atomic():
        issues = Issue.objects.bulk_create(
            [
                Issue(period=p, number=n + 1, publish_at=now, published_at=now - dt_days(issues_per_period - n))
                for p in periods
                for n in range(issues_per_period)
            ],
            batch_size=BATCH,
        )
    issue_of = {(i.period_id, i.number): i for i in issues}
    made = 0
    words_total = 0
    responses: list[Any] = []
    signatures: list[Any] = []
    started = time.perf_counter()
    while made < n_documents:
        batch: list[Any] = []
        for _ in range(min(BATCH, n_documents - made)):
            period = periods[made % PERIODS]
            number = (made // PERIODS) // PER_ISSUE + 1
            title, paragraphs, count = writer.document()
            words_total += count
            hidden = rng.random() < 0.002
            batch.append(
                Document(
                    period=period,
                    title=title,
                    text="\n\n".join(paragraphs),
                    html="".join(f"<p>{p}</p>\n" for p in paragraphs),  # what the renderer makes of plain paragraphs
                    author=members[rng.randrange(MEMBERS)],
                    caucus=caucuses[rng.randrange(len(caucuses))] if rng.random() < 0.2 else None,
                    status="published",
                    issue=issue_of[(period.pk, number)],
                    word_count=count,
                    submitted_at=now,
                    published_at=issue_of[(period.pk, number)].published_at,
                    hidden_at=now if hidden else None,
                    hidden_by=members[0] if hidden else None,
                    hidden_reason="Rule 3 of the code of conduct." if hidden else "",
                )
            )
            made += 1
        with transaction.atomic():
            created = Document.objects.bulk_create(batch)
            for document in created:
                for signer in rng.sample(range(MEMBERS), rng.randint(0, 4)):
                    signatures.append(CoSignature(document=document, member=members[signer]))
                if document.pk > 1000 and rng.random() < 0.3:
                    responses.append(
                        Document.responds_to.through(
                            from_document_id=document.pk, to_document_id=rng.randrange(1, document.pk - 500)
                        )
                    )
            CoSignature.objects.bulk_create(signatures, batch_size=BATCH, ignore_conflicts=True)
            Document.responds_to.through.objects.bulk_create(responses, batch_size=BATCH, ignore_conflicts=True)
            signatures.clear()
            responses.clear()
        if made % 5000 < BATCH:
            rate = made / (time.perf_counter() - started)
            say(f"{made:,} documents ({words_total / made:,.0f} words on average), {rate:,.0f} a second")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load: statistics, and the GIN index's pending list merged.
            cursor.execute("VACUUM ANALYZE")
    return {
        "viewer_id": members[-1].pk,
        "period_ids": [p.pk for p in periods],
        "issue_ids": [i.pk for i in issues if Document.objects.filter(issue=i).exists()],
        "words_average": round(words_total / max(1, made)),
    }


def dt_days(days: int) -> Any:
    import datetime as dt

    return dt.timedelta(days=days)


def measure(client: Any, urls: list[str]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []
    cpu: list[float] = []
    queries: list[int] = []
    client.get(urls[0])  # the session and the capability cache warm up
    db_cpu_before = cpu_seconds(database=PG_BENCH_DB) if connection.vendor == "postgresql" else 0.0
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            cpu.append((time.process_time() - start_cpu) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        times.append(elapsed)
        queries.append(len(captured))
    return {
        "requests": len(urls),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
        # CPU time of this process (Django, and SQLite itself): what the time would be on an idle machine, less
        # PostgreSQL's own work, given as its backends' CPU time per request (an average).
        "cpu_p50_ms": round(percentile(cpu, 50), 1),
        "cpu_p95_ms": round(percentile(cpu, 95), 1),
        "postgres_cpu_ms_per_request": round((cpu_seconds(database=PG_BENCH_DB) - db_cpu_before) * 1000 / len(urls), 1)
        if connection.vendor == "postgresql"
        else None,
        "queries_max": max(queries),
    }


@contextlib.contextmanager
def kept_database(kind: str) -> Iterator[str]:
    """`--keep` (development): the same database from run to run, seeded once (a 50,000-document seed takes 7 to
    20 minutes); migrations added since are applied to it. Never dropped here: `--db X` without `--keep` does."""
    if kind == "sqlite":
        folder = Path(tempfile.gettempdir()) / f"{PG_BENCH_DB}-kept"
        folder.mkdir(exist_ok=True)
        yield f"sqlite:///{folder / f'{PG_BENCH_DB}.sqlite3'}"
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_BENCH_DB]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"'.encode())
    yield f"postgres://postgres@{PG_HOST}:{PG_PORT}/{PG_BENCH_DB}"


def seeded_before(n_documents: int) -> dict[str, Any] | None:
    """What `seed` returned, read back from a kept database holding exactly `n_documents` (else None)."""
    from django.db.models import Avg

    from rankandfile.bulletin.models import Document, Issue, Period
    from rankandfile.org.models import Member

    if Document.objects.count() != n_documents:
        return None
    return {
        "viewer_id": Member.objects.order_by("-pk").values_list("pk", flat=True)[0],
        "period_ids": list(Period.objects.order_by("pk").values_list("pk", flat=True)),
        "issue_ids": list(
            Issue.objects.filter(documents__isnull=False).distinct().order_by("pk").values_list("pk", flat=True)
        ),
        "words_average": round(Document.objects.aggregate(a=Avg("word_count"))["a"]),
    }


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(20261206)
    database = kept_database(args.db) if args.keep else throwaway_database(args.db, PG_BENCH_DB)
    with database as url:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "rankandfile.settings"
        os.environ["DEBUG"] = "0"
        os.environ["EMAIL_URL"] = "locmem://"
        os.environ.pop("REDIS_URL", None)
        os.environ.setdefault("RANKANDFILE_VAR_DIR", tempfile.gettempdir())
        static_root = Path(tempfile.mkdtemp(prefix="rankandfile-bench-static-"))
        atexit.register(shutil.rmtree, static_root, True)
        os.environ["STATIC_ROOT"] = str(static_root)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from rankandfile.org.models import Member

        phases: dict[str, float] = {}
        start = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        phases["migrate"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        kept = seeded_before(args.documents) if args.keep else None
        if kept is None:
            if args.keep:
                call_command("flush", verbosity=0, interactive=False)
            seeded = seed(args.documents, rng)
            phases["seed"] = round(time.perf_counter() - start, 1)
            say(f"seeded {args.documents:,} documents in {phases['seed']:.0f} s")
        else:
            seeded = kept
            say(f"kept database: {args.documents:,} documents seeded before")
        rng = random.Random(20261207)  # the requests: the same whether the database was seeded now or before

        client = Client()
        client.force_login(Member.objects.get(pk=seeded["viewer_id"]))
        search_urls = []
        for _ in range(args.requests):
            words = "+".join(rng.sample(TOPICS, rng.choice((1, 1, 2, 2, 3))))
            in_period = f"&period={rng.choice(seeded['period_ids'])}" if rng.random() < 0.25 else ""
            search_urls.append(reverse("bulletin:search") + f"?q={words}{in_period}")
        issue_urls = [
            reverse("bulletin:issue", args=[rng.choice(seeded["issue_ids"])])
            for _ in range(max(20, args.requests // 2))
        ]
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
            profiler.runcall(measure, client, search_urls[:20])
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
            profiler = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
            profiler.runcall(measure, client, issue_urls[:10])
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
        start = time.perf_counter()
        search = measure(client, search_urls)
        issue = measure(client, issue_urls)
        common = measure(client, [reverse("bulletin:search") + f"?q={COMMON}"] * 20)
        phases["requests"] = round(time.perf_counter() - start, 1)
        result = {
            "database": args.db,
            "database_version": connection.Database.sqlite_version
            if connection.vendor == "sqlite"
            else f"PostgreSQL {connection.pg_version // 10000}",  # type: ignore[attr-defined]
            "documents": args.documents,
            "words_average": seeded["words_average"],
            "search": search,
            "issue_page": issue,
            "common_word_search": common,
            "seconds": phases,
        }
        from django.db import connections

        connections.close_all()
        return result


def spawn(db: str, documents: int, requests: int, *, keep: bool = False, profile: bool = False) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--db", db, "--documents", str(documents),
               "--requests", str(requests)] + ["--keep"] * keep + ["--profile"] * profile  # fmt: skip
    print(f"\n[{db}] {documents:,} documents", flush=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    result: dict[str, Any] | None = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or result is None:
        raise SystemExit(f"the {db} run failed (exit {process.returncode})")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help="print where the time goes (development)")
    parser.add_argument(
        "--keep", action="store_true", help="seed once and keep the database for the next run (development)"
    )
    args = parser.parse_args(argv)
    if args.child:
        print(RESULT_PREFIX + json.dumps(run_child(args)), flush=True)
        return 0
    has_postgres = postgres_available()
    if args.db is None:
        args.db = "both" if has_postgres else "sqlite"
        if not has_postgres:
            print(f"PostgreSQL does not answer at {PG_HOST}:{PG_PORT}: measuring SQLite only.")
    if args.db != "sqlite" and not has_postgres:
        print(f"PostgreSQL does not answer at {PG_HOST}:{PG_PORT}.", file=sys.stderr)
        return 2
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    runs = {db: spawn(db, args.documents, args.requests, keep=args.keep, profile=args.profile) for db in databases}

    print(
        f"\n{'database':<10} {'search p50':>11} {'search p95':>11} {'issue p50':>10} {'issue p95':>10} {'queries':>8}"
    )
    for db, run in runs.items():
        queries = max(run["search"]["queries_max"], run["issue_page"]["queries_max"])
        print(
            f"{db:<10} {run['search']['p50_ms']:>9.1f}ms {run['search']['p95_ms']:>9.1f}ms "
            f"{run['issue_page']['p50_ms']:>8.1f}ms {run['issue_page']['p95_ms']:>8.1f}ms {queries:>8}"
        )
    for db, run in runs.items():
        search, issue = run["search"], run["issue_page"]
        extra = ""
        if db == "postgres":
            extra = (
                f" + PostgreSQL {search['postgres_cpu_ms_per_request']} / "
                f"{issue['postgres_cpu_ms_per_request']} ms per request (average)"
            )
        print(f"{db:<10} CPU p95: search {search['cpu_p95_ms']} ms, issue page {issue['cpu_p95_ms']} ms{extra}")
    queries_per_page = max(max(r["search"]["queries_max"], r["issue_page"]["queries_max"]) for r in runs.values())
    for db, run in runs.items():
        for name, value, limit in (
            ("search p95", run["search"]["p95_ms"], SEARCH_P95_MS),
            ("issue page p95", run["issue_page"]["p95_ms"], ISSUE_PAGE_P95_MS),
        ):
            print(f"{'PASS' if value <= limit else 'FAIL'}  {db} {name}: {value} ms (target ≤ {limit:.0f} ms)")
    for db, run in runs.items():
        common = run["common_word_search"]
        print(f"      {db} search for a word in half the documents (not a target): p95 {common['p95_ms']} ms")
    verdict = "PASS" if queries_per_page <= MAX_QUERIES_PER_PAGE else "FAIL"
    print(f"{verdict}  queries per page: {queries_per_page} (target ≤ {MAX_QUERIES_PER_PAGE})")
    print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; other work skews the times)")
    print(
        json.dumps(
            {
                "documents": args.documents,
                "search_p95_ms": {db: run["search"]["p95_ms"] for db, run in runs.items()},
                "issue_page_p95_ms": {db: run["issue_page"]["p95_ms"] for db, run in runs.items()},
                "queries_per_page": queries_per_page,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
