"""Paths to adoption, and chair overrides, counted by who they came from or served.

For proposals and counter-proposals by members without a role and by role holders: how many were filed, how many
reached a ballot, how many won (`reach rate` = reached / filed, `win rate` = won / filed). Overrides are counted by
kind, and those that moved a member forward (move, insert) by whether that member held a role.

A *minority position* is a counter-proposal (by anyone) or a proposal by a member without a role;
`summarize_minority` tallies them with the number of distinct authors (the members a win rate is computed over).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rankandfile.insights.domain.records import OverrideRecord, ProposalRecord

__all__ = [
    "AdoptionGroup",
    "MinorityTally",
    "OverrideSummary",
    "is_minority_position",
    "summarize_adoption",
    "summarize_minority",
    "summarize_overrides",
]


@dataclass(frozen=True, slots=True)
class AdoptionGroup:
    filed: int
    reached_ballot: int
    won: int

    @property
    def reach_rate(self) -> float | None:
        return None if self.filed == 0 else self.reached_ballot / self.filed

    @property
    def win_rate(self) -> float | None:
        return None if self.filed == 0 else self.won / self.filed


def summarize_adoption(proposals: Iterable[ProposalRecord]) -> dict[str, AdoptionGroup]:
    """Groups `role_holders` and `others` (members without a role), and `counter_proposals` of either."""
    tallies: dict[str, list[int]] = {"role_holders": [0, 0, 0], "others": [0, 0, 0], "counter_proposals": [0, 0, 0]}
    for proposal in proposals:
        keys = ["role_holders" if proposal.by_role_holder else "others"]
        if proposal.is_counter:
            keys.append("counter_proposals")
        for key in keys:
            tally = tallies[key]
            tally[0] += 1
            tally[1] += proposal.reached_ballot
            tally[2] += proposal.won
    return {key: AdoptionGroup(*tally) for key, tally in tallies.items()}


def is_minority_position(proposal: ProposalRecord) -> bool:
    return proposal.is_counter or not proposal.by_role_holder


@dataclass(frozen=True, slots=True)
class MinorityTally:
    filed: int
    won: int
    authors: int  # distinct authors (a proposal of unknown author counts as one more)

    @property
    def win_rate(self) -> float | None:
        return None if self.filed == 0 else self.won / self.filed


def summarize_minority(proposals: Iterable[ProposalRecord]) -> MinorityTally:
    """Minority positions among `proposals`: how many were filed, how many won, by how many distinct authors."""
    minority = [p for p in proposals if is_minority_position(p)]
    known = {p.author_id for p in minority if p.author_id is not None}
    unknown = sum(1 for p in minority if p.author_id is None)
    return MinorityTally(len(minority), sum(1 for p in minority if p.won), len(known) + unknown)


@dataclass(frozen=True, slots=True)
class OverrideSummary:
    total: int
    by_action: dict[str, int]
    moved_role_holders: int
    moved_others: int
    chairs: int
    meetings: int


def summarize_overrides(overrides: Iterable[OverrideRecord]) -> OverrideSummary:
    records = list(overrides)
    return OverrideSummary(
        total=len(records),
        by_action=dict(Counter(o.action for o in records)),
        moved_role_holders=sum(1 for o in records if o.moved_role_holder is True),
        moved_others=sum(1 for o in records if o.moved_role_holder is False),
        chairs=len({o.chair_id for o in records}),
        meetings=len({o.meeting_id for o in records}),
    )
