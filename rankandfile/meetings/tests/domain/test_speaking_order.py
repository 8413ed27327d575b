"""The speaking order: worked examples for each rule, then properties over simulated meetings.

The examples mirror `docs/meetings.md` ("The speaking list"). The property tests restate each rule's definition
independently of the implementation (the `_oracle_*` helpers) and check it against the function, step by step,
while a simulated chair calls the first entry again and again and new hands go up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rankandfile.meetings.domain.speaking_order import (
    DEFAULT_PRESET,
    PRESETS,
    PastSpeech,
    ReasonCode,
    Rules,
    SpeakingOrder,
    Stance,
    WaitingRequest,
    opposite,
    order_speakers,
)

FOR, AGAINST, NEUTRAL, QUESTION, POO, REPLY = (
    Stance.FOR,
    Stance.AGAINST,
    Stance.NEUTRAL,
    Stance.QUESTION,
    Stance.POINT_OF_ORDER,
    Stance.REPLY,
)
START = datetime(2025, 3, 1, 19, 0, tzinfo=UTC)
OPEN = PRESETS["open"]
FAIR = PRESETS["fair"]
ONLY = replace(OPEN)  # every rule off; tests switch on the one they look at


def hand(
    request_id: int,
    member_id: int,
    stance: Stance = NEUTRAL,
    *,
    at: int | None = None,
    officer: bool = False,
    reply_to: int | None = None,
) -> WaitingRequest:
    """A raised hand; `at` is seconds after the start (default: the request id, so ids are in request order)."""
    seconds = request_id if at is None else at
    return WaitingRequest(
        id=request_id,
        member_id=member_id,
        stance=stance,
        requested_at=START + timedelta(seconds=seconds),
        is_role_holder=officer,
        reply_to=reply_to,
    )


def spoke(member_id: int, stance: Stance = NEUTRAL, *, officer: bool = False, seconds: int = 60) -> PastSpeech:
    return PastSpeech(member_id=member_id, stance=stance, is_role_holder=officer, duration_seconds=seconds)


def ids(order: SpeakingOrder) -> list[int]:
    return [entry.request.id for entry in order.entries]


def codes(order: SpeakingOrder, request_id: int) -> tuple[ReasonCode, ...]:
    return next(entry.codes for entry in order.entries if entry.request.id == request_id)


# --- rule 1: points of order ---------------------------------------------------------------------------------


def test_it_puts_points_of_order_first() -> None:
    rules = replace(ONLY, points_of_order_first=True)
    order = order_speakers([hand(1, 10, FOR), hand(2, 11, POO), hand(3, 12, AGAINST)], [], rules)
    assert ids(order) == [2, 1, 3]
    assert codes(order, 2) == (ReasonCode.POINT_OF_ORDER,)
    assert codes(order, 1) == (ReasonCode.REQUEST_ORDER,)


def test_it_takes_points_of_order_by_request_time() -> None:
    order = order_speakers([hand(1, 10, POO, at=9), hand(2, 11, POO, at=5), hand(3, 12, FOR, at=1)], [], FAIR)
    assert ids(order) == [2, 1, 3]


def test_it_treats_a_point_of_order_as_an_ordinary_request_when_the_rule_is_off() -> None:
    order = order_speakers([hand(1, 10, FOR), hand(2, 11, POO)], [], OPEN)
    assert ids(order) == [1, 2]


def test_it_does_not_count_a_point_of_order_as_having_spoken() -> None:
    rules = replace(ONLY, first_time_speakers_first=True)
    history = [spoke(10, POO), spoke(11, FOR)]
    order = order_speakers([hand(1, 11, AGAINST), hand(2, 10, AGAINST)], history, rules)
    assert ids(order) == [2, 1]
    assert codes(order, 2) == (ReasonCode.FIRST_TIME_SPEAKER,)


# --- rule 2: first-time speakers, then fewest speeches in the meeting ----------------------------------------


def test_it_puts_members_who_have_not_spoken_on_the_item_first() -> None:
    rules = replace(ONLY, first_time_speakers_first=True)
    history = [spoke(10, FOR)]
    order = order_speakers([hand(1, 10, FOR), hand(2, 11, AGAINST), hand(3, 12, FOR)], history, rules)
    assert ids(order) == [2, 3, 1]
    assert codes(order, 2) == (ReasonCode.FIRST_TIME_SPEAKER,)
    assert codes(order, 3) == (ReasonCode.FIRST_TIME_SPEAKER,)
    assert codes(order, 1) == (ReasonCode.REQUEST_ORDER,)


def test_it_then_puts_members_with_fewer_speeches_in_the_meeting_first() -> None:
    rules = replace(ONLY, first_time_speakers_first=True)
    counts = {10: 4, 11: 1}
    order = order_speakers(
        [hand(1, 10, FOR), hand(2, 11, FOR), hand(3, 12, FOR)], [], rules, meeting_speech_counts=counts
    )
    assert ids(order) == [3, 2, 1]
    reason = order.entries[0].reasons[0]
    assert reason.code is ReasonCode.FEWER_SPEECHES
    assert reason.text == "fewer speeches in this meeting (0 against 4)"


def test_it_lets_the_projection_count_speeches_it_places() -> None:
    # Member 10 asked twice (a question, then a view): the second waits behind first-time speakers.
    rules = replace(ONLY, first_time_speakers_first=True)
    order = order_speakers([hand(1, 10, QUESTION), hand(2, 10, FOR), hand(3, 11, AGAINST)], [], rules)
    assert ids(order) == [1, 3, 2]


# --- rule 3: alternation -----------------------------------------------------------------------------------


def test_it_alternates_for_and_against_while_both_wait() -> None:
    rules = replace(ONLY, alternate_for_against=True)
    hands = [hand(1, 10, FOR), hand(2, 11, FOR), hand(3, 12, FOR), hand(4, 13, AGAINST), hand(5, 14, AGAINST)]
    order = order_speakers(hands, [], rules)
    assert ids(order) == [1, 4, 2, 5, 3]
    assert codes(order, 4) == (ReasonCode.ALTERNATION,)
    assert order.entries[1].reasons[0].text == "alternating: against after for"
    assert codes(order, 2) == (ReasonCode.REQUEST_ORDER, ReasonCode.HELD_BY_ALTERNATION)


def test_it_starts_alternating_from_the_last_side_that_spoke() -> None:
    rules = replace(ONLY, alternate_for_against=True)
    history = [spoke(20, AGAINST), spoke(21, NEUTRAL)]
    order = order_speakers([hand(1, 10, AGAINST), hand(2, 11, FOR)], history, rules)
    assert ids(order) == [2, 1]
    assert order.last_side is AGAINST


def test_it_lets_one_side_go_on_when_nobody_waits_on_the_other() -> None:
    rules = replace(ONLY, alternate_for_against=True)
    order = order_speakers([hand(1, 10, FOR), hand(2, 11, FOR)], [spoke(20, FOR)], rules)
    assert ids(order) == [1, 2]


def test_it_brings_the_other_side_forward_and_keeps_everyone_else_in_place() -> None:
    rules = replace(ONLY, alternate_for_against=True)
    hands = [hand(1, 10, FOR), hand(2, 11, QUESTION), hand(3, 12, AGAINST), hand(4, 13, NEUTRAL)]
    order = order_speakers(hands, [spoke(20, FOR)], rules)
    assert ids(order) == [3, 1, 2, 4]
    # A request without a side that is ahead of both sides keeps its turn.
    order = order_speakers([hand(1, 11, QUESTION), hand(2, 10, FOR), hand(3, 12, AGAINST)], [spoke(20, FOR)], rules)
    assert ids(order) == [1, 3, 2]


def test_it_combines_alternation_with_first_time_speakers() -> None:
    # Within a side, first-time speakers go first.
    rules = replace(ONLY, alternate_for_against=True, first_time_speakers_first=True)
    history = [spoke(10, AGAINST), spoke(20, FOR)]
    order = order_speakers([hand(1, 10, AGAINST), hand(2, 11, AGAINST), hand(3, 12, FOR)], history, rules)
    assert ids(order) == [2, 3, 1]


# --- rule 4: the pile-on cap ---------------------------------------------------------------------------------


def test_it_caps_role_holders_answering_a_dissent() -> None:
    # Member 10 (no role) spoke against; officers 20 and 21 answered for. Officer 22 asked first, but with the
    # cap at 2 member 11 (no role) goes next.
    rules = replace(ONLY, pile_on_cap=2)
    history = [spoke(10, AGAINST), spoke(20, FOR, officer=True), spoke(21, FOR, officer=True)]
    order = order_speakers([hand(1, 22, FOR, officer=True), hand(2, 11, FOR)], history, rules)
    assert order.pile_on_run == 2
    assert order.is_pile_on_cap_reached
    assert ids(order) == [2, 1]
    assert codes(order, 2) == (ReasonCode.PILE_ON_CAP,)
    assert order.entries[0].reasons[0].text == (
        "pile-on cap: 2 role-holder answers in a row; further answers wait for a member without a role"
    )
    assert codes(order, 1) == (ReasonCode.REQUEST_ORDER, ReasonCode.HELD_BY_PILE_ON_CAP)


def test_it_caps_a_pile_on_within_the_projected_queue() -> None:
    rules = replace(ONLY, pile_on_cap=2)
    hands = [
        hand(1, 20, FOR, officer=True),
        hand(2, 21, FOR, officer=True),
        hand(3, 22, FOR, officer=True),
        hand(4, 23, FOR, officer=True),
        hand(5, 11, NEUTRAL),
        hand(6, 12, QUESTION),
    ]
    order = order_speakers(hands, [spoke(10, AGAINST)], rules)
    assert ids(order) == [1, 2, 5, 3, 4, 6]


def test_it_counts_a_pile_on_whichever_side_the_member_took() -> None:
    rules = replace(ONLY, pile_on_cap=1)
    history = [spoke(10, FOR), spoke(20, AGAINST, officer=True)]
    order = order_speakers([hand(1, 21, AGAINST, officer=True), hand(2, 11, AGAINST)], history, rules)
    assert ids(order) == [2, 1]


def test_it_does_not_hold_back_role_holders_who_do_not_answer() -> None:
    # An officer on the member's own side, or asking a question, is not answering the dissent.
    rules = replace(ONLY, pile_on_cap=2)
    history = [spoke(10, AGAINST), spoke(20, FOR, officer=True), spoke(21, FOR, officer=True)]
    hands = [hand(1, 22, AGAINST, officer=True), hand(2, 23, QUESTION, officer=True), hand(3, 11, FOR)]
    order = order_speakers(hands, history, rules)
    assert ids(order) == [1, 2, 3]


def test_it_lets_role_holders_answer_when_no_member_without_a_role_waits() -> None:
    rules = replace(ONLY, pile_on_cap=2)
    history = [spoke(10, AGAINST), spoke(20, FOR, officer=True), spoke(21, FOR, officer=True)]
    order = order_speakers([hand(1, 22, FOR, officer=True), hand(2, 23, FOR, officer=True)], history, rules)
    assert ids(order) == [1, 2]
    assert order.entries[0].codes == (ReasonCode.REQUEST_ORDER,)


def test_it_starts_the_run_again_when_a_member_without_a_role_speaks() -> None:
    rules = replace(ONLY, pile_on_cap=2)
    history = [
        spoke(10, AGAINST),
        spoke(20, FOR, officer=True),
        spoke(21, FOR, officer=True),
        spoke(11, QUESTION),
        spoke(22, FOR, officer=True),
        spoke(23, POO, officer=True),
    ]
    order = order_speakers([hand(1, 24, FOR, officer=True), hand(2, 12, FOR)], history, rules)
    assert order.pile_on_run == 1
    assert ids(order) == [1, 2]


def test_it_reports_no_pile_on_run_when_the_rule_is_off() -> None:
    history = [spoke(10, AGAINST), spoke(20, FOR, officer=True), spoke(21, FOR, officer=True)]
    order = order_speakers([], history, OPEN)
    assert (order.pile_on_run, order.is_pile_on_cap_reached) == (0, False)


# --- rule 5: right of reply ----------------------------------------------------------------------------------


def test_it_reports_a_reply_due_after_two_opposing_speeches() -> None:
    rules = replace(ONLY, right_of_reply=2)
    history = [spoke(10, AGAINST), spoke(20, FOR, officer=True), spoke(21, FOR)]
    assert order_speakers([], history, rules).reply_due_for == (10,)
    assert order_speakers([], history[:2], rules).reply_due_for == ()


def test_it_does_not_report_a_reply_when_the_opposing_speeches_are_interrupted() -> None:
    rules = replace(ONLY, right_of_reply=2)
    for between in (spoke(11, NEUTRAL), spoke(11, AGAINST)):
        history = [spoke(10, AGAINST), spoke(20, FOR), between, spoke(21, FOR)]
        assert 10 not in order_speakers([], history, rules).reply_due_for
    # Points of order are looked through.
    history = [spoke(10, AGAINST), spoke(20, FOR), spoke(11, POO), spoke(21, FOR)]
    assert order_speakers([], history, rules).reply_due_for == (10,)


def test_it_gives_a_due_reply_the_next_turn_after_points_of_order() -> None:
    history = [spoke(10, AGAINST), spoke(20, FOR, officer=True), spoke(21, FOR, officer=True)]
    hands = [hand(1, 11, AGAINST), hand(2, 12, POO), hand(3, 10, REPLY, reply_to=21)]
    order = order_speakers(hands, history, FAIR)
    assert ids(order) == [2, 3, 1]
    assert codes(order, 3) == (ReasonCode.RIGHT_OF_REPLY,)
    assert order.entries[1].reasons[0].text == "right of reply: answered by 2 opposing speeches in a row"
    assert order.entries[1].request.reply_to == 21


def test_it_places_a_reply_where_it_becomes_due_in_the_projected_queue() -> None:
    # Member 10 asks to reply after one answer; first-time speakers go ahead until a second answer makes it due.
    rules = replace(ONLY, right_of_reply=2, first_time_speakers_first=True)
    hands = [hand(1, 20, FOR), hand(2, 10, REPLY), hand(3, 21, FOR), hand(4, 22, FOR)]
    order = order_speakers(hands, [spoke(10, AGAINST)], rules)
    assert ids(order) == [1, 3, 2, 4]
    assert codes(order, 2) == (ReasonCode.RIGHT_OF_REPLY,)


def test_it_ends_the_right_of_reply_when_the_member_speaks_again() -> None:
    rules = replace(ONLY, right_of_reply=2)
    history = [spoke(10, AGAINST), spoke(20, FOR), spoke(21, FOR), spoke(10, REPLY)]
    assert order_speakers([], history, rules).reply_due_for == ()
    # A reply keeps the member's side: two more answers earn another reply.
    history += [spoke(22, FOR), spoke(23, FOR)]
    assert order_speakers([], history, rules).reply_due_for == (10,)


def test_it_orders_a_reply_that_is_not_due_as_an_ordinary_request() -> None:
    rules = replace(ONLY, right_of_reply=2, first_time_speakers_first=True)
    history = [spoke(10, AGAINST), spoke(20, FOR)]
    order = order_speakers([hand(1, 10, REPLY), hand(2, 11, NEUTRAL)], history, rules)
    assert ids(order) == [2, 1]


def test_it_offers_a_reply_to_a_role_holder_too() -> None:
    rules = replace(ONLY, right_of_reply=2)
    history = [spoke(20, FOR, officer=True), spoke(10, AGAINST), spoke(11, AGAINST)]
    assert order_speakers([], history, rules).reply_due_for == (20,)


# --- rule 6: time limits -------------------------------------------------------------------------------------


def test_it_reports_time_allowances() -> None:
    history = [spoke(10, FOR, seconds=300), spoke(11, AGAINST, seconds=30), spoke(10, POO, seconds=20)]
    order = order_speakers([hand(1, 10, FOR), hand(2, 11, AGAINST), hand(3, 12, FOR)], history, FAIR)
    by_member = {entry.request.member_id: entry for entry in order.entries}
    assert (by_member[10].item_seconds_used, by_member[10].item_seconds_remaining) == (300, 60)
    assert by_member[10].seconds_allowed == 60
    assert by_member[11].seconds_allowed == 180
    assert by_member[12].item_seconds_remaining == 360
    assert not any(entry.is_over_item_allowance for entry in order.entries)


def test_it_puts_members_who_used_their_time_on_the_item_after_everyone_else() -> None:
    history = [spoke(10, FOR, seconds=200), spoke(10, FOR, seconds=160), spoke(11, AGAINST, seconds=10)]
    hands = [hand(1, 10, FOR), hand(2, 10, POO), hand(3, 11, AGAINST), hand(4, 12, FOR, at=99)]
    order = order_speakers(hands, history, FAIR)
    assert ids(order) == [2, 4, 3, 1]
    last = order.entries[-1]
    assert last.is_over_item_allowance
    assert last.seconds_allowed == 0
    assert last.reasons[0].code is ReasonCode.OVER_ITEM_ALLOWANCE
    assert last.reasons[0].text == "has used 6:00 of 6:00 on this item: after everyone else"
    assert order.entries[0].seconds_allowed == 180  # a point of order uses no allowance


def test_it_keeps_the_right_of_reply_for_a_member_who_used_their_time() -> None:
    history = [spoke(10, AGAINST, seconds=360), spoke(20, FOR), spoke(21, FOR)]
    order = order_speakers([hand(1, 11, FOR), hand(2, 10, REPLY)], history, FAIR)
    assert ids(order) == [2, 1]
    assert order.entries[0].is_over_item_allowance
    assert order.entries[0].seconds_allowed == 180


def test_it_sets_no_limit_when_time_limits_are_off() -> None:
    order = order_speakers([hand(1, 10, FOR)], [spoke(10, FOR, seconds=9999)], OPEN)
    entry = order.entries[0]
    assert (entry.seconds_allowed, entry.item_seconds_remaining, entry.is_over_item_allowance) == (None, None, False)


# --- ties, inputs, presets -----------------------------------------------------------------------------------


def test_it_breaks_ties_by_request_time_then_request_id() -> None:
    order = order_speakers([hand(3, 10, at=5), hand(1, 11, at=5), hand(2, 12, at=1)], [], FAIR)
    assert ids(order) == [2, 1, 3]


def test_it_refuses_a_request_listed_twice() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        order_speakers([hand(1, 10), hand(1, 11)], [], FAIR)


def test_it_refuses_a_negative_duration() -> None:
    with pytest.raises(ValueError, match="zero seconds"):
        order_speakers([], [spoke(10, seconds=-1)], FAIR)


def test_it_offers_open_fair_and_convention_presets() -> None:
    assert DEFAULT_PRESET == "fair"
    assert Rules() == FAIR
    assert (FAIR.pile_on_cap, FAIR.right_of_reply, FAIR.speech_seconds, FAIR.member_item_seconds) == (2, 2, 180, 360)
    assert all(value in (False, None) for value in OPEN.to_dict().values())
    convention = PRESETS["convention"]
    assert (convention.speech_seconds, convention.member_item_seconds) == (120, 240)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_it_round_trips_rules_through_a_plain_dict(name: str) -> None:
    data = PRESETS[name].to_dict()
    assert all(isinstance(value, bool | int | type(None)) for value in data.values())
    assert Rules.from_dict(data) == PRESETS[name]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "unknown keys"),
        ({"pile_on_cap": "2"}, "whole number"),
        ({"pile_on_cap": True}, "whole number"),
        ({"right_of_reply": 0}, "at least 1"),
        ({"speech_seconds": -5}, "at least 1"),
        ({"alternate_for_against": 1}, "true or false"),
    ],
)
def test_it_refuses_a_bad_rules_dict(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rules.from_dict({**FAIR.to_dict(), **change})


def test_it_refuses_a_rules_dict_with_a_missing_key() -> None:
    data = FAIR.to_dict()
    del data["pile_on_cap"]
    with pytest.raises(ValueError, match="missing keys"):
        Rules.from_dict(data)


def test_it_orders_a_thousand_requests_over_a_long_history_quickly() -> None:
    members = range(600)
    history = [
        spoke(member % 300, (FOR, AGAINST, NEUTRAL, POO)[member % 4], officer=member % 7 == 0, seconds=30)
        for member in members
    ]
    hands = [
        hand(i, i % 600, (FOR, AGAINST, NEUTRAL, QUESTION, REPLY, POO)[i % 6], at=i % 50, officer=i % 5 == 0)
        for i in range(1000)
    ]
    started = time.perf_counter()
    order = order_speakers(hands, history, FAIR)
    elapsed = time.perf_counter() - started
    assert len(order.entries) == 1000
    assert elapsed < 1.0, f"ordering took {elapsed:.2f} s"


# --- properties ----------------------------------------------------------------------------------------------
#
# The oracles below restate the definitions from docs/meetings.md directly (and slowly), without the
# incremental bookkeeping of the implementation.

MEMBERS = 12
OFFICERS = frozenset({0, 1, 2, 3, 4})  # members 0-4 hold a role
STANCES = [FOR, AGAINST, NEUTRAL, QUESTION, POO, REPLY]


def _is_officer(member_id: int) -> bool:
    return member_id in OFFICERS


def _oracle_pile_on_run(history: list[PastSpeech]) -> int:
    """Role-holder answers since the last debate speech by a member without a role."""
    debate = [(i, s) for i, s in enumerate(history) if s.stance is not POO]
    last_member = max((i for i, s in debate if not s.is_role_holder), default=-1)
    run = 0
    for i, speech in debate:
        if i <= last_member or not speech.is_role_holder or speech.stance not in (FOR, AGAINST):
            continue
        earlier_dissents = {
            s.stance for j, s in debate if j < i and not s.is_role_holder and s.stance in (FOR, AGAINST)
        }
        if opposite(speech.stance) in earlier_dissents:
            run += 1
    return run


def _oracle_is_answer(request: WaitingRequest, history: list[PastSpeech]) -> bool:
    dissents = {s.stance for s in history if not s.is_role_holder and s.stance in (FOR, AGAINST)}
    return request.is_role_holder and request.stance in (FOR, AGAINST) and opposite(request.stance) in dissents


def _oracle_reply_due(history: list[PastSpeech], needed: int) -> set[int]:
    """Members whose own last debate speech was followed by `needed` speeches of the other side."""

    def side(k: int) -> Stance | None:
        speech = history[k]
        if speech.stance in (FOR, AGAINST):
            return speech.stance
        if speech.stance is REPLY:
            earlier = [s.stance for s in history[:k] if s.member_id == speech.member_id and s.stance in (FOR, AGAINST)]
            return earlier[-1] if earlier else None
        return None

    debate = [k for k, s in enumerate(history) if s.stance is not POO]
    due = set()
    for member in {history[k].member_id for k in debate}:
        last = max(k for k in debate if history[k].member_id == member)
        own = side(last)
        after = [k for k in debate if k > last]
        if own is not None and len(after) >= needed and all(side(k) is opposite(own) for k in after[:needed]):
            due.add(member)
    return due


@st.composite
def rules_strategy(draw: st.DrawFn, *, timed: bool = True) -> Rules:
    return Rules(
        points_of_order_first=draw(st.booleans()),
        first_time_speakers_first=draw(st.booleans()),
        alternate_for_against=draw(st.booleans()),
        pile_on_cap=draw(st.none() | st.integers(0, 3)),
        right_of_reply=draw(st.none() | st.integers(1, 3)),
        speech_seconds=draw(st.none() | st.integers(30, 180)) if timed else None,
        member_item_seconds=draw(st.none() | st.integers(60, 360)) if timed else None,
    )


# Stances weighted towards the sides, so that pile-ons and alternation actually happen.
stance_strategy = st.sampled_from([FOR, FOR, FOR, AGAINST, AGAINST, NEUTRAL, QUESTION, POO, REPLY])


# A heated debate: mostly officers answering one side, to provoke pile-ons and replies.
heated_stance_strategy = st.sampled_from([FOR, FOR, FOR, FOR, AGAINST, AGAINST, REPLY, REPLY, NEUTRAL, POO])


@st.composite
def hands_strategy(
    draw: st.DrawFn,
    *,
    first_id: int = 1,
    max_size: int = 14,
    not_before: int = 0,
    stances: st.SearchStrategy[Stance] = stance_strategy,
) -> list[WaitingRequest]:
    specs = draw(
        st.lists(
            st.tuples(st.integers(0, MEMBERS - 1), stances, st.integers(not_before, not_before + 20)),
            max_size=max_size,
        )
    )
    return [
        hand(first_id + n, member, stance, at=at, officer=_is_officer(member))
        for n, (member, stance, at) in enumerate(specs)
    ]


history_strategy = st.lists(
    st.builds(
        lambda member, stance, seconds: spoke(member, stance, officer=_is_officer(member), seconds=seconds),
        st.integers(0, MEMBERS - 1),
        stance_strategy,
        st.integers(0, 200),
    ),
    max_size=12,
)


Meeting = tuple[Rules, list[PastSpeech], list[WaitingRequest], list[list[WaitingRequest]], list[int]]


@dataclass
class Step:
    """One call of the simulated chair: what was waiting, what had been said, and who was called."""

    waiting: list[WaitingRequest]
    history: list[PastSpeech]
    order: SpeakingOrder
    called: WaitingRequest


def meeting_counts(history: list[PastSpeech]) -> dict[int, int]:
    """Debate speeches per member in a meeting whose earlier items gave member m m % 3 speeches, plus this item's."""
    counts = {member: member % 3 for member in range(MEMBERS)}
    for speech in history:
        if speech.stance is not POO:
            counts[speech.member_id] += 1
    return counts


