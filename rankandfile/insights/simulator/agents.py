"""The model: members with conviction, conformity and tolerance; leaders with pile-on propensity, sarcasm and
favouritism; and the rules they meet under. Pure Python and seeded: the same seed gives the same organization.

- *conviction* (0–1): how often a member disagrees with the line; with low *conformity* they say so (a dissent).
- *tolerance* (0–1): how much being silenced (a pile-on they could not answer) a member takes before leaving.
- *pile_on* (0–1): how likely a leader is to rise against a dissent; *sarcasm* makes the answer harder to reply to;
  *favouritism* (0–1): how likely a leader appoints a loyal member, and as chair moves a fellow officer up the list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

EXIT_CAUSES = ("moved away", "no time", "silenced after a pile-on", "passed over for roles")
BASE_MONTHLY_EXIT = 0.006
SILENCED_EXIT = 0.22  # added monthly hazard for a member silenced recently, times (1 − tolerance)
PASSED_OVER_EXIT = 0.01


@dataclass
class Agent:
    index: int
    conviction: float
    conformity: float
    tolerance: float
    pile_on: float = 0.0
    sarcasm: float = 0.0
    favouritism: float = 0.0
    member_id: int = 0
    joined_month: int = 0
    is_leader: bool = False
    left_month: int | None = None
    silenced: float = 0.0  # decays each month
    passed_over: int = 0
    history: list[str] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        return self.left_month is None

    @property
    def is_dissenting_type(self) -> bool:
        return self.conviction > 0.5 and self.conformity < 0.5


def make_agent(rng: random.Random, index: int, month: int = 0) -> Agent:
    return Agent(
        index=index,
        conviction=rng.betavariate(2, 3),
        conformity=rng.betavariate(3, 2),
        tolerance=rng.betavariate(2, 2),
        joined_month=month,
    )


def make_leader(rng: random.Random, agent: Agent) -> Agent:
    agent.is_leader = True
    agent.conformity = max(agent.conformity, 0.7)
    agent.conviction = min(agent.conviction, 0.3)
    agent.pile_on = rng.uniform(0.55, 0.95)
    agent.sarcasm = rng.uniform(0.0, 0.8)
    agent.favouritism = rng.uniform(0.3, 0.9)
    return agent


def will_speak(rng: random.Random, agent: Agent) -> str | None:
    """A member's hand during an item: 'against' (a dissent), 'for', 'question', or None."""
    if rng.random() < agent.conviction * (1 - agent.conformity) * 0.9:
        return "against"
    roll = rng.random()
    if roll < 0.10:
        return "for"
    if roll < 0.16:
        return "question"
    return None


def wants_reply(rng: random.Random, agent: Agent, sarcasm: float) -> bool:
    """After being answered, whether the dissenter asks to speak again (sarcasm makes it less likely)."""
    return rng.random() < 0.55 * (1 - sarcasm) + 0.15 * agent.conviction


def exit_cause(rng: random.Random, agent: Agent) -> str | None:
    """Whether the member leaves this month, and why (one cause: the largest hazard that fired)."""
    silenced = SILENCED_EXIT * min(agent.silenced, 1.0) * (1 - agent.tolerance)
    passed = PASSED_OVER_EXIT * min(agent.passed_over, 2)
    roll = rng.random()
    if roll < silenced:
        return "silenced after a pile-on"
    if roll < silenced + passed:
        return "passed over for roles"
    if roll < silenced + passed + BASE_MONTHLY_EXIT:
        return rng.choice(EXIT_CAUSES[:2])
    return None


def likert(rng: random.Random, agent: Agent) -> int:
    """'I feel free to disagree in meetings', 1 (strongly disagree) to 5 (strongly agree)."""
    base = 4.2 - 2.5 * min(agent.silenced, 1.0) - 0.8 * agent.conviction * (1 - agent.conformity)
    return max(1, min(5, round(base + rng.gauss(0, 0.7))))
