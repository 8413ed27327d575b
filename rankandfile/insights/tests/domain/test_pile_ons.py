"""Pile-on events: worked examples, then properties over random debates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rankandfile.insights.domain.pile_ons import MIN_ANSWERS, find_pile_ons
from rankandfile.insights.domain.records import SpeechRecord, Stance

START = dt.datetime(2026, 1, 5, 19, 0, tzinfo=dt.UTC)
F, A, N, Q, P = Stance.FOR, Stance.AGAINST, Stance.NEUTRAL, Stance.QUESTION, Stance.POINT_OF_ORDER


def debate(*speeches: tuple[int, Stance, bool], item: int = 1, overridden: frozenset[int] = frozenset()) -> list:
    return [
        SpeechRecord(
            id=index + 1,
            meeting_id=1,
            item_id=item,
            member_id=member,
            stance=stance,
            is_role_holder=role,
            seconds=60,
            started_at=START + dt.timedelta(minutes=index),
            is_overridden=index + 1 in overridden,
            is_cap_on=True,
        )
        for index, (member, stance, role) in enumerate(speeches)
    ]


def test_it_finds_three_answers_to_a_dissent_that_was_never_replied_to() -> None:
    (event,) = find_pile_ons(debate((1, A, False), (10, F, True), (11, F, True), (12, F, True)))
    assert event.dissent_speech_id == 1 and event.answer_ids == (2, 3, 4)
    assert event.is_answered is False and event.dissenter_id == 1


def test_two_answers_are_no_pile_on() -> None:
    assert find_pile_ons(debate((1, A, False), (10, F, True), (11, F, True))) == []


def test_the_dissenter_speaking_again_makes_it_answered() -> None:
    (event,) = find_pile_ons(debate((1, A, False), (10, F, True), (11, F, True), (12, F, True), (1, A, False)))
    assert event.is_answered is True


def test_any_member_without_a_role_ends_the_run() -> None:
    speeches = debate((1, A, False), (10, F, True), (11, F, True), (2, Q, False), (12, F, True), (13, F, True))
    assert find_pile_ons(speeches) == []


def test_points_of_order_and_role_holders_on_the_same_side_do_not_end_it() -> None:
    speeches = debate((1, A, False), (10, F, True), (11, P, False), (12, A, True), (13, F, True), (14, F, True))
    (event,) = find_pile_ons(speeches)
    assert event.answer_ids == (2, 5, 6)


def test_an_answer_moved_up_by_the_chair_under_the_cap_marks_the_override() -> None:
    speeches = debate((1, A, False), (10, F, True), (11, F, True), (12, F, True), overridden=frozenset({4}))
    (event,) = find_pile_ons(speeches)
    assert event.is_by_override is True


def test_a_role_holder_speaking_first_is_no_dissent() -> None:
    assert find_pile_ons(debate((10, A, True), (11, F, True), (12, F, True), (13, F, True))) == []


def test_the_shape_is_the_truth_files() -> None:
    (event,) = find_pile_ons(debate((1, A, False), (10, F, True), (11, F, True), (12, F, True)))
    assert event.as_dict() == {"meeting": 1, "item": 1, "dissent_speech": 1, "answers": [2, 3, 4], "answered": False}


speech_steps = st.lists(
    st.tuples(st.integers(1, 6), st.sampled_from([F, A, N, Q, P]), st.booleans()), min_size=0, max_size=40
)


@given(speech_steps)
def test_every_event_has_enough_role_holder_answers_opposing_its_dissent(steps: list) -> None:
    speeches = debate(*steps)
    by_id = {s.id: s for s in speeches}
    for event in find_pile_ons(speeches):
        dissent = by_id[event.dissent_speech_id]
        assert not dissent.is_role_holder and dissent.stance in {F, A}
        assert len(event.answer_ids) >= MIN_ANSWERS
        for answer_id in event.answer_ids:
            answer = by_id[answer_id]
            assert answer.is_role_holder and answer.id > dissent.id
        first, last = event.answer_ids[0], event.answer_ids[-1]
        between = [s for s in speeches if first < s.id < last and s.stance is not P]
        assert all(s.is_role_holder for s in between)


@given(speech_steps)
def test_events_never_share_an_answer(steps: list) -> None:
    answers = [a for event in find_pile_ons(debate(*steps)) for a in event.answer_ids]
    assert len(answers) == len(set(answers))


@given(speech_steps)
def test_without_members_who_hold_no_role_there_is_no_pile_on(steps: list) -> None:
    assert find_pile_ons(debate(*[(m, s, True) for m, s, _ in steps])) == []
