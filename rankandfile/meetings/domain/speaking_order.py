"""The order of the speaking list: the one place where it is decided.

`order_speakers` takes the waiting requests of one agenda item, the speeches already given on that item and the
rules, and returns the whole queue, each entry with the reasons that put it there. The member view, the chair
console and the projector all show this one result; nothing else sorts speaking requests.

Pure standard-library Python: no Django, no I/O, frozen dataclasses in and out. The rules and their exact
definitions are documented for chairs and members in `docs/meetings.md` ("The speaking list"); in short:

- A *debate speech* is any speech but a point of order. Points of order are procedural: they do not count as
  having spoken, use no speaking allowance, and every rule below looks straight through them.
- The *side* of a speech or request is `for` or `against`; the other stances have no side.
- A *dissent* is a debate speech with a side by a member who holds no role. We do not guess which side is "the
  line": role holders answering a member without a role one after another is a pile-on whichever side the member
  took.
- An *answer* is a debate speech by a role holder whose side is opposite to a dissent made earlier on the item.
- The *pile-on run* is the number of answers since the last debate speech by a member without a role (or since
  the start of the item). Other speeches by role holders neither add to it nor end it.
- A member is *due a reply* when the first N debate speeches after their own last debate speech all took the side
  opposite to theirs (for a reply speech, "theirs" is the side of the member's last for/against speech on the
  item). The right lasts until the member speaks again on the item.

The pile-on run and who is due a reply are kept, speech by speech, in `debate.py` (`Debate`), which decides
nothing: this module reads that state and alone decides the order.

The queue is built by projection: the function repeatedly picks who would speak next, pretends that speech
happened (with no time used), and picks again. So calling the first entry and recomputing gives the rest of the
queue unchanged, unless new requests arrive or the speech used up a member's time on the item.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum, StrEnum

from rankandfile.meetings.domain.debate import Debate, Stance, opposite

__all__ = [
    "DEFAULT_PRESET",
    "PRESETS",
    "PastSpeech",
    "QueueEntry",
    "Reason",
    "ReasonCode",
    "Rules",
    "SpeakingOrder",
    "Stance",
    "WaitingRequest",
    "opposite",
    "order_speakers",
]


# --- inputs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WaitingRequest:
    """A raised hand that has not been called yet.

    `reply_to` optionally names the member whose speech a `reply` answers; it is carried through for display and
    plays no part in the order (who is due a reply follows from the history alone).
    """

    id: int
    member_id: int
    stance: Stance
    requested_at: datetime
    is_role_holder: bool = False
    reply_to: int | None = None


@dataclass(frozen=True, slots=True)
class PastSpeech:
    """A speech already given (or under way) on this item, as recorded; the history lists them oldest first."""

    member_id: int
    stance: Stance
    is_role_holder: bool = False
    duration_seconds: int = 0


# --- rules and presets --------------------------------------------------------------------------------------

_FLAG_NAMES = ("points_of_order_first", "first_time_speakers_first", "alternate_for_against")
_LIMIT_MINIMUMS = {
    "pile_on_cap": 0,
    "right_of_reply": 1,
    "speech_seconds": 1,
    "member_item_seconds": 1,
}


@dataclass(frozen=True, slots=True)
class Rules:
    """The rule set of a meeting. The defaults are the "fair" preset.

    Switches are booleans; a rule with a parameter is off when the parameter is `None`:
    `pile_on_cap` is K (role-holder answers allowed in a row), `right_of_reply` is N (opposing speeches in a row
    that earn a reply), `speech_seconds` limits one speech and `member_item_seconds` one member's total on an item.
    """

    points_of_order_first: bool = True
    first_time_speakers_first: bool = True
    alternate_for_against: bool = True
    pile_on_cap: int | None = 2
    right_of_reply: int | None = 2
    speech_seconds: int | None = 180
    member_item_seconds: int | None = 360

    def __post_init__(self) -> None:
        for name in _FLAG_NAMES:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        for name, minimum in _LIMIT_MINIMUMS.items():
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number or null")
            if value < minimum:
                raise ValueError(f"{name} must be at least {minimum}")

    def to_dict(self) -> dict[str, bool | int | None]:
        """A plain dict for a JSONField; `Rules.from_dict` reads it back."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Rules:
        """Read a dict written by `to_dict`; unknown or missing keys and wrong types raise `ValueError`."""
        names = {field.name for field in fields(cls)}
        unknown = sorted(set(data) - names)
        missing = sorted(names - set(data))
        if unknown or missing:
            raise ValueError(f"rules dict has unknown keys {unknown} and missing keys {missing}")
        return cls(
            points_of_order_first=_read_flag(data, "points_of_order_first"),
            first_time_speakers_first=_read_flag(data, "first_time_speakers_first"),
            alternate_for_against=_read_flag(data, "alternate_for_against"),
            pile_on_cap=_read_limit(data, "pile_on_cap"),
            right_of_reply=_read_limit(data, "right_of_reply"),
            speech_seconds=_read_limit(data, "speech_seconds"),
            member_item_seconds=_read_limit(data, "member_item_seconds"),
        )


