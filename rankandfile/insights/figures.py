"""Assembling a unit's measures from its records: the full report (operators' `rankandfile insights`) and the
figures every member sees, with every cell over fewer than five members suppressed (docs/insights.md).

The member-facing figures are what the precomputed `Snapshot` rows hold; pages, CSV and API read them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any, TypeVar

from django.utils import timezone

from rankandfile.insights import selectors
from rankandfile.insights.domain.acts import ACTS_SHOWN, newest_first
from rankandfile.insights.domain.adoption import summarize_adoption, summarize_minority, summarize_overrides
from rankandfile.insights.domain.floor import FloorShare, floor_by_meeting, floor_share
from rankandfile.insights.domain.pile_ons import find_pile_ons
from rankandfile.insights.domain.records import ElectionRecord, ProposalRecord, SpeechRecord
from rankandfile.insights.domain.roles import summarize_elections, summarize_roles
from rankandfile.insights.domain.suppression import Cell, K, cell, difference, suppress_group
from rankandfile.insights.domain.surveys import likert_summary, reason_summary
from rankandfile.insights.domain.survival import DAYS_12M, DAYS_24M, Curve, retention
from rankandfile.org.models import Unit

T = TypeVar("T")


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def by_quarter(records: Iterable[T], day_of: Callable[[T], dt.date]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for record in records:
        groups[quarter(day_of(record))].append(record)
    return dict(sorted(groups.items()))


def unit_figures(unit: Unit) -> dict[str, Any]:
    """The precomputed figures of `unit` (one query); computed on the spot only before its first refresh."""
    figures = selectors.snapshot_figures(unit)
    return figures if figures is not None else member_figures(unit, as_of=timezone.localdate())


def report(unit: Unit, *, as_of: dt.date) -> dict[str, Any]:
    """What `rankandfile insights --format json` prints: unsuppressed, for the operator of the installation."""
    speeches = selectors.unit_speeches(unit)
    dissenters = selectors.unit_dissenters(unit, speeches)
    spans = selectors.unit_spans(unit, dissenters)
    return {
        "unit": unit.path,
        "as_of": as_of.isoformat(),
        "pile_ons": sorted(
            (e.as_dict() for e in find_pile_ons(speeches)),
            key=lambda e: (e["meeting"], e["item"], e["dissent_speech"]),
        ),
        "dissenters": sorted(dissenters),
        "retention": retention(spans, as_of=as_of).as_dict(),
    }


def member_figures(unit: Unit, *, as_of: dt.date) -> dict[str, Any]:
    """Everything the insights pages, CSV and API show, suppressed; JSON-ready."""
    speeches = selectors.unit_speeches(unit)
    dissenters = selectors.unit_dissenters(unit, speeches)
    spans = selectors.unit_spans(unit, dissenters)
    proposals = selectors.unit_proposals(unit)
    return {
        "unit": unit.path,
        "as_of": as_of.isoformat(),
        "k": K,
        "floor": _floor(speeches),
        "floor_meetings": _floor_meetings(speeches),
        "pile_ons": _pile_ons(speeches),
        "overrides": _overrides(unit),
        "adoption": _adoption(proposals),
        "minority": _minority(proposals),
        "roles": _roles(unit),
        "elections": _elections(selectors.unit_elections(unit)),
        "acts": [
            asdict(a) | {"on": a.on.isoformat()}
            for a in newest_first(selectors.unit_public_acts(unit, limit=ACTS_SHOWN))
        ],
        "retention": _retention(spans, as_of),
        "climate": _climate(unit),
        "exit": {year: reason_summary(counts) for year, counts in selectors.unit_exit_reasons(unit).items()},
    }


def _climate(unit: Unit) -> list[dict[str, Any]]:
    rows = []
    for survey, key, counts in selectors.unit_climate(unit):
        summary = likert_summary(counts or {}) if counts is not None else {"n": None, "suppressed": True}
        rows.append({"survey": survey.title, "opened_on": survey.opened_on.isoformat(), "question": key, **summary})
    return rows


def _floor(speeches: list[SpeechRecord]) -> list[dict[str, Any]]:
    rows = []
    for period, group in by_quarter(speeches, lambda s: s.started_at.date()).items():
        rows.append(
            {"period": period, **_floor_cells(floor_share(group)), "meetings": len({s.meeting_id for s in group})}
        )
    return rows


def _floor_cells(share: FloorShare) -> dict[str, Any]:
    total = share.total_seconds
    cells = suppress_group(
        {
            "role_holders": cell(_round(share.role_holders.share_of(total)), share.role_holders.speakers),
            "others": cell(_round(share.others.share_of(total)), share.others.speakers),
        }
    )
    first = cell(None if total == 0 else _round(share.first_time_seconds / total), share.first_time_speakers)
    return {
        "role_holders_share": cells["role_holders"].as_dict(),
        "others_share": cells["others"].as_dict(),
        "role_holders_turns": _shown(share.role_holders.turns, cells["role_holders"]),
        "others_turns": _shown(share.others.turns, cells["others"]),
        "first_time_share": first.as_dict(),
    }


def _floor_meetings(speeches: list[SpeechRecord]) -> list[dict[str, Any]]:
    """Each meeting's floor share, newest first; its day is that of its first speech."""
    days: dict[int, dt.date] = {}
    for speech in speeches:
        day = speech.started_at.date()
        days[speech.meeting_id] = min(days.get(speech.meeting_id, day), day)
    rows = [
        {"meeting": meeting, "on": days[meeting].isoformat(), **_floor_cells(share)}
        for meeting, share in floor_by_meeting(speeches).items()
        if share.total_turns
    ]
    return sorted(rows, key=lambda r: (r["on"], r["meeting"]), reverse=True)


