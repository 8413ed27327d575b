"""The prefix tree and the parcel engine of Scottish STV against the paper-by-paper engine (transfer.Piles).

Every count here is made twice, once with the papers moved as parcels on the prefix tree (the engine the
package uses) and once paper by paper; the two reports must be identical, figure for figure, on random ballot
boxes with everything a file can hold: equal-rank groups, skipped ranks, unknown overvotes, a candidate
ranked twice, withdrawn candidates, blank ballots, weights, rows shorter or as long as the matrix.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rankandfile.counting import BallotBox, Options, Result, parcels, read_file
from rankandfile.counting.cli import main
from rankandfile.counting.parcels import Parcels, attach_tree, build_tree, tree_of
from rankandfile.counting.report import to_json
from rankandfile.counting.scottish import count_stv_scottish
from rankandfile.counting.tests.helpers import DATA, WARDS
from rankandfile.counting.ties import TieBreaker

NAMES = ["Ana", "Bo", "Cai", "Dev", "Eli", "Fay", "Gus"]
FAST = settings(max_examples=300, deadline=None)


@st.composite
def raw_boxes(draw: st.DrawFn, *, big_weights: bool = False, max_rows: int = 40) -> BallotBox:
    """A ballot box built from raw mark codes, as any reader could hand it over."""
    n = draw(st.integers(min_value=2, max_value=len(NAMES)))
    end, skip, overvote, duplicate, group0 = n, n + 1, n + 2, n + 3, n + 4
    groups = draw(
        st.lists(
            st.lists(st.integers(0, n - 1), min_size=2, max_size=3, unique=True).map(lambda g: tuple(sorted(g))),
            max_size=2,
            unique=True,
        )
    )
    marks = st.one_of(
        st.integers(0, n - 1),
        st.integers(0, n - 1),
        st.integers(0, n - 1),
        st.sampled_from([skip, overvote, duplicate]),
        st.integers(group0, group0 + len(groups) - 1) if groups else st.integers(0, n - 1),
    )
    # Short rows share prefixes often, so that parcels hold several ballots.
    rows = draw(st.lists(st.lists(marks, max_size=n + 1), max_size=max_rows))
    width = max((len(r) for r in rows), default=0) + draw(st.sampled_from([0, 1, 1]))
    codes = np.full((len(rows), width), end, dtype=np.int16)
    for i, row in enumerate(rows):
        codes[i, : len(row)] = row
        if row and len(row) < width and draw(st.booleans()) and draw(st.booleans()):
            codes[i, len(row) + 1 :] = draw(st.integers(0, n - 1))  # marks after the end: never read
    top = 10**15 if big_weights else 9
    weights = np.array(draw(st.lists(st.integers(1, top), min_size=len(rows), max_size=len(rows))), dtype=np.int64)
    withdrawn = draw(st.frozensets(st.integers(0, n - 1), max_size=n - 1))
    return BallotBox(
        candidates=tuple(NAMES[:n]),
        codes=codes,
        weights=weights,
        lines=np.arange(1, len(rows) + 1, dtype=np.int64),
        groups=tuple(groups),
        withdrawn=withdrawn,
    )


def profile(seed: int, ballots: int) -> BallotBox:
    """A Plackett-Luce profile (as in benchmarks/counting.py, small), with a few skipped ranks and overvotes."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 8))
    keys = np.log(rng.gamma(1.0, 1.0, n))[None, :] + rng.gumbel(size=(ballots, n))
    codes = np.argsort(-keys, axis=1).astype(np.int16)
    lengths = 1 + rng.binomial(n - 1, 0.5, ballots)
    codes[np.arange(n)[None, :] >= lengths[:, None]] = n
    odd = rng.random(codes.shape) < 0.01
    codes[odd & (codes < n)] = rng.choice([n + 1, n + 2], int((odd & (codes < n)).sum()))
    codes = np.concatenate([codes, np.full((ballots, 1), n, dtype=np.int16)], axis=1)
    weights = rng.integers(1, 4, ballots).astype(np.int64)
    return BallotBox(candidates=tuple(NAMES[:n]), codes=codes, weights=weights, lines=np.arange(1, ballots + 1))


def scottish(box: BallotBox, seats: int, engine: str) -> Result:
    return count_stv_scottish(box, seats, Options(seed="parcels"), TieBreaker(box.candidates, "parcels"), engine=engine)  # type: ignore[arg-type]


def assert_same_count(box: BallotBox, seats: int) -> None:
    expected = to_json(scottish(box, seats, "piles"))
    # As shipped, then with every move (first preferences too) walked by numpy level by level, then with every
    # move walked in Python.
    for few in ((Parcels.few_first_marks, Parcels.few_parcels), (-1, -1), (10**9, 10**9)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Parcels, "few_first_marks", few[0])
            patch.setattr(Parcels, "few_parcels", few[1])
            assert to_json(scottish(box, seats, "parcels")) == expected, few