def simulate(
    rules: Rules,
    history: list[PastSpeech],
    first: list[WaitingRequest],
    arrivals: list[list[WaitingRequest]],
    durations: list[int],
) -> list[Step]:
    """Call the first entry until nobody waits; after the k-th call the k-th batch of arrivals raises hands."""
    waiting = list(first)
    history = list(history)
    steps: list[Step] = []
    batches = iter(arrivals)
    while True:
        if not waiting:
            batch = next(batches, None)
            if batch is None:
                return steps
            waiting.extend(batch)
            continue
        order = order_speakers(waiting, history, rules, meeting_speech_counts=meeting_counts(history))
        called = order.entries[0].request
        steps.append(Step(list(waiting), list(history), order, called))
        waiting.remove(called)
        seconds = durations[len(steps) % len(durations)] if durations else 0
        history.append(PastSpeech(called.member_id, called.stance, called.is_role_holder, seconds))
        waiting.extend(next(batches, []))
        assert len(steps) <= 500


@st.composite
def meeting_strategy(
    draw: st.DrawFn, *, timed: bool = True, stances: st.SearchStrategy[Stance] = stance_strategy
) -> Meeting:
    rules = draw(rules_strategy(timed=timed))
    history = draw(history_strategy)
    first = draw(hands_strategy(stances=stances))
    arrivals = []
    next_id = 1 + len(first)
    for k in range(draw(st.integers(0, 4))):
        batch = draw(hands_strategy(first_id=next_id, max_size=4, not_before=30 * (k + 1), stances=stances))
        arrivals.append(batch)
        next_id += len(batch)
    durations = draw(st.lists(st.integers(0, 200), max_size=5)) if timed else []
    return rules, history, first, arrivals, durations


