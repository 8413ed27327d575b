"""The simulated organization as the simulator holds it: agents, their members in the database, and the clock."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rankandfile.insights.simulator.agents import Agent
from rankandfile.insights.simulator.truth import Truth
from rankandfile.org.models import Member, RoleTerm, RoleType, Unit


@dataclass
class World:
    unit: Unit
    rules: str
    rng: random.Random
    start: dt.date
    traveller: Any  # time_machine's traveller: `move_to` sets the simulated moment
    agents: list[Agent] = field(default_factory=list)
    by_member: dict[int, Agent] = field(default_factory=dict)
    truth: Truth = field(default_factory=Truth)
    chair_role: RoleType | None = None
    committee_role: RoleType | None = None
    chair_id: int = 0
    tag: str = ""
    now: dt.datetime | None = None
    # An existing unit's history (the demo): its members and roles are given; the model only acts and may leave.
    is_adopted: bool = False
    protected: set[int] = field(default_factory=set)  # members the model never makes leave (role holders)

    @property
    def clock(self) -> dt.datetime:
        """The simulated moment (set by the first `at`)."""
        assert self.now is not None
        return self.now

    def at(self, moment: dt.datetime) -> None:
        """Move the simulated clock (never backwards)."""
        if self.now is not None and moment < self.now:
            moment = self.now
        self.now = moment
        self.traveller.move_to(moment)

    def at_day(self, day: dt.date, hour: int = 19, minute: int = 0) -> None:
        self.at(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))))

    def later(self, **delta: float) -> None:
        assert self.now is not None
        self.at(self.now + dt.timedelta(**delta))

    def active(self) -> list[Agent]:
        """Members now: joined by the simulated day and not gone."""
        today = self.clock.date() if self.now is not None else self.start
        return [a for a in self.agents if a.is_active and self.truth.spans[a.member_id][0] <= today]

    def leaders(self) -> list[Agent]:
        return [a for a in self.agents if a.is_active and a.is_leader]

    def members(self, agents: list[Agent]) -> dict[int, Member]:
        """Fresh member rows (the access caches on a row would outlive a change of roles)."""
        return Member.objects.in_bulk([a.member_id for a in agents])

    def member(self, agent: Agent) -> Member:
        return Member.objects.get(pk=agent.member_id)

    def chair(self, capability: str = "") -> Member:
        """Who acts for the unit: the simulated chair, or, in an adopted unit, a current holder of `capability`
        in the unit (or a unit above it), the unit's own officers first."""
        if not self.is_adopted or not capability:
            return Member.objects.get(pk=self.chair_id)
        day = self.clock.date()
        terms = (
            RoleTerm.objects.current(day)
            .filter(role_type__unit__path__in=self.unit.ancestor_paths())
            .order_by("-role_type__unit__depth", "id")
            .values_list("holder_id", "role_type__capabilities")
        )
        for holder, capabilities in terms:
            if capability in (capabilities or []):
                return Member.objects.get(pk=holder)
        raise LookupError(f"nobody holds {capability} over {self.unit.path} on {day}")
