"""The state of the debate on one agenda item, kept speech by speech: the bookkeeping of the speaking order.

Who has spoken, how often in the meeting, the sides members without a role took (*dissents*), the *pile-on run*
of role holders answering them, and who is *due a reply*: the definitions are in `speaking_order.py`, whose
`order_speakers` is the one place the order is decided. This module decides nothing about the order; it only
answers what those rules look at, first for the speeches given, then for each speech the planner projects.

Pure standard-library Python, as the rest of `domain/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = ["SIDES", "Debate", "Stance", "opposite"]


class Stance(StrEnum):
    """What a member says they will speak to (and, in the history, what they spoke to)."""

    FOR = "for"
    AGAINST = "against"
    NEUTRAL = "neutral"
    QUESTION = "question"
    POINT_OF_ORDER = "point_of_order"
    REPLY = "reply"


SIDES: frozenset[Stance] = frozenset({Stance.FOR, Stance.AGAINST})


def opposite(side: Stance) -> Stance:
    """The other side: `for` for `against` and the reverse."""
    if side is Stance.FOR:
        return Stance.AGAINST
    if side is Stance.AGAINST:
        return Stance.FOR
    raise ValueError(f"{side.value!r} has no side")


class Debate:
    """What the rules look at, updated one speech at a time (for the history, then for the projection)."""

    def __init__(self, right_of_reply: int | None, meeting_speech_counts: Mapping[int, int]) -> None:
        self._reply_after = right_of_reply
        self.spoken: set[int] = set()
        self.counts: dict[int, int] = dict(meeting_speech_counts)
        self.last_side: Stance | None = None
        self.dissent_sides: set[Stance] = set()
        self.run = 0
        self.due: dict[int, None] = {}  # an ordered set: members due a reply
        self._last_side_of: dict[int, Stance] = {}
        # The member whose last speech started the current stretch of opposing speeches, per side, and how many
        # opposing speeches have followed. Any speech that is not opposing ends a stretch, and a speech with a
        # side starts one, so there is at most one stretch per side.
        self._stretch: dict[Stance, tuple[int, int]] = {}

    def is_answer(self, stance: Stance, is_role_holder: bool) -> bool:
        return is_role_holder and stance in SIDES and opposite(stance) in self.dissent_sides

    def apply(self, member_id: int, stance: Stance, is_role_holder: bool, *, is_projected: bool) -> list[int]:
        """Record a speech; return the members who became due a reply by it.

        The meeting counts already include the history, so only projected speeches add to them.
        """
        if stance is Stance.POINT_OF_ORDER:
            return []
        self.spoken.add(member_id)
        if is_projected:
            self.counts[member_id] = self.counts.get(member_id, 0) + 1
        if not is_role_holder:
            self.run = 0
            if stance in SIDES:
                self.dissent_sides.add(stance)
        elif self.is_answer(stance, is_role_holder):
            self.run += 1
        if stance in SIDES:
            self.last_side = stance
        return self._apply_to_replies(member_id, stance)

    def _apply_to_replies(self, member_id: int, stance: Stance) -> list[int]:
        needed = self._reply_after
        if needed is None:
            return []
        side = stance if stance in SIDES else None
        if stance is Stance.REPLY:
            side = self._last_side_of.get(member_id)
        self.due.pop(member_id, None)
        newly_due: list[int] = []
        stretch: dict[Stance, tuple[int, int]] = {}
        for their_side, (member, answers) in self._stretch.items():
            if member == member_id or side is None or side is their_side:
                continue
            if answers + 1 >= needed:
                self.due[member] = None
                newly_due.append(member)
            else:
                stretch[their_side] = (member, answers + 1)
        if side is not None:
            stretch[side] = (member_id, 0)
        self._stretch = stretch
        if stance in SIDES:
            self._last_side_of[member_id] = stance
        return newly_due