@st.composite
def pile_on_strategy(draw: st.DrawFn) -> Meeting:
    """A member without a role (11) takes a side; officers answer and more officers wait to answer; the member
    asks to reply; random hands go up around them."""
    rules = draw(rules_strategy(timed=False))
    side = draw(st.sampled_from([FOR, AGAINST]))
    answers = draw(st.integers(0, 3))
    history = [
        *draw(history_strategy),
        spoke(11, side),
        *(spoke(n % len(OFFICERS), opposite(side), officer=True) for n in range(answers)),
    ]
    officers = [hand(100 + n, n % len(OFFICERS), opposite(side), at=n, officer=True) for n in range(5)]
    reply = [hand(200, 11, REPLY, at=draw(st.integers(0, 20)))] if draw(st.booleans()) else []
    first = officers + reply + draw(hands_strategy(max_size=6, stances=heated_stance_strategy))
    later = draw(hands_strategy(first_id=50, max_size=4, not_before=30, stances=heated_stance_strategy))
    return rules, history, first, [[], [], later], []


@settings(max_examples=150, deadline=None)
@given(meeting_strategy())
def test_it_eventually_calls_every_waiting_request(meeting: Meeting) -> None:
    rules, history, first, arrivals, durations = meeting
    steps = simulate(rules, history, first, arrivals, durations)
    called = [step.called.id for step in steps]
    everyone = [r.id for r in first] + [r.id for batch in arrivals for r in batch]
    assert sorted(called) == sorted(everyone)
    for step in steps:
        assert sorted(ids(step.order)) == sorted(r.id for r in step.waiting)
        assert [entry.position for entry in step.order.entries] == list(range(1, len(step.waiting) + 1))
        assert all(entry.reasons for entry in step.order.entries)


