"""Culture benchmark (issue 13): the insights recover the simulator's truth, and the fair rules' effect.

    python benchmarks/culture.py [--seeds 20] [--members 40] [--months 14] [--attendance 10]

For each seed it simulates the same organization twice on a throwaway SQLite database, once under the open rules
and once under the fair ones (`rankandfile.insights.simulator.run.simulate`, through the services), then measures it
from the database alone (`rankandfile.insights.figures.report`) and compares with the model's truth:

- pile-on events: precision and recall of the measured events against the truth (target ≥ 0.95 each, pooled);
- dissenters' retention at 12 months: measured minus true (target within ±3 percentage points, every run);
- the fair rules' effect: the dissenters' exit rate (true exits over true dissenters) under fair minus under open,
  paired by seed, with a 95 % confidence interval (Student's t over the seeds).

It prints one line per seed, the summary with PASS/FAIL, and a final line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Two-sided 95 % Student's t quantiles by degrees of freedom (beyond 30, the normal's 1.96 is close enough).
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
       11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
       20: 2.086, 25: 2.060, 30: 2.042}  # fmt: skip


def t95(df: int) -> float:
    if df in T95:
        return T95[df]
    return 1.96 if df > 30 else T95[max(k for k in T95 if k <= df)]


def key(event: dict) -> tuple:
    return (event["meeting"], event["item"], event["dissent_speech"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--months", type=int, default=14)
    parser.add_argument("--attendance", type=int, default=10)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="rf-culture-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/culture.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankandfile.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from rankandfile.insights.figures import report
    from rankandfile.insights.simulator.run import simulate

    call_command("migrate", verbosity=0)
    start = dt.date(2023, 1, 1)
    as_of = dt.date(2023, 1, 1) + dt.timedelta(days=31 * args.months)
    found = truth = hits = 0
    worst_retention = 0.0
    exit_rates: dict[str, list[float]] = {"fair": [], "open": []}
    pile_ons: dict[str, list[int]] = {"fair": [], "open": []}
    began = time.perf_counter()
    print(f"culture: {args.seeds} seeds x 2 rules, {args.members} members, {args.months} months")
    for seed in range(1, args.seeds + 1):
        line = [f"seed {seed:2d}"]
        for rules in ("open", "fair"):
            result = simulate(
                members=args.members, months=args.months, seed=seed, rules=rules,
                unit_path=f"bench/{rules}-{seed}", start=start, attendance=args.attendance,
            )  # fmt: skip
            measured = report(result.unit, as_of=as_of)
            true_events = {key(e) for e in result.truth["pile_ons"]}
            measured_events = {key(e) for e in measured["pile_ons"]}
            found += len(measured_events)
            truth += len(true_events)
            hits += len(true_events & measured_events)
            t12 = result.truth["retention"]["dissenters"]["retained_12m"]
            m12 = measured["retention"]["dissenters"]["retained_12m"]
            if t12 is not None and m12 is not None:
                worst_retention = max(worst_retention, abs(t12 - m12))
            elif t12 != m12:
                worst_retention = math.inf
            dissenters = set(result.truth["dissenters"])
            left = {e["member"] for e in result.truth["exits"]} & dissenters
            exit_rates[rules].append(len(left) / len(dissenters) if dissenters else 0.0)
            pile_ons[rules].append(len(true_events))
            line.append(
                f"{rules}: {len(true_events):3d} pile-ons, dissenters {len(dissenters):3d}, "
                f"exit rate {exit_rates[rules][-1]:.2f}, retention 12m truth {t12} measured {m12}"
            )
        print("  " + " | ".join(line), flush=True)
    precision = hits / found if found else 1.0
    recall = hits / truth if truth else 1.0
    diffs = [f - o for f, o in zip(exit_rates["fair"], exit_rates["open"], strict=True)]
    mean = statistics.fmean(diffs)
    half = t95(len(diffs) - 1) * statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else math.nan
    figures = {
        "seeds": args.seeds,
        "members": args.members,
        "months": args.months,
        "pile_on_precision": round(precision, 4),
        "pile_on_recall": round(recall, 4),
        "retention_12m_worst_abs_error": round(worst_retention, 4),
        "dissenter_exit_rate_open": round(statistics.fmean(exit_rates["open"]), 4),
        "dissenter_exit_rate_fair": round(statistics.fmean(exit_rates["fair"]), 4),
        "fair_minus_open": round(mean, 4),
        "fair_minus_open_ci95": [round(mean - half, 4), round(mean + half, 4)],
        "pile_ons_per_run_open": round(statistics.fmean(pile_ons["open"]), 1),
        "pile_ons_per_run_fair": round(statistics.fmean(pile_ons["fair"]), 1),
        "seconds": round(time.perf_counter() - began, 1),
    }
    checks = {
        "pile-on precision >= 0.95": precision >= 0.95,
        "pile-on recall >= 0.95": recall >= 0.95,
        "dissenters' 12-month retention within 3 points": worst_retention <= 0.03,
    }
    print(f"pile-ons: precision {precision:.3f}, recall {recall:.3f} ({hits} of {truth} true, {found} measured)")
    print(f"dissenters' retention at 12 months: worst error {worst_retention * 100:.2f} points")
    print(
        f"dissenter exit rate: open {figures['dissenter_exit_rate_open']:.3f}, fair "
        f"{figures['dissenter_exit_rate_fair']:.3f}; fair - open {mean:+.3f} "
        f"(95 % CI {mean - half:+.3f} to {mean + half:+.3f})"
    )
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    print(json.dumps({"benchmark": "culture", **figures, "pass": all(checks.values())}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
