"""What the model did, kept by the simulator as it happened: the ground truth the measures must recover.

The model's leaders answer the latest dissent: after a member without a role speaks against the line, leaders who
rise against them speak to that dissent until a member without a role speaks again. The simulator writes down each
speech as it is given, and here keeps its own account of those runs; nothing is read back from the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rankandfile.insights.domain.records import MembershipSpan
from rankandfile.insights.domain.survival import retention


@dataclass
class ItemLog:
    meeting_id: int
    item_id: int
    dissent: tuple[int, int] | None = None  # (speech id, member id) of the latest dissent
    answers: list[int] = field(default_factory=list)
    runs: list[tuple[int, int, list[int], int]] = field(default_factory=list)  # dissent, dissenter, answers, at
    spoken_after: list[tuple[int, int]] = field(default_factory=list)  # (member, position) of members' speeches
    answered_dissenters: set[int] = field(default_factory=set)
    position: int = 0

    def given(self, speech_id: int, member_id: int, stance: str, is_leader: bool) -> None:
        self.position += 1
        if stance == "point_of_order":
            return
        if not is_leader:
            self._close()
            self.spoken_after.append((member_id, self.position))
            if stance == "against":  # the model's members dissent against the line
                self.dissent = (speech_id, member_id)
            return
        if stance == "for" and self.dissent is not None:  # leaders answer for the line
            if not self.answers:
                self.answered_dissenters.add(self.dissent[1])
                self._start = self.position
            self.answers.append(speech_id)

    _start = 0

    def _close(self) -> None:
        if self.dissent is not None and len(self.answers) >= 3:
            self.runs.append((self.dissent[0], self.dissent[1], list(self.answers), self._start))
        self.answers = []

    def finish(self) -> list[dict[str, object]]:
        self._close()
        events = []
        for dissent_id, dissenter, answers, start in self.runs:
            answered = any(member == dissenter and pos > start for member, pos in self.spoken_after)
            events.append(
                {
                    "meeting": self.meeting_id,
                    "item": self.item_id,
                    "dissent_speech": dissent_id,
                    "answers": answers,
                    "answered": answered,
                }
            )
        return events


@dataclass
class Truth:
    pile_ons: list[dict[str, object]] = field(default_factory=list)
    dissenters: set[int] = field(default_factory=set)
    exits: list[dict[str, object]] = field(default_factory=list)
    spans: dict[int, tuple[dt.date, dt.date | None]] = field(default_factory=dict)

    def as_dict(self, *, as_of: dt.date) -> dict[str, object]:
        spans = [
            MembershipSpan(member, joined, ended, member in self.dissenters)
            for member, (joined, ended) in sorted(self.spans.items())
        ]
        return {
            "pile_ons": sorted(self.pile_ons, key=lambda e: (e["meeting"], e["item"], e["dissent_speech"])),
            "dissenters": sorted(self.dissenters),
            "exits": self.exits,
            "retention": retention(spans, as_of=as_of).as_dict(),
        }