def _read_flag(data: Mapping[str, object], name: str) -> bool:
    value = data[name]
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def _read_limit(data: Mapping[str, object], name: str) -> int | None:
    value = data[name]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number or null")
    return value


PRESETS: dict[str, Rules] = {
    # First come, first served, no time limits: every rule off.
    "open": Rules(
        points_of_order_first=False,
        first_time_speakers_first=False,
        alternate_for_against=False,
        pile_on_cap=None,
        right_of_reply=None,
        speech_seconds=None,
        member_item_seconds=None,
    ),
    # Every rule on: K = 2, N = 2, 3 minutes a speech, 6 minutes per member per item.
    "fair": Rules(),
    # As fair, with the tighter times of a large convention.
    "convention": Rules(speech_seconds=120, member_item_seconds=240),
}
DEFAULT_PRESET = "fair"


# --- outputs ------------------------------------------------------------------------------------------------


class ReasonCode(StrEnum):
    """Why an entry is where it is; the chair console shows `Reason.text` and may style by code."""

    POINT_OF_ORDER = "point_of_order"
    RIGHT_OF_REPLY = "right_of_reply"
    PILE_ON_CAP = "pile_on_cap"
    ALTERNATION = "alternation"
    FIRST_TIME_SPEAKER = "first_time_speaker"
    FEWER_SPEECHES = "fewer_speeches"
    REQUEST_ORDER = "request_order"
    OVER_ITEM_ALLOWANCE = "over_item_allowance"
    HELD_BY_PILE_ON_CAP = "held_by_pile_on_cap"
    HELD_BY_ALTERNATION = "held_by_alternation"


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    text: str


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One place in the queue.

    `reasons` first name the rule that put the request at this place (several when rules combined), then any rule
    that held it back earlier in the queue. Times are in seconds: `seconds_allowed` is the limit for this speech
    (`None` when unlimited), `item_seconds_used`/`item_seconds_remaining` the member's allowance on the item.
    """

    position: int
    request: WaitingRequest
    reasons: tuple[Reason, ...]
    seconds_allowed: int | None
    item_seconds_used: int
    item_seconds_remaining: int | None
    is_over_item_allowance: bool

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        return tuple(reason.code for reason in self.reasons)


@dataclass(frozen=True, slots=True)
class SpeakingOrder:
    """The computed queue plus the state of the debate after the speeches given so far.

    `reply_due_for` lists the members currently due a reply, in the order they became due, whether or not they
    have asked for it (the app offers it to them). `pile_on_run` is the current pile-on run (0 when the rule is
    off) and `last_side` the side of the last for/against speech on the item.
    """

    entries: tuple[QueueEntry, ...]
    reply_due_for: tuple[int, ...]
    pile_on_run: int
    is_pile_on_cap_reached: bool
    last_side: Stance | None


# --- the projection -----------------------------------------------------------------------------------------


class _Kind(Enum):
    FOR = "for"
    AGAINST = "against"
    OTHER = "other"  # neutral, question, and a reply that is not (yet) due
    PROCEDURAL = "procedural"  # a point of order, when points of order do not go first


_Class = tuple[_Kind, bool]  # (kind, is_role_holder)
_FairKey = tuple[int, int, datetime, int]  # (has spoken on the item, speeches in the meeting, requested at, id)
_TimeKey = tuple[datetime, int]
_KIND_OF_SIDE = {Stance.FOR: _Kind.FOR, Stance.AGAINST: _Kind.AGAINST}
_SIDE_OF_KIND = {kind: side for side, kind in _KIND_OF_SIDE.items()}
_CLASSES: tuple[_Class, ...] = tuple((kind, holder) for kind in _Kind for holder in (False, True))


def _kind(stance: Stance) -> _Kind:
    if stance is Stance.POINT_OF_ORDER:
        return _Kind.PROCEDURAL
    return _KIND_OF_SIDE.get(stance, _Kind.OTHER)


class _Pool:
    """Ordinary requests by class, each class in a heap by fairness key and one by request time."""

    def __init__(self) -> None:
        self.fair: dict[_Class, list[_FairKey]] = {cls: [] for cls in _CLASSES}
        self.by_time: dict[_Class, list[_TimeKey]] = {cls: [] for cls in _CLASSES}


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class _Planner:
    def __init__(
        self,
        requests: Mapping[int, WaitingRequest],
        debate: Debate,
        rules: Rules,
        over_allowance: set[int],
    ) -> None:
        self.requests = requests
        self.debate = debate
        self.rules = rules
        self.placed: set[int] = set()
        self.points_of_order: list[_TimeKey] = []
        self.replies: dict[int, list[WaitingRequest]] = {}
        self.due_replies: list[_TimeKey] = []
        self.held: dict[int, dict[ReasonCode, Reason]] = {}
        self.pools = (_Pool(), _Pool())  # within the item allowance, then over it
        for request in requests.values():
            time_key = (request.requested_at, request.id)
            if request.stance is Stance.REPLY:
                self.replies.setdefault(request.member_id, []).append(request)
            if request.stance is Stance.POINT_OF_ORDER and rules.points_of_order_first:
                self.points_of_order.append(time_key)
                continue
            pool = self.pools[request.stance is not Stance.POINT_OF_ORDER and request.member_id in over_allowance]
            cls = (_kind(request.stance), request.is_role_holder)
            pool.fair[cls].append(self.fair_key(request))
            pool.by_time[cls].append(time_key)
        heapq.heapify(self.points_of_order)
        for pool in self.pools:
            for fair_heap in pool.fair.values():
                heapq.heapify(fair_heap)
            for time_heap in pool.by_time.values():
                heapq.heapify(time_heap)
        if rules.right_of_reply is not None:
            for member_id in debate.due:
                self._offer_replies(member_id)

    def fair_key(self, request: WaitingRequest) -> _FairKey:
        if not self.rules.first_time_speakers_first:
            return (0, 0, request.requested_at, request.id)
        member_id = request.member_id
        return (
            int(member_id in self.debate.spoken),
            self.debate.counts.get(member_id, 0),
            request.requested_at,
            request.id,
        )

    def plan(self) -> list[tuple[WaitingRequest, list[Reason]]]:
        planned: list[tuple[WaitingRequest, list[Reason]]] = []
        for pool in self.pools:
            while (pick := self._pick(pool)) is not None:
                request = pick[0]
                self.placed.add(request.id)
                planned.append(pick)
                for member_id in self.debate.apply(
                    request.member_id, request.stance, request.is_role_holder, is_projected=True
                ):
                    self._offer_replies(member_id)
        return planned

    def _offer_replies(self, member_id: int) -> None:
        for request in self.replies.get(member_id, ()):
            if request.id not in self.placed:
                heapq.heappush(self.due_replies, (request.requested_at, request.id))

    def _pick(self, pool: _Pool) -> tuple[WaitingRequest, list[Reason]] | None:
        if self.points_of_order:
            _, request_id = heapq.heappop(self.points_of_order)
            reason = Reason(ReasonCode.POINT_OF_ORDER, "point of order: before the debate goes on")
            return self.requests[request_id], [reason]
        while self.due_replies:
            _, request_id = heapq.heappop(self.due_replies)
            request = self.requests[request_id]
            if request_id not in self.placed and request.member_id in self.debate.due:
                text = f"right of reply: answered by {self.rules.right_of_reply} opposing speeches in a row"
                return request, [Reason(ReasonCode.RIGHT_OF_REPLY, text)]
        return self._pick_ordinary(pool)

    def _fair_head(self, heap: list[_FairKey]) -> _FairKey | None:
        while heap:
            key = heap[0]
            request_id = key[3]
            if request_id in self.placed:
                heapq.heappop(heap)
                continue
            current = self.fair_key(self.requests[request_id])
            if current != key:  # the member has spoken since: their key only grows
                heapq.heapreplace(heap, current)
                continue
            return key
        return None

    def _time_head(self, heap: list[_TimeKey]) -> _TimeKey | None:
        while heap and heap[0][1] in self.placed:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def _hold(self, keys: Iterable[_FairKey], winner: _FairKey, reason: Reason) -> None:
        for key in keys:
            if key < winner:
                self.held.setdefault(key[3], {}).setdefault(reason.code, reason)

    def _pick_ordinary(self, pool: _Pool) -> tuple[WaitingRequest, list[Reason]] | None:
        heads: dict[_Class, _FairKey] = {}
        for cls, heap in pool.fair.items():
            head = self._fair_head(heap)
            if head is not None:
                heads[cls] = head
        if not heads:
            return None
        debate, rules = self.debate, self.rules

        # Pile-on cap: while a member without a role waits, role holders' answers wait once the run reaches K.
        eligible = heads
        capped: dict[_Class, _FairKey] = {}
        cap = rules.pile_on_cap
        if cap is not None and debate.run >= cap:
            relief = any(not holder and kind is not _Kind.PROCEDURAL for kind, holder in heads)
            if relief:
                capped = {cls: key for cls, key in heads.items() if cls[1] and self._is_answer_kind(cls[0])}
                eligible = {cls: key for cls, key in heads.items() if cls not in capped}

        # The best request with a side takes the next for/against turn; alternation decides which side it is.
        sided = {cls: key for cls, key in eligible.items() if cls[0] in (_Kind.FOR, _Kind.AGAINST)}
        unsided = [key for cls, key in eligible.items() if cls[0] not in (_Kind.FOR, _Kind.AGAINST)]
        best_unsided = min(unsided) if unsided else None
        best_sided = min(sided.values()) if sided else None
        reasons: list[Reason] = []
        if best_sided is None or (best_unsided is not None and best_unsided < best_sided):
            assert best_unsided is not None
            winner = best_unsided
        else:
            winner = best_sided
            last = debate.last_side
            if rules.alternate_for_against and last is not None:
                wanted = [key for cls, key in sided.items() if cls[0] is _KIND_OF_SIDE[opposite(last)]]
                waiting_same = [key for cls, key in sided.items() if cls[0] is _KIND_OF_SIDE[last]]
                if wanted and waiting_same:
                    winner = min(wanted)
                    if winner != best_sided:
                        now = opposite(last)
                        reasons.append(Reason(ReasonCode.ALTERNATION, f"alternating: {now} after {last}"))
                        self._hold(
                            waiting_same,
                            winner,
                            Reason(
                                ReasonCode.HELD_BY_ALTERNATION,
                                f"held back by alternation: {last} waited for {now}",
                            ),
                        )

        if capped and min(heads.values()) != min(eligible.values()):
            text = (
                f"pile-on cap: {debate.run} role-holder answers in a row; "
                "further answers wait for a member without a role"
            )
            reasons.insert(0, Reason(ReasonCode.PILE_ON_CAP, text))
            self._hold(
                capped.values(),
                winner,
                Reason(ReasonCode.HELD_BY_PILE_ON_CAP, "held back by the pile-on cap"),
            )

        reasons.extend(self._fairness_reasons(pool, eligible, winner))
        if not reasons:
            reasons.append(Reason(ReasonCode.REQUEST_ORDER, "in order of request"))
        return self.requests[winner[3]], reasons

    def _is_answer_kind(self, kind: _Kind) -> bool:
        side = _SIDE_OF_KIND.get(kind)
        return side is not None and self.debate.is_answer(side, is_role_holder=True)

    def _fairness_reasons(self, pool: _Pool, eligible: Mapping[_Class, _FairKey], winner: _FairKey) -> list[Reason]:
        """Name the first-time rule when it put the winner before an earlier request."""
        if not self.rules.first_time_speakers_first:
            return []
        earliest: _TimeKey | None = None
        for cls in eligible:
            head = self._time_head(pool.by_time[cls])
            if head is not None and (earliest is None or head < earliest):
                earliest = head
        if earliest is None or earliest[1] == winner[3]:
            return []
        passed = self.fair_key(self.requests[earliest[1]])
        if not winner < passed:
            return []
        if winner[0] < passed[0]:
            return [Reason(ReasonCode.FIRST_TIME_SPEAKER, "has not spoken on this item")]
        if winner[1] < passed[1]:
            text = f"fewer speeches in this meeting ({winner[1]} against {passed[1]})"
            return [Reason(ReasonCode.FEWER_SPEECHES, text)]
        return []


# --- the function -------------------------------------------------------------------------------------------


def order_speakers(
    requests: Iterable[WaitingRequest],
    history: Iterable[PastSpeech],
    rules: Rules,
    *,
    meeting_speech_counts: Mapping[int, int] | None = None,
) -> SpeakingOrder:
    """Order the waiting requests of one agenda item.

    `history` is the item's speeches so far, oldest first. `meeting_speech_counts` maps a member to their debate
    speeches (points of order excluded) in the whole meeting, this item's included; missing members count 0.

    Rules apply in this order of precedence, each only when on:
    1. points of order, by request time;
    2. a `reply` request from a member due a reply, by request time;
    3. the pile-on cap holds back role holders' answers (see the module docstring);
    4. alternation: while both sides wait, the next for/against turn goes to the side that did not speak last;
    5. first-time speakers first, then fewest speeches in the meeting;
    6. request time, then request id.
    Requests of members who have used their whole time on the item come after all others (points of order and
    due replies excepted), in the same order among themselves. The result is deterministic and does not depend on
    the order of the inputs.
    """
    by_id: dict[int, WaitingRequest] = {}
    for request in requests:
        if request.id in by_id:
            raise ValueError(f"request {request.id} is listed twice")
        by_id[request.id] = request

    debate = Debate(rules.right_of_reply, meeting_speech_counts or {})
    used: dict[int, int] = {}
    for speech in history:
        if speech.duration_seconds < 0:
            raise ValueError("a speech cannot last less than zero seconds")
        debate.apply(speech.member_id, speech.stance, speech.is_role_holder, is_projected=False)
        if speech.stance is not Stance.POINT_OF_ORDER:
            used[speech.member_id] = used.get(speech.member_id, 0) + speech.duration_seconds
    reply_due_for = tuple(debate.due)
    pile_on_run = debate.run if rules.pile_on_cap is not None else 0
    is_cap_reached = rules.pile_on_cap is not None and pile_on_run >= rules.pile_on_cap
    last_side = debate.last_side

    limit = rules.member_item_seconds
    over = {member for member, seconds in used.items() if limit is not None and seconds >= limit}
    planner = _Planner(by_id, debate, rules, over)
    entries: list[QueueEntry] = []
    for position, (request, reasons) in enumerate(planner.plan(), start=1):
        member_id = request.member_id
        member_used = used.get(member_id, 0)
        remaining = None if limit is None else max(limit - member_used, 0)
        is_over = member_id in over
        # Points of order use no allowance, and the right of reply is not lost to it: it exists because
        # others spoke against the member.
        is_exempt = request.stance is Stance.POINT_OF_ORDER or reasons[0].code is ReasonCode.RIGHT_OF_REPLY
        if is_over and not is_exempt:
            text = f"has used {_clock(member_used)} of {_clock(limit or 0)} on this item: after everyone else"
            reasons.insert(0, Reason(ReasonCode.OVER_ITEM_ALLOWANCE, text))
        reasons.extend(planner.held.get(request.id, {}).values())
        entries.append(
            QueueEntry(
                position=position,
                request=request,
                reasons=tuple(reasons),
                seconds_allowed=_allowance(rules.speech_seconds, None if is_exempt else remaining),
                item_seconds_used=member_used,
                item_seconds_remaining=remaining,
                is_over_item_allowance=is_over,
            )
        )
    return SpeakingOrder(
        entries=tuple(entries),
        reply_due_for=reply_due_for,
        pile_on_run=pile_on_run,
        is_pile_on_cap_reached=is_cap_reached,
        last_side=last_side,
    )


def _allowance(speech_seconds: int | None, remaining: int | None) -> int | None:
    if speech_seconds is None:
        return remaining
    if remaining is None:
        return speech_seconds
    return min(speech_seconds, remaining)