@settings(max_examples=150, deadline=None)
@given(rules_strategy(), history_strategy, hands_strategy(max_size=20), st.randoms(use_true_random=False))
def test_it_is_deterministic_and_ignores_the_order_of_its_inputs(
    rules: Rules, history: list[PastSpeech], hands: list[WaitingRequest], random: Random
) -> None:
    counts = {member: (member * 7) % 4 for member in range(MEMBERS)}
    expected = order_speakers(hands, history, rules, meeting_speech_counts=counts)
    shuffled = list(hands)
    random.shuffle(shuffled)
    again = order_speakers(shuffled, history, rules, meeting_speech_counts=dict(reversed(counts.items())))
    assert again == expected


@settings(max_examples=150, deadline=None)
@given(history_strategy, hands_strategy(max_size=20))
def test_it_is_first_come_first_served_with_all_rules_off(
    history: list[PastSpeech], hands: list[WaitingRequest]
) -> None:
    order = order_speakers(hands, history, OPEN)
    assert ids(order) == [r.id for r in sorted(hands, key=lambda r: (r.requested_at, r.id))]
    assert all(entry.codes == (ReasonCode.REQUEST_ORDER,) for entry in order.entries)


@settings(max_examples=150, deadline=None)
@given(history_strategy, hands_strategy(max_size=20), st.dictionaries(st.integers(0, MEMBERS - 1), st.integers(0, 5)))
def test_it_puts_first_time_speakers_first_then_fewest_speeches(
    history: list[PastSpeech], hands: list[WaitingRequest], counts: dict[int, int]
) -> None:
    rules = replace(ONLY, first_time_speakers_first=True)
    one_each = list({r.member_id: r for r in hands if r.stance is not POO}.values())
    spoken = {s.member_id for s in history if s.stance is not POO}
    order = order_speakers(one_each, history, rules, meeting_speech_counts=counts)
    expected = sorted(one_each, key=lambda r: (r.member_id in spoken, counts.get(r.member_id, 0), r.requested_at, r.id))
    assert ids(order) == [r.id for r in expected]


