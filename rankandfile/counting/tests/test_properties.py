"""Properties every count must have, on random small elections (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rankandfile.counting import METHODS, BallotBox, Options, Result, count
from rankandfile.counting.condorcet import pairwise, rank_matrix

NAMES = ["Ana", "Bo", "Cai", "Dev", "Eli", "Fay"]
FAST = settings(max_examples=150, deadline=None)


@st.composite
def elections(draw: st.DrawFn, *, max_candidates: int = 6, strict: bool = False) -> BallotBox:
    """Up to 30 distinct ballot lines, each a ranking (or, unless strict, with equal ranks) and a weight."""
    n = draw(st.integers(min_value=2, max_value=max_candidates))
    names = NAMES[:n]
    rows = draw(st.lists(st.permutations(names), min_size=1, max_size=30))
    rankings: list[list[str | list[str]]] = []
    for perm in rows:
        length = draw(st.integers(min_value=0 if not strict else 1, max_value=n))
        ranking: list[str | list[str]] = list(perm[:length])
        if not strict and length >= 2 and draw(st.booleans()):
            cut = draw(st.integers(min_value=0, max_value=length - 2))
            ranking = [*ranking[:cut], [str(ranking[cut]), str(ranking[cut + 1])], *ranking[cut + 2 :]]
        rankings.append(ranking)
    weights = draw(st.lists(st.integers(min_value=1, max_value=9), min_size=len(rows), max_size=len(rows)))
    return BallotBox.from_rankings(names, rankings, weights)


def run(box: BallotBox, method: str, seats: int) -> Result:
    options = Options(seed="property", default_option=box.candidates[-1])
    if method in ("irv", "debian", "yes-no"):
        seats = 1
    return count(box, method, seats, options)


@FAST
@given(box=elections(), seats=st.integers(min_value=1, max_value=3))
def test_it_accounts_for_every_vote_at_every_stage(box: BallotBox, seats: int) -> None:
    for method in ("stv-scottish", "stv-meek", "irv"):
        result = run(box, method, seats)
        for stage in result.stages:
            assert sum(stage.totals.values()) + stage.non_transferable + stage.rounding_loss == result.valid_ballots
        assert result.valid_ballots + result.invalid_ballots == box.total_weight


@FAST
@given(box=elections(), seats=st.integers(min_value=1, max_value=4))
def test_it_never_elects_more_than_the_seats(box: BallotBox, seats: int) -> None:
    for method in METHODS:
        if method == "yes-no":
            continue
        result = run(box, method, seats)
        assert len(result.elected) <= result.seats
        assert len(set(result.elected)) == len(result.elected)


@FAST
@given(box=elections())
def test_it_elects_the_condorcet_winner_by_schulze_whenever_there_is_one(box: BallotBox) -> None:
    ranks, rows, _ = rank_matrix(box)
    everyone = list(range(box.n_candidates))
    v = pairwise(ranks, box.weights[rows], everyone)
    winners = [a for a in everyone if all(v[a][b] > v[b][a] for b in everyone if b != a)]
    if winners:
        assert count(box, "schulze", 1).elected == (box.candidates[winners[0]],)


@FAST
@given(box=elections(strict=True))
def test_it_agrees_between_irv_and_one_seat_stv_without_ties(box: BallotBox) -> None:
    irv = run(box, "irv", 1)
    scottish = run(box, "stv-scottish", 1)
    meek = run(box, "stv-meek", 1)
    if irv.tie_breaks or scottish.tie_breaks or meek.tie_breaks:
        return
    assert irv.elected == scottish.elected == meek.elected


@FAST
@given(box=elections(), seats=st.integers(min_value=1, max_value=3), data=st.data())
def test_it_gives_the_same_result_whatever_the_order_of_the_ballots(
    box: BallotBox, seats: int, data: st.DataObject
) -> None:
    order = np.array(data.draw(st.permutations(range(box.codes.shape[0]))), dtype=np.intp)
    shuffled = BallotBox(
        candidates=box.candidates,
        codes=box.codes[order],
        weights=box.weights[order],
        lines=box.lines[order],
        groups=box.groups,
    )
    for method in METHODS:
        if method == "yes-no":
            continue
        a, b = run(box, method, seats), run(shuffled, method, seats)
        assert a.elected == b.elected
        assert a.stages == b.stages
        assert a.tie_breaks == b.tie_breaks
        assert sorted(a.invalid, key=lambda i: i.line) == sorted(b.invalid, key=lambda i: i.line)


@FAST
@given(box=elections(), seats=st.integers(min_value=1, max_value=3))
def test_it_counts_a_ballot_split_in_two_lines_as_one_line_of_double_weight(box: BallotBox, seats: int) -> None:
    doubled = BallotBox(
        candidates=box.candidates,
        codes=np.concatenate([box.codes, box.codes]),
        weights=np.concatenate([box.weights, box.weights]),
        lines=np.concatenate([box.lines, box.lines]),
        groups=box.groups,
    )
    weighted = BallotBox(
        candidates=box.candidates, codes=box.codes, weights=box.weights * 2, lines=box.lines, groups=box.groups
    )
    for method in ("stv-scottish", "stv-meek", "irv", "schulze"):
        a, b = run(doubled, method, seats), run(weighted, method, seats)
        assert a.elected == b.elected
        assert [s.totals for s in a.stages] == [s.totals for s in b.stages]
