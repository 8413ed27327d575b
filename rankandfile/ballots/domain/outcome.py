"""What a counted ballot decided: the rule applied after the count (quorum, "none of these", thresholds).

The count itself is rankandfile.counting's; yes/no thresholds and the yes/no quorum are applied there. This module
adds only what the counting package does not know: a quorum for the other kinds, and what a winner means here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rankandfile.ballots.domain.kinds import NONE_OF_THESE, YES, Kind


class Verdict(StrEnum):
    CARRIED = "carried"  # a question: the motion passes
    NOT_CARRIED = "not_carried"
    CHOSEN = "chosen"  # a choice: one alternative wins (possibly "none of these")
    ELECTED = "elected"  # an election: the winners
    NO_QUORUM = "no_quorum"  # too few ballots: nothing is decided
    NO_BALLOTS = "no_ballots"  # nobody voted
    UNDECIDED = "undecided"  # the rule left a tie for a person to break (e.g. a casting vote)
    SURVEYED = "surveyed"  # a survey decides nothing


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    winners: tuple[str, ...] = ()
    quorum_met: bool = True

    @property
    def is_decided(self) -> bool:
        return self.verdict in (Verdict.CARRIED, Verdict.NOT_CARRIED, Verdict.CHOSEN, Verdict.ELECTED)

    @property
    def none_of_these(self) -> bool:
        return self.verdict == Verdict.CHOSEN and self.winners == (NONE_OF_THESE,)


def quorum_met(quorum: int | None, valid: int) -> bool:
    return quorum is None or valid >= quorum


def decide(kind: str, elected: Sequence[str], counting_outcome: str | None, quorum: int | None, valid: int) -> Decision:
    """`elected` and `counting_outcome` come from counting.Result; `valid` is its number of valid ballots."""
    met = quorum_met(quorum, valid)
    if kind == Kind.SURVEY:
        return Decision(Verdict.SURVEYED, tuple(elected), met)
    if valid == 0:
        return Decision(Verdict.NO_BALLOTS, (), met)
    if kind == Kind.QUESTION:
        # counting's yes-no applies the threshold and the quorum (abstentions count towards the quorum).
        if counting_outcome == "no quorum":
            return Decision(Verdict.NO_QUORUM, (), False)
        return Decision(Verdict.CARRIED if YES in elected else Verdict.NOT_CARRIED, (), True)
    if not met:
        return Decision(Verdict.NO_QUORUM, (), False)
    if not elected:
        return Decision(Verdict.UNDECIDED)
    if kind == Kind.CHOICE:
        return Decision(Verdict.CHOSEN, (elected[0],))
    return Decision(Verdict.ELECTED, tuple(elected))


def turnout_percent(cast: int, eligible: int) -> float | None:
    """For display only (never for a decision, which uses exact counts)."""
    return round(100 * cast / eligible, 1) if eligible else None
