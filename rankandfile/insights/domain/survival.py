"""Kaplan–Meier survival of membership, with 95 % confidence bands (Greenwood, log–log).

Time runs in days from joining. A membership that ended (left or lapsed) is an *event* at its length; one that
has not is *censored* at the as-of day. At each event time t_i with n_i members still at risk and d_i events,

    S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)
    V(t) = Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i))           (Greenwood)
    band = S(t) ^ exp(± 1.96 · √V(t) / |ln S(t)|)        (log–log, stays within [0, 1])

Members who leave on the day they join are events at day 0. The curve is cut where fewer than K members remain at
risk: beyond that point a step would be about fewer than five people.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rankandfile.insights.domain.records import MembershipSpan
from rankandfile.insights.domain.suppression import K

__all__ = ["DAYS_12M", "DAYS_24M", "Curve", "Retention", "Step", "kaplan_meier", "retention"]

DAYS_12M = 365
DAYS_24M = 730
Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Step:
    day: int
    at_risk: int
    events: int
    survival: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Curve:
    n: int
    steps: tuple[Step, ...]  # one per event day, cut where fewer than `min_at_risk` remain at risk
    last_day: int  # the last day the curve speaks for (the longest follow-up, or where it was cut)

    def at(self, day: int) -> Step | None:
        """The step in force on `day`, or None when the curve does not reach that far (too few followed)."""
        if day > self.last_day:
            return None
        current = Step(0, self.n, 0, 1.0, 1.0, 1.0)
        for step in self.steps:
            if step.day > day:
                break
            current = step
        return current


def kaplan_meier(spans: Iterable[MembershipSpan], *, as_of: dt.date, min_at_risk: int = K) -> Curve:
    durations: list[tuple[int, bool]] = []
    for span in spans:
        end = span.ended_on if span.ended_on is not None and span.ended_on <= as_of else as_of
        days = max((end - span.joined_on).days, 0)
        ended = span.ended_on is not None and span.ended_on <= as_of
        durations.append((days, ended))
    n = len(durations)
    events = Counter(days for days, ended in durations if ended)
    leaving = Counter(days for days, _ended in durations)
    at_risk = n
    survival, variance = 1.0, 0.0
    steps: list[Step] = []
    last_day = max((days for days, _ in durations), default=0)
    for day in sorted(leaving):
        if at_risk < min_at_risk:
            last_day = day - 1 if steps or day > 0 else 0
            break
        d = events.get(day, 0)
        if d:
            survival *= 1 - d / at_risk
            if at_risk > d:
                variance += d / (at_risk * (at_risk - d))
            low, high = _band(survival, variance)
            steps.append(Step(day, at_risk, d, survival, low, high))
        at_risk -= leaving[day]
    return Curve(n=n, steps=tuple(steps), last_day=last_day)


def _band(survival: float, variance: float) -> tuple[float, float]:
    if survival <= 0.0 or survival >= 1.0 or variance == 0.0:
        return survival, survival
    log_s = math.log(survival)
    spread = Z95 * math.sqrt(variance) / abs(log_s)
    return survival ** math.exp(spread), survival ** math.exp(-spread)


@dataclass(frozen=True, slots=True)
class Retention:
    """Survival of dissenters and of the other members, side by side."""

    dissenters: Curve
    others: Curve

    def as_dict(self) -> dict[str, dict[str, object]]:
        """The shape of the simulator's truth (`retained_12m` None when the curve does not reach 12 months)."""
        return {name: _group(curve) for name, curve in (("dissenters", self.dissenters), ("others", self.others))}


def _group(curve: Curve) -> dict[str, object]:
    at_12, at_24 = curve.at(DAYS_12M), curve.at(DAYS_24M)
    return {
        "n": curve.n,
        "retained_12m": None if at_12 is None else round(at_12.survival, 4),
        "retained_24m": None if at_24 is None else round(at_24.survival, 4),
    }


def retention(spans: Iterable[MembershipSpan], *, as_of: dt.date, min_at_risk: int = K) -> Retention:
    records = list(spans)
    return Retention(
        dissenters=kaplan_meier([s for s in records if s.is_dissenter], as_of=as_of, min_at_risk=min_at_risk),
        others=kaplan_meier([s for s in records if not s.is_dissenter], as_of=as_of, min_at_risk=min_at_risk),
    )
