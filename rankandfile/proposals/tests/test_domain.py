"""The pure rules of proposals: the status life cycle, diffs between texts, co-signature thresholds."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from rankandfile.proposals.domain import lifecycle, texts
from rankandfile.proposals.domain.texts import Change


def test_it_lets_a_draft_be_submitted_then_put_on_a_ballot_then_decided() -> None:
    path = ["draft", "submitted", "on_agenda", "on_ballot", "adopted"]
    for current, new in itertools.pairwise(path):
        assert lifecycle.transition_refusal(current, new) is None


def test_it_refuses_to_reopen_a_decided_proposal() -> None:
    for final in ("adopted", "rejected", "withdrawn"):
        assert lifecycle.transition_refusal(final, "submitted") == "the proposal is already decided or withdrawn."


def test_it_refuses_to_withdraw_a_proposal_on_a_ballot() -> None:
    assert lifecycle.transition_refusal("on_ballot", "withdrawn") is not None


def test_it_refuses_to_skip_submission() -> None:
    assert "draft cannot become on ballot" in (lifecycle.transition_refusal("draft", "on_ballot") or "")


def test_it_shows_added_and_removed_lines_with_their_numbers() -> None:
    diff = texts.diff_lines("one\ntwo\nthree", "one\n2\nthree\nfour")
    changes = [(d.change, d.text, d.old_number, d.new_number) for d in diff]
    assert (Change.REMOVED, "two", 2, None) in changes
    assert (Change.ADDED, "2", None, 2) in changes
    assert (Change.ADDED, "four", None, 4) in changes
    assert (Change.SAME, "one", 1, 1) in changes


def test_it_leaves_out_long_unchanged_stretches() -> None:
    old = "\n".join(f"line {i}" for i in range(40))
    new = old.replace("line 20", "line twenty")
    diff = texts.diff_lines(old, new, context=2)
    assert [d.change for d in diff].count(Change.SAME) == 4
    assert diff[0].change == Change.GAP


@given(
    st.lists(st.text(alphabet="abc \n", max_size=8), max_size=12),
    st.lists(st.text(alphabet="abc \n", max_size=8), max_size=12),
)
def test_it_rebuilds_both_texts_from_a_full_diff(old_lines: list[str], new_lines: list[str]) -> None:
    old, new = "\n".join(old_lines), "\n".join(new_lines)
    diff = texts.diff_lines(old, new, context=10_000)
    if old.splitlines() == new.splitlines():
        assert diff == []  # nothing to show: the page says so
        return
    assert [d.text for d in diff if d.change in (Change.SAME, Change.REMOVED)] == old.splitlines()
    assert [d.text for d in diff if d.change in (Change.SAME, Change.ADDED)] == new.splitlines()


def test_it_uses_the_fixed_number_of_cosigners_without_a_share() -> None:
    assert texts.cosigners_required(5, None, 1000) == 5


def test_it_rounds_a_share_of_members_up_and_never_below_one() -> None:
    assert texts.cosigners_required(5, 10, 41) == 5
    assert texts.cosigners_required(5, 10, 3) == 1
    assert texts.cosigners_required(5, 2, 500) == 10