def _minority(proposals: list[ProposalRecord]) -> list[dict[str, Any]]:
    """Minority positions' win rate per quarter of filing; each cell over the positions' distinct authors."""
    rows = []
    for period, group in by_quarter(proposals, lambda p: p.filed_on).items():
        tally = summarize_minority(group)
        if tally.filed == 0:
            continue
        rows.append(
            {
                "period": period,
                "filed": cell(tally.filed, tally.authors).as_dict(),
                "won": cell(tally.won, tally.authors).as_dict(),
                "win_rate": cell(_round(tally.win_rate), tally.authors).as_dict(),
            }
        )
    return rows


def _elections(elections: list[ElectionRecord]) -> list[dict[str, Any]]:
    """Contested elections per quarter of closing; the cells are over the distinct members who stood."""
    rows = []
    for period, group in by_quarter(elections, lambda e: e.decided_on).items():
        summary = summarize_elections(group)
        rows.append(
            {
                "period": period,
                "elections": summary.elections,  # elections are public acts: their number is shown
                "contested": cell(summary.contested, summary.candidates).as_dict(),
                "contested_share": cell(_round(summary.contested_share), summary.candidates).as_dict(),
            }
        )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _shown(value: int, beside: Cell) -> int | None:
    return None if beside.is_suppressed else value


def _pile_ons(speeches: list[SpeechRecord]) -> list[dict[str, Any]]:
    events = find_pile_ons(speeches)
    rows = []
    for period, group in by_quarter(events, lambda e: dt.date.fromisoformat(e.on_day)).items():
        dissenters = len({e.dissenter_id for e in group})
        silenced = [e for e in group if not e.is_answered]
        answered = [e for e in group if e.is_answered]
        cells = suppress_group(
            {
                "answered": cell(len(answered), len({e.dissenter_id for e in answered})),
                "silenced": cell(len(silenced), len({e.dissenter_id for e in silenced})),
            }
        )
        rows.append(
            {
                "period": period,
                "events": cell(len(group), dissenters).as_dict(),
                "answered": cells["answered"].as_dict(),
                "silenced": cells["silenced"].as_dict(),
                "by_override": cell(sum(e.is_by_override for e in group), dissenters).as_dict(),
            }
        )
    return rows


def _overrides(unit: Unit) -> dict[str, Any]:
    # Overrides are acts of chairs, officers acting in the open: counted per kind without suppression, as the
    # minutes already show each one. Who they moved forward is about members, so that split is suppressed.
    summary = summarize_overrides(selectors.unit_overrides(unit))
    moved = suppress_group(
        {
            "role_holders": cell(summary.moved_role_holders, summary.moved_role_holders),
            "others": cell(summary.moved_others, summary.moved_others),
        }
    )
    return {
        "total": summary.total,
        "by_action": summary.by_action,
        "meetings": summary.meetings,
        "chairs": summary.chairs,
        "moved_role_holders": moved["role_holders"].as_dict(),
        "moved_others": moved["others"].as_dict(),
    }


def _adoption(proposals: list[ProposalRecord]) -> dict[str, Any]:
    groups = summarize_adoption(proposals)
    out = {}
    for name, group in groups.items():
        out[name] = {
            "filed": cell(group.filed, group.filed).as_dict(),
            "reach_rate": cell(_round(group.reach_rate), group.filed).as_dict(),
            "win_rate": cell(_round(group.win_rate), group.filed).as_dict(),
        }
    return out


def _roles(unit: Unit) -> dict[str, Any]:
    summary = summarize_roles(selectors.unit_terms(unit))
    n = summary.holders
    return {
        "holders": cell(n, n).as_dict(),
        "terms": summary.terms,
        "gini": cell(round(summary.gini, 4), n).as_dict(),
        "hhi": cell(round(summary.hhi, 4), n).as_dict(),
        "top10_share": cell(round(summary.top10_share, 4), n).as_dict(),
        "rotation": cell(None if summary.rotation is None else round(summary.rotation, 4), n).as_dict(),
        "how_filled": summary.how_filled,  # terms are public role history
    }


def _retention(spans: list, as_of: dt.date) -> dict[str, Any]:
    result = retention(spans, as_of=as_of)
    groups = suppress_group({"dissenters": cell(None, result.dissenters.n), "others": cell(None, result.others.n)})
    out: dict[str, Any] = {}
    at: dict[str, dict[int, Cell]] = {}
    for name, curve in (("dissenters", result.dissenters), ("others", result.others)):
        hidden = groups[name].is_suppressed
        at[name] = {day: _at(curve, day, hidden) for day in (DAYS_12M, DAYS_24M)}
        out[name] = {
            "n": None if hidden else curve.n,
            "suppressed": hidden,
            "retained_12m": at[name][DAYS_12M].as_dict(),
            "retained_24m": at[name][DAYS_24M].as_dict(),
            "curve": [] if hidden else [_step(s) for s in curve.steps],
            "last_day": None if hidden else curve.last_day,
        }
    out["gap_12m"] = difference(at["others"][DAYS_12M], at["dissenters"][DAYS_12M]).as_dict()
    out["gap_24m"] = difference(at["others"][DAYS_24M], at["dissenters"][DAYS_24M]).as_dict()
    return out


def _at(curve: Curve, day: int, hidden: bool) -> Cell:
    step = curve.at(day)
    if hidden or step is None:
        return Cell(None, curve.n, True)
    return Cell(round(step.survival, 4), step.at_risk, False)


def _step(step: Any) -> dict[str, Any]:
    return {"day": step.day, "s": round(step.survival, 4), "low": round(step.low, 4), "high": round(step.high, 4)}
