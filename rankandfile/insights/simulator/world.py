"""The simulated organization as the simulator holds it: agents, their members in the database, and the clock."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rankandfile.insights.simulator.agents import Agent
from rankandfile.insights.simulator.truth import Truth
from rankandfile.org.models import Member, RoleType, Unit


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
        return [a for a in self.agents if a.is_active]

    def leaders(self) -> list[Agent]:
        return [a for a in self.agents if a.is_active and a.is_leader]

    def members(self, agents: list[Agent]) -> dict[int, Member]:
        """Fresh member rows (the access caches on a row would outlive a change of roles)."""
        return Member.objects.in_bulk([a.member_id for a in agents])

    def member(self, agent: Agent) -> Member:
        return Member.objects.get(pk=agent.member_id)

    def chair(self) -> Member:
        return Member.objects.get(pk=self.chair_id)