@settings(max_examples=150, deadline=None)
@given(rules_strategy(timed=False), history_strategy, hands_strategy(max_size=16))
def test_it_keeps_the_rest_of_the_queue_when_the_first_is_called(
    rules: Rules, history: list[PastSpeech], hands: list[WaitingRequest]
) -> None:
    # The queue is an honest forecast: what happens when the chair follows it is what it showed.
    order = order_speakers(hands, history, rules, meeting_speech_counts=meeting_counts(history))
    forecast = ids(order)
    waiting, history = list(hands), list(history)
    while waiting:
        now = order_speakers(waiting, history, rules, meeting_speech_counts=meeting_counts(history))
        called = now.entries[0].request
        assert called.id == forecast.pop(0)
        waiting.remove(called)
        history.append(PastSpeech(called.member_id, called.stance, called.is_role_holder, 60))


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(pile_on_strategy(), meeting_strategy(timed=False, stances=heated_stance_strategy)).filter(
        lambda m: m[0].pile_on_cap is not None
    )
)
def test_it_never_lets_role_holders_pile_on_past_the_cap(meeting: Meeting) -> None:
    rules, history, first, arrivals, durations = meeting
    cap = rules.pile_on_cap
    assert cap is not None
    for step in simulate(rules, history, first, arrivals, durations):
        run = _oracle_pile_on_run(step.history)
        assert step.order.pile_on_run == run
        relief_waits = any(not r.is_role_holder and r.stance is not POO for r in step.waiting)
        if run >= cap and relief_waits:
            assert not _oracle_is_answer(step.called, step.history)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(pile_on_strategy(), meeting_strategy(timed=False, stances=heated_stance_strategy)).filter(
        lambda m: m[0].alternate_for_against
    )
)
def test_it_alternates_whenever_both_sides_wait(meeting: Meeting) -> None:
    rules, history, first, arrivals, durations = meeting
    for step in simulate(rules, history, first, arrivals, durations):
        sided = [s.stance for s in step.history if s.stance in (FOR, AGAINST)]
        if not sided or step.called.stance not in (FOR, AGAINST):
            continue
        # Requests the pile-on cap holds back are not waiting for this turn.
        run = _oracle_pile_on_run(step.history)
        relief_waits = any(not r.is_role_holder and r.stance is not POO for r in step.waiting)
        capped = rules.pile_on_cap is not None and run >= rules.pile_on_cap and relief_waits
        sides_waiting = {
            r.stance
            for r in step.waiting
            if r.stance in (FOR, AGAINST) and not (capped and _oracle_is_answer(r, step.history))
        }
        if sides_waiting == {FOR, AGAINST}:
            assert step.called.stance is opposite(sided[-1])


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(pile_on_strategy(), meeting_strategy(timed=False, stances=heated_stance_strategy)).filter(
        lambda m: m[0].right_of_reply is not None
    )
)
def test_it_gives_the_floor_to_a_due_reply_before_the_debate_goes_on(meeting: Meeting) -> None:
    rules, history, first, arrivals, durations = meeting
    needed = rules.right_of_reply
    assert needed is not None
    for step in simulate(rules, history, first, arrivals, durations):
        due = _oracle_reply_due(step.history, needed)
        assert set(step.order.reply_due_for) == due
        replies_waiting = [r for r in step.waiting if r.stance is REPLY and r.member_id in due]
        points_waiting = rules.points_of_order_first and any(r.stance is POO for r in step.waiting)
        if replies_waiting and not points_waiting:
            assert step.called == min(replies_waiting, key=lambda r: (r.requested_at, r.id))


@settings(max_examples=150, deadline=None)
@given(meeting_strategy(timed=True))
def test_it_puts_points_of_order_first_and_used_up_time_last(meeting: Meeting) -> None:
    rules, history, first, arrivals, durations = meeting
    for step in simulate(rules, history, first, arrivals, durations):
        entries = step.order.entries
        if rules.points_of_order_first and any(r.stance is POO for r in step.waiting):
            assert step.called.stance is POO
        # Nobody within their time comes after someone moved back for being over it. (A member over their time
        # may still come back with a due reply: see test_it_keeps_the_right_of_reply_for_a_member_who_used_their_time.)
        moved_back = [entry.position for entry in entries if ReasonCode.OVER_ITEM_ALLOWANCE in entry.codes]
        within = [entry.position for entry in entries if not entry.is_over_item_allowance]
        assert not moved_back or not within or max(within) < min(moved_back)
        assert all(entry.is_over_item_allowance for entry in entries if entry.position in moved_back)
        for entry in entries:
            if entry.seconds_allowed is not None and rules.speech_seconds is not None:
                assert entry.seconds_allowed <= rules.speech_seconds
