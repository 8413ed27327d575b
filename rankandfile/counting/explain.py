"""A count in plain language, for the results page: a sentence per stage, figures to two decimals, and who was
elected or excluded written out (never by colour alone).

It reads the published JSON report (report.as_dict), the same document anyone downloads, so the page says nothing
the file does not. Figures are cut (not rounded) to two decimals, so that nobody is shown reaching a quota they did
not reach; the downloads keep them exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

CENT = Decimal("0.01")
ELECTED = "elected"
EXCLUDED = "excluded"
_LAST_SEATS = ("no more than the vacancies left", "no more than the seats left")


def two_decimals(text: str | None) -> str:
    """ "1037.64999" → "1037.64"; None → ""."""
    if text is None:
        return ""
    return str(Decimal(text).quantize(CENT, rounding=ROUND_DOWN))


def _signed(text: str) -> str:
    value = Decimal(text).quantize(CENT, rounding=ROUND_DOWN)
    return f"+{value}" if value > 0 else str(value)


@dataclass(frozen=True)
class Cell:
    total: str  # two decimals
    transfer: str  # "+1.50", "-3.00", or "" when nothing moved
    status: str  # "elected" or "excluded" at the stage it happened, else ""


@dataclass(frozen=True)
class Row:
    name: str
    outcome: str  # "elected", "excluded" or ""
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class StageText:
    number: int
    title: str
    sentence: str


@dataclass(frozen=True)
class Explained:
    stages: tuple[StageText, ...]
    rows: tuple[Row, ...]
    residual: tuple[tuple[str, tuple[str, ...]], ...]  # ("Non-transferable", totals per stage)
    quota: str
    elected: tuple[str, ...]
    invalid_ballots: int


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _title(stage: Mapping[str, Any]) -> str:
    action, acted = stage["action"], _names(stage["candidates"])
    titles = {
        "first_preferences": "First preferences",
        "count": "The count",
        "surplus": f"Surplus of {acted}",
        "exclusion": f"Exclusion of {acted}",
        "elimination": f"Exclusion of {acted}",
        "schulze": "Schulze ranking",
        "default_option": "Options against the default",
    }
    return titles.get(action, action.replace("_", " ").capitalize())


def _elected_sentence(name: str, stage: Mapping[str, Any], quota: str | None, live: Decimal) -> str:
    total = Decimal(stage["totals"].get(name, "0"))
    if any(words in stage.get("note", "") for words in _LAST_SEATS):
        return (
            f"{name} was elected: with no more candidates left than seats to fill, the remaining seats go to the "
            "candidates still in the count."
        )
    if quota is not None and total >= Decimal(quota):
        return f"{name} was elected: {two_decimals(str(total))} votes reached the quota of {two_decimals(quota)}."
    if stage["action"] in ("elimination", "first_preferences") and live and total * 2 > live:
        return (
            f"{name} was elected with {two_decimals(str(total))} of the {two_decimals(str(live))} votes still in "
            "the count: more than half."
        )
    if stage["action"] == "count":
        return f"{name} was chosen, with {two_decimals(str(total))} votes."
    return f"{name} was elected, with {two_decimals(str(total))} votes."


def _stage_sentence(
    stage: Mapping[str, Any], previous: Mapping[str, Any] | None, quota: str | None, ties: Sequence[Mapping[str, Any]]
) -> str:
    action, acted = stage["action"], list(stage["candidates"])
    parts: list[str] = []
    if action == "first_preferences":
        parts.append("Each ballot counted for its first choice.")
        if quota is not None:
            parts.append(f"The quota to be elected is {two_decimals(quota)} votes.")
    elif action == "count":
        parts.append("Each ballot counted for the options it marked.")
    elif action == "surplus":
        moved = sum((-Decimal(stage["transfers"].get(n, "0")) for n in acted), Decimal(0))
        parts.append(
            f"{_names(acted)}'s surplus of {two_decimals(str(moved))} votes passed to the next choices on "
            "those ballots."
        )
    elif action in ("exclusion", "elimination"):
        before = previous["totals"] if previous else {}
        figures = _names([f"{n} ({two_decimals(before.get(n))})" for n in acted])
        tied = [t for t in ties if t["stage"] == stage["number"] and t["kind"] in ("exclusion", "elimination")]
        if tied:
            parts.append(
                f"{_names(tied[0]['candidates'])} were tied for the fewest votes; the rule excluded "
                f"{tied[0]['chosen']} (how the tie was broken: {tied[0]['reason']})."
            )
        else:
            verb = "were" if len(acted) > 1 else "was"
            parts.append(f"{figures} had the fewest votes and {verb} excluded.")
        parts.append("Their ballots passed to the next choice still in the count.")
    elif stage.get("note"):
        parts.append(stage["note"][0].upper() + stage["note"][1:] + ".")
    live = sum((Decimal(v) for v in stage["totals"].values()), Decimal(0))
    parts += [_elected_sentence(name, stage, quota, live) for name in stage.get("elected", [])]
    return " ".join(parts)


def explain(report: Mapping[str, Any]) -> Explained:
    """The plain-language page of a count, from its published JSON report."""
    stages = list(report.get("stages", []))
    quota = report.get("quota")
    ties = report.get("tie_breaks", [])
    texts = tuple(
        StageText(
            stage["number"],
            _title(stage),
            _stage_sentence(stage, stages[i - 1] if i else None, stage.get("quota") or quota, ties),
        )
        for i, stage in enumerate(stages)
    )
    elected = set(report.get("elected", []))
    excluded = {name for stage in stages for name in stage.get("excluded", [])}
    rows = []
    for name in report.get("candidates", []):
        cells = []
        for stage in stages:
            transfer = stage["transfers"].get(name, "0")
            status = ELECTED if name in stage.get("elected", []) else EXCLUDED if name in stage["excluded"] else ""
            cells.append(
                Cell(
                    two_decimals(stage["totals"].get(name, "0")),
                    "" if Decimal(transfer) == 0 or stage["action"] == "first_preferences" else _signed(transfer),
                    status,
                )
            )
        outcome = ELECTED if name in elected else EXCLUDED if name in excluded else ""
        rows.append(Row(name, outcome, tuple(cells)))
    residual = (
        ("Non-transferable", tuple(two_decimals(s["non_transferable"]) for s in stages)),
        ("Rounding loss", tuple(two_decimals(s["rounding_loss"]) for s in stages)),
    )
    return Explained(
        texts,
        tuple(rows),
        residual,
        two_decimals(quota),
        tuple(report.get("elected", [])),
        int(report.get("invalid_ballots", 0)),
    )
