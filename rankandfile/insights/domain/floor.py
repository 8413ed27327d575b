"""Floor share: speaking time and turns of role holders and of members without a role.

A *turn* is a debate speech (points of order are procedure and are not counted). `share` of a group is its
seconds over all seconds; a *first-time speaker* is a member giving their first speech in the records given
(so, over a quarter's records, their first speech that quarter in the unit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from rankandfile.insights.domain.records import SpeechRecord, Stance

__all__ = ["FloorGroup", "FloorShare", "floor_by_meeting", "floor_share"]


@dataclass(frozen=True, slots=True)
class FloorGroup:
    turns: int
    seconds: int
    speakers: int  # distinct members

    def share_of(self, total_seconds: int) -> float | None:
        return None if total_seconds == 0 else float(Fraction(self.seconds, total_seconds))


@dataclass(frozen=True, slots=True)
class FloorShare:
    role_holders: FloorGroup
    others: FloorGroup
    first_time_turns: int
    first_time_seconds: int
    first_time_speakers: int

    @property
    def total_seconds(self) -> int:
        return self.role_holders.seconds + self.others.seconds

    @property
    def total_turns(self) -> int:
        return self.role_holders.turns + self.others.turns


def floor_share(speeches: Iterable[SpeechRecord]) -> FloorShare:
    turns = {True: 0, False: 0}
    seconds = {True: 0, False: 0}
    speakers: dict[bool, set[int]] = {True: set(), False: set()}
    seen: set[int] = set()
    first_turns = first_seconds = 0
    for speech in sorted(speeches, key=lambda s: (s.started_at, s.id)):
        if speech.stance is Stance.POINT_OF_ORDER:
            continue
        group = speech.is_role_holder
        turns[group] += 1
        seconds[group] += max(speech.seconds, 0)
        speakers[group].add(speech.member_id)
        if speech.member_id not in seen:
            seen.add(speech.member_id)
            first_turns += 1
            first_seconds += max(speech.seconds, 0)
    return FloorShare(
        role_holders=FloorGroup(turns[True], seconds[True], len(speakers[True])),
        others=FloorGroup(turns[False], seconds[False], len(speakers[False])),
        first_time_turns=first_turns,
        first_time_seconds=first_seconds,
        first_time_speakers=len(seen),
    )


def floor_by_meeting(speeches: Iterable[SpeechRecord]) -> dict[int, FloorShare]:
    """`floor_share` of each meeting's speeches (first-time speakers: first speech in that meeting's records)."""
    groups: dict[int, list[SpeechRecord]] = {}
    for speech in speeches:
        groups.setdefault(speech.meeting_id, []).append(speech)
    return {meeting: floor_share(group) for meeting, group in sorted(groups.items())}
