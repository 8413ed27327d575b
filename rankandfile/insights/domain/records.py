"""The plain records the measures read: what the database (or the simulator) says happened, nothing more."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rankandfile.meetings.domain.debate import Stance

__all__ = [
    "ElectionRecord",
    "MembershipSpan",
    "OverrideRecord",
    "ProposalRecord",
    "PublicAct",
    "SpeechRecord",
    "Stance",
    "TermRecord",
]


@dataclass(frozen=True, slots=True)
class SpeechRecord:
    """One speech as given, in the order of the item's debate (`started_at`, then `id`)."""

    id: int
    meeting_id: int
    item_id: int
    member_id: int
    stance: Stance
    is_role_holder: bool
    seconds: int
    started_at: dt.datetime
    # The chair moved or inserted the request this speech came from (an override put it where it was).
    is_overridden: bool = False
    # The meeting's rules capped pile-ons (`pile_on_cap` was set).
    is_cap_on: bool = False


@dataclass(frozen=True, slots=True)
class MembershipSpan:
    """A member's time in a unit: from joining to leaving (or lapsing), or still a member (`ended_on` None)."""

    member_id: int
    joined_on: dt.date
    ended_on: dt.date | None
    is_dissenter: bool


@dataclass(frozen=True, slots=True)
class TermRecord:
    """One role term: who held which role, when, and how the seat was filled."""

    holder_id: int
    role_type_id: int
    starts_on: dt.date
    ends_on: dt.date | None
    how_filled: str  # elected | acclaimed | appointed


@dataclass(frozen=True, slots=True)
class OverrideRecord:
    """A chair override: its kind, who chaired, and whether the member it moved forward held a role."""

    meeting_id: int
    chair_id: int
    action: str  # move | insert | remove | extend
    on: dt.date
    moved_role_holder: bool | None  # None: the override moved nobody forward (remove, extend)


@dataclass(frozen=True, slots=True)
class ProposalRecord:
    """A proposal or counter-proposal: whether its author held a role when filing, reached a ballot, and won."""

    id: int
    filed_on: dt.date
    is_counter: bool
    by_role_holder: bool
    reached_ballot: bool
    won: bool
    author_id: int | None = None


@dataclass(frozen=True, slots=True)
class ElectionRecord:
    """A decided election: how many seats, how many candidates stood when nominations closed, and its outcome."""

    id: int
    decided_on: dt.date
    seats: int
    candidates: frozenset[int]  # the members standing
    outcome: str  # elected | acclaimed | none | undecided


@dataclass(frozen=True, slots=True)
class PublicAct:
    """An act of an officer already public in the minutes or the role history: a chair override or an appointment.

    `where` is what it links to (a meeting or a unit's role history), `what` says what was done, `reason` why.
    """

    kind: str  # override | appointment
    on: dt.date
    id: int
    where: int
    actor: str
    what: str
    reason: str