@FAST
@given(box=raw_boxes(), seats=st.integers(min_value=1, max_value=4))
def test_it_counts_as_parcels_exactly_as_paper_by_paper(box: BallotBox, seats: int) -> None:
    assert_same_count(box, seats)
    assert_same_count(attach_tree(box), seats)


@FAST
@given(box=raw_boxes(max_rows=120), seats=st.integers(min_value=2, max_value=5))
def test_it_counts_as_parcels_exactly_as_paper_by_paper_through_many_surpluses(box: BallotBox, seats: int) -> None:
    # More ballots and seats: candidates holding papers of several values, moved through long chains.
    assert_same_count(box, seats)


@pytest.mark.parametrize("seed", range(30))
def test_it_counts_random_profiles_of_a_thousand_ballots_alike(seed: int) -> None:
    # Large enough for candidates to hold papers of several values that move through long chains.
    for seats in (1, 2, 3, 4):
        assert_same_count(profile(seed, 1000), seats)


@settings(max_examples=100, deadline=None)
@given(box=raw_boxes(big_weights=True), seats=st.integers(min_value=1, max_value=3))
def test_it_stays_exact_when_a_sum_of_values_would_not_fit_in_int64(box: BallotBox, seats: int) -> None:
    assert_same_count(box, seats)


@settings(max_examples=100, deadline=None)
@given(box=raw_boxes(), seats=st.integers(min_value=1, max_value=3))
def test_it_counts_the_same_when_value_ids_are_too_many_for_int16_keys(box: BallotBox, seats: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Parcels, "radix_ids", 0)
        assert_same_count(box, seats)


@FAST
@given(box=raw_boxes())
def test_it_makes_one_node_per_distinct_prefix_weighing_the_ballots_through_it(box: BallotBox) -> None:
    code, weight, child, n_children = build_tree(box.codes, box.weights, box.end, box.n_codes)
    through: Counter[tuple[int, ...]] = Counter()
    stopping: Counter[tuple[int, ...]] = Counter()
    through[()] += 0  # the root stands even above no ballot at all
    for row, w in zip(box.codes.tolist(), box.weights.tolist(), strict=True):
        marks = row[: row.index(box.end)] if box.end in row else row
        for depth in range(len(marks) + 1):
            through[tuple(marks[:depth])] += w
        stopping[tuple(marks)] += w
    found: dict[tuple[int, ...], tuple[int, int]] = {}

    def walk(node: int, prefix: tuple[int, ...]) -> None:
        assert prefix not in found
        below = range(int(child[node]), int(child[node] + n_children[node]))
        found[prefix] = (int(weight[node]), int(weight[node]) - sum(int(weight[c]) for c in below))
        for c in below:
            walk(c, (*prefix, int(code[c])))

    walk(len(code) - 1, ())
    assert found == {p: (w, stopping[p]) for p, w in through.items()}


def test_it_counts_on_an_attached_tree_and_does_not_build_another() -> None:
    box = attach_tree(read_file(str(DATA / f"{WARDS[0]}.blt")))
    assert box.tree is not None
    assert tree_of(box) is box.tree


def test_it_does_not_count_a_box_with_the_tree_of_other_ballots() -> None:
    box = attach_tree(read_file(str(DATA / f"{WARDS[0]}.blt")))
    fewer = dataclasses.replace(box, codes=box.codes[:, :1].copy())
    assert tree_of(fewer) is not box.tree
    plain = dataclasses.replace(fewer, tree=None)
    assert to_json(scottish(fewer, 3, "parcels")) == to_json(scottish(plain, 3, "piles"))


@pytest.mark.parametrize("ward", WARDS)
def test_it_reports_every_real_ward_as_the_paper_by_paper_engine_does(ward: str) -> None:
    box = read_file(str(DATA / f"{ward}.blt"))
    assert_same_count(box, box.seats or 1)


def test_reading_builds_no_tree_and_a_count_on_an_attached_tree_is_the_same() -> None:
    path = str(DATA / f"{WARDS[0]}.blt")
    plain = read_file(path)
    assert plain.tree is None
    assert to_json(scottish(plain, 3, "parcels")) == to_json(scottish(attach_tree(plain), 3, "parcels"))


def test_only_a_scottish_count_builds_the_tree_whoever_reads_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built: list[int] = []
    real = parcels.make_tree
    monkeypatch.setattr(parcels, "make_tree", lambda box: built.append(1) or real(box))
    path = str(DATA / f"{WARDS[0]}.blt")
    assert main([path, "--method", "irv", "--seats", "1"]) == 0
    assert main([path, "--method", "schulze"]) == 0
    assert main([path, "--method", "stv-meek"]) == 0
    assert built == []
    assert main([path, "--method", "stv-scottish"]) == 0
    assert built == [1]
    capsys.readouterr()
