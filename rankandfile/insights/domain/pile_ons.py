"""Pile-on events, found with the meetings' own definitions (`meetings/domain/debate.py`).

A *dissent* is a debate speech with a side by a member without a role; an *answer* is a role holder's speech on
the side opposite to a dissent made earlier on the item; the *pile-on run* counts answers since the last debate
speech by a member without a role. These are `Debate`'s definitions, the ones the pile-on cap enforces: this module
replays an item's speeches through `Debate` and never redefines them.

A *pile-on event* is a run of `MIN_ANSWERS` (3) or more answers. Its dissent is the latest dissent that the run's
first answer opposes; it was *answered* when the dissenter gave another debate speech on the item after the run
began, and *silenced* otherwise. It was *made possible by an override* when the meeting capped pile-ons and the
chair moved or inserted one of its answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from rankandfile.insights.domain.records import SpeechRecord, Stance
from rankandfile.meetings.domain.debate import SIDES, Debate, opposite

__all__ = ["MIN_ANSWERS", "PileOn", "answered_dissenters", "find_pile_ons"]

MIN_ANSWERS = 3


@dataclass(frozen=True, slots=True)
class PileOn:
    meeting_id: int
    item_id: int
    dissent_speech_id: int
    dissenter_id: int
    answer_ids: tuple[int, ...]
    is_answered: bool
    is_by_override: bool
    on_day: str  # ISO date of the dissent, for trends

    def as_dict(self) -> dict[str, object]:
        """The shape of the simulator's truth file and of `rankandfile insights --format json`."""
        return {
            "meeting": self.meeting_id,
            "item": self.item_id,
            "dissent_speech": self.dissent_speech_id,
            "answers": list(self.answer_ids),
            "answered": self.is_answered,
        }


def find_pile_ons(speeches: Iterable[SpeechRecord]) -> list[PileOn]:
    """Every pile-on event in the speeches (of any number of items), by day, meeting, item and dissent."""
    events = [event for event in _answered_dissents(speeches) if len(event.answer_ids) >= MIN_ANSWERS]
    return sorted(events, key=lambda e: (e.on_day, e.meeting_id, e.item_id, e.dissent_speech_id))


def answered_dissenters(speeches: Iterable[SpeechRecord]) -> set[int]:
    """Members whose dissent drew at least one answer (a run of one or more): who *dissented* for retention.

    A member without a role who took the side the role holders took is, by the meetings' definition, a dissent
    too; only a dissent that a role holder rose to answer marks the member as having disagreed with them.
    """
    return {event.dissenter_id for event in _answered_dissents(speeches)}


def _answered_dissents(speeches: Iterable[SpeechRecord]) -> list[PileOn]:
    """Every run of one or more answers, as an event (a pile-on when it has `MIN_ANSWERS`)."""
    ordered = sorted(speeches, key=lambda s: (s.item_id, s.started_at, s.id))
    events: list[PileOn] = []
    for _item, item_speeches in groupby(ordered, key=lambda s: s.item_id):
        events.extend(_item_runs(list(item_speeches)))
    return events


def _item_runs(speeches: list[SpeechRecord]) -> list[PileOn]:
    debate = Debate(None, {})
    latest_dissent: dict[Stance, SpeechRecord] = {}
    runs: list[tuple[SpeechRecord, list[SpeechRecord], int]] = []  # (dissent, answers, index of the first answer)
    dissent: SpeechRecord | None = None
    answers: list[SpeechRecord] = []
    for index, speech in enumerate(speeches):
        if speech.stance is Stance.POINT_OF_ORDER:
            continue
        if debate.is_answer(speech.stance, speech.is_role_holder):
            if not answers:
                dissent = latest_dissent[opposite(speech.stance)]
                start = index
            answers.append(speech)
        debate.apply(speech.member_id, speech.stance, speech.is_role_holder, is_projected=False)
        if not speech.is_role_holder:  # a member without a role spoke: the run, if any, is over (run is 0)
            if answers and dissent is not None:
                runs.append((dissent, answers, start))
            answers, dissent = [], None
            if speech.stance in SIDES:
                latest_dissent[speech.stance] = speech
    if answers and dissent is not None:
        runs.append((dissent, answers, start))
    return [_event(speeches, d, a, s) for d, a, s in runs]


def _event(speeches: list[SpeechRecord], dissent: SpeechRecord, answers: list[SpeechRecord], start: int) -> PileOn:
    answered = any(
        s.member_id == dissent.member_id and s.stance is not Stance.POINT_OF_ORDER for s in speeches[start + 1 :]
    )
    return PileOn(
        meeting_id=dissent.meeting_id,
        item_id=dissent.item_id,
        dissent_speech_id=dissent.id,
        dissenter_id=dissent.member_id,
        answer_ids=tuple(a.id for a in answers),
        is_answered=answered,
        is_by_override=any(a.is_cap_on and a.is_overridden for a in answers),
        on_day=dissent.started_at.date().isoformat(),
    )
