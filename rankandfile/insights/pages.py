"""From a unit's figures to what its page shows: charts (SVG) with their tables, and the CSV rows.

Reads only the suppressed, member-facing figures (`Snapshot.figures`), so every surface shows the same cells and
"fewer than 5" wherever a cell is suppressed.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rankandfile.insights import charts

FEWER = "fewer than 5"
MEETINGS_SHOWN = 20


def shown(c: dict[str, Any] | None, *, percent: bool = False, digits: int = 2) -> str:
    """A cell as text: its value, or "fewer than 5" when suppressed, or "–" when there is no figure."""
    if c is None:
        return "–"
    if c.get("suppressed"):
        return _("fewer than 5")
    value = c.get("value")
    if value is None:
        return "–"
    if percent:
        return f"{value:.0%}"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _svg(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 (charts.py escapes every text it writes)


def page(figures: dict[str, Any]) -> dict[str, Any]:
    floor = figures.get("floor", [])
    piles = figures.get("pile_ons", [])
    retention = figures.get("retention", {})
    return {
        "floor_chart": _svg(
            charts.share_bars(
                _("Share of speaking time taken by role holders, by quarter"),
                [(r["period"], r["role_holders_share"]["value"]) for r in floor],
            )
        ),
        "floor_rows": [
            {
                "period": r["period"],
                "role": shown(r["role_holders_share"], percent=True),
                "others": shown(r["others_share"], percent=True),
                "role_turns": "–" if r["role_holders_turns"] is None else r["role_holders_turns"],
                "others_turns": "–" if r["others_turns"] is None else r["others_turns"],
                "first": shown(r["first_time_share"], percent=True),
                "meetings": r["meetings"],
            }
            for r in floor
        ],
        "pile_chart": _svg(
            charts.trend(
                _("Pile-on events by quarter"),
                [r["period"] for r in piles],
                [
                    (_("pile-ons"), [r["events"]["value"] for r in piles], charts.ROLE),
                    (_("left unanswered"), [r["silenced"]["value"] for r in piles], charts.GAP),
                ],
            )
        ),
        "pile_rows": [
            {
                "period": r["period"],
                "events": shown(r["events"]),
                "answered": shown(r["answered"]),
                "silenced": shown(r["silenced"]),
                "by_override": shown(r["by_override"]),
            }
            for r in piles
        ],
        "survival_chart": _svg(_survival_chart(retention)),
        "retention_rows": _retention_rows(retention),
        "gap_12m": shown(retention.get("gap_12m"), percent=True),
        "gap_24m": shown(retention.get("gap_24m"), percent=True),
        "roles": {key: shown(value) if isinstance(value, dict) else value for key, value in figures["roles"].items()},
        "adoption": [
            {
                "group": name,
                "filed": shown(group["filed"]),
                "reach": shown(group["reach_rate"], percent=True),
                "win": shown(group["win_rate"], percent=True),
            }
            for name, group in figures.get("adoption", {}).items()
        ],
        "overrides": figures.get("overrides", {}),
        "overrides_moved": {
            "role_holders": shown(figures.get("overrides", {}).get("moved_role_holders")),
            "others": shown(figures.get("overrides", {}).get("moved_others")),
        },
        "climate": figures.get("climate", []),
        "exit": figures.get("exit", {}),
        "meeting_rows": [
            {
                "meeting": r["meeting"],
                "on": r["on"],
                "url": reverse("meetings:meeting", args=[r["meeting"]]),
                "role": shown(r["role_holders_share"], percent=True),
                "others": shown(r["others_share"], percent=True),
                "role_turns": "–" if r["role_holders_turns"] is None else r["role_holders_turns"],
                "others_turns": "–" if r["others_turns"] is None else r["others_turns"],
            }
            for r in figures.get("floor_meetings", [])[:MEETINGS_SHOWN]
        ],
        "minority_chart": _svg(
            charts.share_bars(
                _("Share of minority positions that won, by quarter"),
                [(r["period"], r["win_rate"]["value"]) for r in figures.get("minority", [])],
            )
        ),
        "minority_rows": [
            {
                "period": r["period"],
                "filed": shown(r["filed"]),
                "won": shown(r["won"]),
                "rate": shown(r["win_rate"], percent=True),
            }
            for r in figures.get("minority", [])
        ],
        "election_rows": [
            {
                "period": r["period"],
                "elections": r["elections"],
                "contested": shown(r["contested"]),
                "share": shown(r["contested_share"], percent=True),
            }
            for r in figures.get("elections", [])
        ],
        "acts": [_act(a) for a in figures.get("acts", [])],
    }


def _act(act: dict[str, Any]) -> dict[str, Any]:
    if act["kind"] == "override":
        url = reverse("meetings:meeting", args=[act["where"]])
    else:
        url = reverse("org:unit_history", args=[act["where"]])
    return {**act, "url": url}


def _survival_chart(retention: dict[str, Any]) -> str:
    series = []
    last = 0
    for name, label, colour in (("dissenters", _("dissented"), charts.ROLE), ("others", _("did not"), charts.OTHER)):
        group = retention.get(name) or {}
        if group.get("suppressed") or not group.get("last_day"):
            continue
        curve = group["curve"]
        last = max(last, group["last_day"])
        series.append(
            charts.Series(
                label,
                [(s["day"], s["s"]) for s in curve],
                colour,
                [(s["day"], s["low"], s["high"]) for s in curve],
            )
        )
    return charts.survival(_("Members still members, by days since joining"), series, last)


def _retention_rows(retention: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for name, label in (("dissenters", _("Members who dissented")), ("others", _("Members who did not"))):
        group = retention.get(name) or {}
        rows.append(
            {
                "group": label,
                "n": _("fewer than 5") if group.get("suppressed") else str(group.get("n", "–")),
                "12m": shown(group.get("retained_12m"), percent=True),
                "24m": shown(group.get("retained_24m"), percent=True),
            }
        )
    return rows


def csv_rows(figures: dict[str, Any]) -> list[list[Any]]:
    """measure, period or group, figure, value ("fewer than 5" when suppressed)."""
    rows: list[list[Any]] = [["measure", "period_or_group", "figure", "value"]]

    def add(measure: str, where: str, figure: str, c: Any) -> None:
        if isinstance(c, dict) and "suppressed" in c:
            value: Any = FEWER if c["suppressed"] else c["value"]
        else:
            value = c
        rows.append([measure, where, figure, "" if value is None else value])

    for r in figures.get("floor", []):
        add("floor", r["period"], "role_holders_share", r["role_holders_share"])
        add("floor", r["period"], "others_share", r["others_share"])
        add("floor", r["period"], "first_time_share", r["first_time_share"])
        add(
            "floor",
            r["period"],
            "role_holders_turns",
            FEWER if r["role_holders_turns"] is None else r["role_holders_turns"],
        )
        add("floor", r["period"], "others_turns", FEWER if r["others_turns"] is None else r["others_turns"])
    for r in figures.get("pile_ons", []):
        for figure in ("events", "answered", "silenced", "by_override"):
            add("pile_ons", r["period"], figure, r[figure])
    retention = figures.get("retention", {})
    for group in ("dissenters", "others"):
        g = retention.get(group, {})
        add("retention", group, "n", FEWER if g.get("suppressed") else g.get("n"))
        add("retention", group, "retained_12m", g.get("retained_12m"))
        add("retention", group, "retained_24m", g.get("retained_24m"))
    add("retention", "gap", "gap_12m", retention.get("gap_12m"))
    add("retention", "gap", "gap_24m", retention.get("gap_24m"))
    for key, value in figures.get("roles", {}).items():
        if key != "how_filled":
            add("roles", "all", key, value)
    for how, count in figures.get("roles", {}).get("how_filled", {}).items():
        add("roles", "how_filled", how, count)
    for name, group in figures.get("adoption", {}).items():
        for figure in ("filed", "reach_rate", "win_rate"):
            add("adoption", name, figure, group[figure])
    overrides = figures.get("overrides", {})
    for action, count in overrides.get("by_action", {}).items():
        add("overrides", "by_action", action, count)
    add("overrides", "moved_forward", "role_holders", overrides.get("moved_role_holders"))
    add("overrides", "moved_forward", "others", overrides.get("moved_others"))
    for r in figures.get("floor_meetings", []):
        where = f"{r['on']} meeting {r['meeting']}"
        add("floor_meeting", where, "role_holders_share", r["role_holders_share"])
        add("floor_meeting", where, "others_share", r["others_share"])
        add(
            "floor_meeting",
            where,
            "role_holders_turns",
            FEWER if r["role_holders_turns"] is None else r["role_holders_turns"],
        )
        add("floor_meeting", where, "others_turns", FEWER if r["others_turns"] is None else r["others_turns"])
    for r in figures.get("minority", []):
        for figure in ("filed", "won", "win_rate"):
            add("minority_positions", r["period"], figure, r[figure])
    for r in figures.get("elections", []):
        add("elections", r["period"], "elections", r["elections"])
        add("elections", r["period"], "contested", r["contested"])
        add("elections", r["period"], "contested_share", r["contested_share"])
    for act in figures.get("acts", []):
        add(act["kind"], act["on"], act["what"], f"{act['actor']}: {act['reason']}")
    for q in figures.get("climate", []):
        where = f"{q['opened_on']} {q['question']}"
        if q.get("suppressed"):
            add("climate", where, "n", FEWER)
            continue
        add("climate", where, "n", q["n"])
        add("climate", where, "mean", q["mean"])
        for score, count in q["counts"].items():
            add("climate", where, f"answered_{score}", FEWER if count is None else count)
    for year, summary in figures.get("exit", {}).items():
        if summary.get("suppressed"):
            add("exit", year, "n", FEWER)
            continue
        add("exit", year, "n", summary["n"])
        for reason, count in summary["reasons"].items():
            add("exit", year, reason, FEWER if count is None else count)
    return rows


def comparison_row(figures: dict[str, Any] | None) -> dict[str, str]:
    """A unit's headline figures for the comparison table: the latest quarter's floor share and pile-ons, the
    retention gap at 12 months, role concentration."""
    if figures is None:
        return {"floor": "–", "pile_ons": "–", "gap": "–", "gini": "–"}
    floor = figures.get("floor") or [None]
    piles = figures.get("pile_ons") or [None]
    return {
        "floor": shown(floor[-1]["role_holders_share"], percent=True) if floor[-1] else "–",
        "pile_ons": shown(piles[-1]["events"]) if piles[-1] else "–",
        "gap": shown(figures.get("retention", {}).get("gap_12m"), percent=True),
        "gini": shown(figures.get("roles", {}).get("gini")),
    }
