"""Papers as parcels: a prefix tree of the ballots, and the engine that moves Scottish STV's papers through it.

Under the Scottish rule (weighted inclusive Gregory) what happens to a paper depends only on the marks it has
been moved along so far: two papers with the same marks up to the one they sit on have gone through the same
transfers, so they sit with the same candidate at the same value, and they will move together at every later
stage. The papers can therefore be moved as parcels, one per distinct sequence of marks read so far: the nodes of
a prefix tree of the ballots, each weighing the ballots through it. A stage looks at the children of the nodes
moved (and at theirs, through marks no longer continuing) instead of at each paper: on the 100,000-ballot
benchmark profile a whole count visits about 62,000 nodes, where moving the papers one by one (transfer.Piles)
moves 180,000 papers over 344,000 marks and deals 280,000. The sums are the same integers either way.

The tree is built by the count (`tree_of`) when the box comes without one; `attach_tree` returns a box with its
tree, for a caller that wants the building done (and timed) apart from the count, as the benchmark does; a tree
is used only while the box's arrays are the ones it describes. Reading a file never builds it: only this rule
needs it. Building it sorts the ballot rows lexicographically (numpy's lexsort over the marks packed into 16-bit
keys), then walks the sorted rows one mark position at a time: about 8 ms for 100,000 ballots, 0.1 s for 1,000,000.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rankandfile.counting.model import BallotBox, Codes, Int64Array
from rankandfile.counting.prepare import clean_codes
from rankandfile.counting.transfer import MEANING_OFFSET, PASS

IntpArray = npt.NDArray[np.intp]

_FREE = -1  # holder of a parcel that has moved on
_INT64_LIMIT = 2**63


@dataclass(frozen=True, eq=False)
class PrefixTree:
    """Every distinct prefix of the ballot rows (the marks before the first `end`), as tree nodes.

    Nodes are numbered level by level (all first marks, then all second marks, ...), and within a level in the
    rows' lexicographic order, so that the children of a node are consecutive: child[i] ... child[i] +
    n_children[i] - 1. `code[i]` is the node's mark, `weight[i]` the ballots whose rows start with its prefix
    (those of them not under a child end right after it). The last node, `root`, stands above the first marks:
    its children are the first marks and its weight is every ballot.

    The tree describes the rows of the box's marks with equal-rank groups reduced (prepare.clean_codes), and
    `groups` is their group table. `source_*` are the very arrays of the box it was built from, so that a box
    whose arrays were replaced is not counted with the tree of others.
    """

    code: IntpArray
    weight: Int64Array
    child: IntpArray
    n_children: IntpArray
    counter: IntpArray  # 0, 1, 2, ... as many as the nodes: the walks' offsets within runs of children
    depth: int  # at least the number of levels below the root
    groups: tuple[tuple[int, ...], ...]
    source_codes: Codes
    source_weights: Int64Array
    source_groups: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        return int(self.code.shape[0])

    @property
    def root(self) -> int:
        return self.size - 1

    def describes(self, box: BallotBox) -> bool:
        return (
            self.source_codes is box.codes and self.source_weights is box.weights and self.source_groups is box.groups
        )


def tree_of(box: BallotBox) -> PrefixTree:
    """The box's prefix tree: the one attached to it, or one built now."""
    tree = box.tree
    if tree is not None and tree.describes(box):
        return tree
    return make_tree(box)


def make_tree(box: BallotBox) -> PrefixTree:
    codes, groups = clean_codes(box, groups_only=True)
    code, weight, child, n_children = build_tree(codes, box.weights, box.end, box.group0 + len(groups))
    return PrefixTree(
        code=code,
        weight=weight,
        child=child,
        n_children=n_children,
        counter=np.arange(code.size, dtype=np.intp),
        depth=codes.shape[1] + 1,
        groups=groups,
        source_codes=box.codes,
        source_weights=box.weights,
        source_groups=box.groups,
    )


def attach_tree(box: BallotBox) -> BallotBox:
    """The box with its prefix tree built now (the count then uses it rather than building its own)."""
    return dataclasses.replace(box, tree=make_tree(box))


def build_tree(
    codes: Codes, weights: Int64Array, end: int, n_codes: int
) -> tuple[IntpArray, Int64Array, IntpArray, IntpArray]:
    """(code, weight, child, n_children) of the prefix tree of the rows of `codes` (see PrefixTree)."""
    n = codes.shape[0]
    if codes.shape[1] == 0 or bool((codes[:, -1] != end).any()):
        pad = np.full((n, 1), end, dtype=codes.dtype)
        codes = np.concatenate([codes, pad], axis=1)
    columns: npt.NDArray[np.integer[Any]] = np.ascontiguousarray(codes.T)
    index_type = np.int32 if codes.size + n < 2**31 else np.intp
    rows: npt.NDArray[np.integer[Any]] = _sorted_rows(columns, n_codes).astype(index_type, copy=False)
    unit = bool((weights == 1).all())
    ballots = weights.take(rows)
    parent: npt.NDArray[np.integer[Any]] | None = None  # each row's node at the level above
    codes_by_level: list[npt.NDArray[np.integer[Any]]] = []
    weights_by_level: list[Int64Array] = []
    child_by_level: list[IntpArray] = []
    counts_by_level: list[IntpArray] = []
    level_start = above_start = above_size = 0
    depth = 0
    # One level (mark position) at a time, over the rows not yet ended: a node starts wherever a row's mark or
    # its node above differs from the row before it; runs of rows whose mark there is the end make no node.
    while rows.size:
        marks = columns[depth].take(rows)
        new = np.empty(rows.size, dtype=bool)
        new[0] = True
        np.not_equal(marks[1:], marks[:-1], out=new[1:])
        if parent is not None:
            new[1:] |= parent[1:] != parent[:-1]
        starts = np.flatnonzero(new)
        group_marks = marks.take(starts)
        group_weights = np.diff(starts, append=rows.size) if unit else np.add.reduceat(ballots, starts)
        real = np.flatnonzero(group_marks != end)
        if parent is not None:
            children = np.bincount(parent.take(starts.take(real)) - above_start, minlength=above_size)
            child_by_level.append(level_start + np.cumsum(children) - children)
            counts_by_level.append(children)
        codes_by_level.append(group_marks.take(real))
        weights_by_level.append(group_weights.take(real))
        if real.size == starts.size:
            parent = np.cumsum(new, dtype=rows.dtype)
        else:
            going = np.flatnonzero(marks != end)
            parent = np.cumsum(new.take(going), dtype=rows.dtype)
            rows = rows.take(going)
            if not unit:
                ballots = ballots.take(going)
        parent += level_start - 1
        above_start, above_size = level_start, real.size
        level_start += real.size
        depth += 1
    size = level_start + 1  # and the root
    child_by_level.append(np.full(above_size, size, dtype=np.intp))
    counts_by_level.append(np.zeros(above_size, dtype=np.intp))
    first_marks = codes_by_level[0].size if codes_by_level else 0
    code = np.concatenate([*codes_by_level, [end]]).astype(np.intp)
    weight = np.concatenate([*weights_by_level, [weights.sum()]]).astype(np.int64)
    child = np.concatenate([*child_by_level, [0]]).astype(np.intp)
    n_children = np.concatenate([*counts_by_level, [first_marks]]).astype(np.intp)
    return code, weight, child, n_children


def _sorted_rows(columns: npt.NDArray[np.integer[Any]], n_codes: int) -> npt.NDArray[np.integer[Any]]:
    """The row indices in lexicographic order of the rows (`columns` is the transposed mark matrix).

    Marks are packed several to a 16-bit key where they fit, since numpy sorts 16-bit keys by radix."""
    width, n = columns.shape
    if n < 2:
        return np.arange(n, dtype=np.intp)
    bits = max(n_codes - 1, 1).bit_length()
    per_key = 16 // bits
    keys: list[npt.NDArray[np.integer[Any]]] = []
    if per_key < 1:
        keys = list(columns[::-1])
    else:
        stop = width
        while stop > 0:
            first = max(0, stop - per_key)
            key = columns[first].astype(np.uint16)
            for j in range(first + 1, stop):
                key <<= bits
                key |= columns[j].astype(np.uint16)
            keys.append(key)
            stop = first
    return np.lexsort(keys)


class Parcels:
    """Scottish STV's papers as parcels on the prefix tree (module docstring), with the interface of Piles.

    A parcel is a node, the candidate holding it and a value (10^-5 votes): the papers whose marks read so far
    are the node's prefix. Every node is reached at most once in a count (from its parent), so the parcels fit
    in arrays as long as the tree. A parcel keeps the index of its value in the table of the values met so far
    (a handful: a surplus transfer maps each value it moves to one new value), so sums are int64 sums of
    ballots per value, multiplied by the values in int64 when the product fits, else in Python integers.
    Meanings are kept shifted by `offset` (m + offset >= 0), so that they index the table of sums directly.
    """

    radix_ids = 2**15  # fewer value ids than this: sorted as int16 keys, by radix
    few_first_marks = 64  # first preferences are walked in Python when there are this many first marks or fewer
    few_parcels = 8  # moves of this many parcels or fewer are walked in Python (numpy's calls would cost more)

    def __init__(self, tree: PrefixTree, n_candidates: int) -> None:
        self.tree = tree
        self.n = n_candidates
        self.offset = MEANING_OFFSET
        self.bins = n_candidates + MEANING_OFFSET
        self.bin_dtype = np.int8 if self.bins < 127 else np.int32
        self.values: list[int] = []
        self.value_ids: dict[int, int] = {}
        # The parcels (at most one per node) and the scratch space of a walk (the nodes met, their meanings), as
        # long as the tree: left uninitialized, so that a count touches only the memory it uses.
        self.node: IntpArray = np.empty(tree.size, dtype=np.intp)
        self.value_id = np.empty(tree.size, dtype=np.int32)
        self.holder = np.empty(tree.size, dtype=self.bin_dtype)  # meaning + offset; _FREE once moved on
        self.size = 0
        self.seen: IntpArray = np.empty(tree.size, dtype=np.intp)
        self.meanings: npt.NDArray[np.integer[Any]] = np.empty(tree.size, dtype=self.bin_dtype)
        self.total = int(tree.weight[tree.root])
        self.end_code = int(tree.code[tree.root])

    def lut(self, lut: Int64Array) -> npt.NDArray[np.integer[Any]]:
        return lut.astype(self.bin_dtype)

    def start(self, lut: npt.NDArray[np.integer[Any]], value: int) -> list[int]:
        """Put every ballot on its first mark that `lut` does not say to pass over, at `value`.

        Returns the ballots (weights) dealt to each candidate, then those of each negative meaning (index
        n_candidates + offset + meaning), as Piles.deal does."""
        root = self.tree.root
        if self.tree.n_children.item(root) <= self.few_first_marks:
            # Usually a mark per candidate, a handful of codes besides: walked in Python. Marks passed over
            # (withdrawn candidates) are walked too, as by any move.
            sums = self._walk([(root, 1, self._value_id(value))], lut)
        else:
            sums = self._spread(np.array([root], dtype=np.intp), None, [self._value_id(value)], [1], lut)
        return sums[self.offset :] + sums[: self.offset]

    def move(
        self, candidates: Sequence[int], lut: npt.NDArray[np.integer[Any]], ratio: tuple[int, int] | None = None
    ) -> list[int]:
        """Move every parcel the candidates hold on, each at its value, or with `ratio` (a, b) at
        floor(value x a / b). Returns the amount each candidate receives, in value units; index n_candidates:
        non-transferable."""
        held = self.holder[: self.size]
        if len(candidates) == 1:
            chosen = (held == candidates[0] + self.offset).nonzero()[0]
        else:
            bins = np.asarray(candidates, dtype=held.dtype) + self.offset
            chosen = np.isin(held, bins).nonzero()[0]
        if chosen.size == 0:
            return [0] * (self.n + 1)
        held[chosen] = _FREE
        if chosen.size <= self.few_parcels:
            return self._move_few(chosen, lut, ratio)
        bounds: IntpArray | None = None
        present = [0]
        if len(self.values) > 1:
            ids = self.value_id.take(chosen)
            sizes = np.bincount(ids, minlength=len(self.values))
            found = sizes.nonzero()[0]
            present = found.tolist()
            if len(present) > 1:
                # Parcels in order of value, so that every array below holds one run of each value.
                keys = ids.astype(np.int16) if len(self.values) < self.radix_ids else ids
                chosen = chosen.take(keys.argsort(kind="stable"))
                bounds = np.zeros(len(present) + 1, dtype=np.intp)
                np.add.accumulate(sizes.take(found), out=bounds[1:])
        values = [self.values[i] for i in present]
        if ratio is not None:
            values = [v * ratio[0] // ratio[1] for v in values]
        amounts = self._spread(self.node.take(chosen), bounds, [self._value_id(v) for v in values], values, lut)
        return [*amounts[self.offset :], sum(amounts[: self.offset])]

    def _move_few(
        self, chosen: IntpArray, lut: npt.NDArray[np.integer[Any]], ratio: tuple[int, int] | None
    ) -> list[int]:
        """`move` for a handful of parcels, walked in Python: the same steps, without a numpy call per level."""
        parcels = []
        for node, value_id in zip(self.node.take(chosen).tolist(), self.value_id.take(chosen).tolist(), strict=True):
            value = self.values[value_id]
            if ratio is not None:
                value = value * ratio[0] // ratio[1]
            parcels.append((node, value, self._value_id(value)))
        amounts = self._walk(parcels, lut)
        return [*amounts[self.offset :], sum(amounts[: self.offset])]

    def _walk(self, parcels: list[tuple[int, int, int]], lut: npt.NDArray[np.integer[Any]]) -> list[int]:
        """Move the papers of each parcel (node, value, id of the value) to their next marks that `lut` does not
        say to pass over, in Python. Returns the amount dealt to each meaning m (index m + offset): ballots x
        value; papers whose marks end on the way count for the meaning of the end of a ballot."""
        tree = self.tree
        child, count, codes, weights = tree.child.item, tree.n_children.item, tree.code, tree.weight
        shifted = (lut + self.offset).tolist()
        passing_bin, offset = PASS + self.offset, self.offset
        amounts = [0] * self.bins
        new_nodes: list[int] = []
        new_bins: list[int] = []
        new_ids: list[int] = []
        for node, value, new_id in parcels:
            left = weights.item(node)  # the parcel's ballots not yet settled: those left at the end, ended
            level = [node]
            while level:
                passed = []
                for parent in level:
                    first = child(parent)
                    stop = first + count(parent)
                    marks, ballots_of = codes[first:stop].tolist(), weights[first:stop].tolist()
                    for c, mark, ballots in zip(range(first, stop), marks, ballots_of, strict=True):
                        meaning = shifted[mark]
                        if meaning == passing_bin:
                            passed.append(c)
                            continue
                        amounts[meaning] += ballots * value
                        left -= ballots
                        if meaning >= offset:
                            new_nodes.append(c)
                            new_bins.append(meaning)
                            new_ids.append(new_id)
                level = passed
            amounts[shifted[self.end_code]] += left * value
        start, stop = self.size, self.size + len(new_nodes)
        self.node[start:stop] = new_nodes
        self.holder[start:stop] = new_bins
        self.value_id[start:stop] = new_ids
        self.size = stop
        return amounts

    def _value_id(self, value: int) -> int:
        found = self.value_ids.get(value)
        if found is None:
            found = self.value_ids[value] = len(self.values)
            self.values.append(value)
        return found

    def _spread(
        self,
        nodes: IntpArray,
        bounds: IntpArray | None,
        new_ids: list[int],
        values: list[int],
        lut: npt.NDArray[np.integer[Any]],
    ) -> list[int]:
        """Move the papers of the parcels at `nodes` to their next marks that `lut` does not say to pass over.

        The parcels nodes[bounds[j]:bounds[j+1]] are at values[j] (`bounds` None: all at values[0]); each new
        parcel goes to the candidate its mark means, with the id new_ids[j] of its value. Returns the amount
        dealt to each meaning m (index m + offset); papers whose marks end on the way count for the meaning
        of the end of a ballot."""
        tree = self.tree
        code, child, n_children, weight = tree.code, tree.child, tree.n_children, tree.weight
        shifted = lut + self.offset
        passing_bin = shifted.dtype.type(PASS + self.offset)
        k = len(values)
        moving = weight.take(nodes)
        ended = np.add.reduce(moving, keepdims=True) if bounds is None else np.add.reduceat(moving, bounds[:-1])
        seen, meanings, counter = self.seen, self.meanings, self.tree.counter
        runs = np.empty((tree.depth, k + 1), dtype=np.intp) if bounds is not None else None
        counts = n_children.take(nodes)
        at = depth = 0
        # Level by level, the children of the nodes, then the children of those that are marks to pass over,
        # written one level after another into `seen` (nodes) and `meanings`. Children come in the order of
        # their parents, so the runs of each value stay runs: only their bounds are kept, a row per level.
        while True:
            stops = np.zeros(counts.size + 1, dtype=np.intp)
            np.add.accumulate(counts, out=stops[1:])
            total = int(stops[-1])
            if total == 0:
                break
            first = child.take(nodes)
            first -= stops[:-1]
            nodes = seen[at : at + total]
            np.add(first.repeat(counts), counter[:total], out=nodes)
            meaning = meanings[at : at + total]
            # (mode="clip" where the output is given: the indices are in range, and numpy's default mode would
            # write to a buffer first, then copy.)
            shifted.take(code.take(nodes), out=meaning, mode="clip")
            if runs is not None:
                assert bounds is not None
                bounds = stops.take(bounds, out=runs[depth], mode="clip")
            at += total
            depth += 1
            passing = (meaning == passing_bin).nonzero()[0]
            if passing.size == 0:
                break
            nodes = nodes.take(passing)
            counts = n_children.take(nodes)
            if bounds is not None:
                bounds = passing.searchsorted(bounds)
        table = np.zeros((k, self.bins), dtype=np.int64)
        if at:
            nodes, meaning = seen[:at], meanings[:at]
            local: IntpArray | None = None
            if runs is not None:
                # Each node's value (index j of values): the runs go 0, 1, ..., k-1 at every level.
                lengths = (runs[:depth, 1:] - runs[:depth, :-1]).reshape(-1)
                local = (np.arange(lengths.size) % k).repeat(lengths)
            settled = (meaning != passing_bin).nonzero()[0]
            if settled.size < at:
                nodes, meaning = nodes.take(settled), meaning.take(settled)
                if local is not None:
                    local = local.take(settled)
            if local is None:
                np.add.at(table[0], meaning, weight.take(nodes))
            else:
                key = local * self.bins
                key += meaning
                np.add.at(table.reshape(-1), key, weight.take(nodes))
            ended -= np.add.reduce(table, axis=1)
            kept = (meaning >= self.offset).nonzero()[0]
            start, stop = self.size, self.size + kept.size
            nodes.take(kept, out=self.node[start:stop], mode="clip")
            meaning.take(kept, out=self.holder[start:stop], mode="clip")
            if local is None:
                self.value_id[start:stop] = new_ids[0]
            else:
                np.asarray(new_ids, dtype=self.value_id.dtype).take(
                    local.take(kept), out=self.value_id[start:stop], mode="clip"
                )
            self.size = stop
        table[:, int(shifted[self.end_code])] += ended
        # Ballots times values: in int64 when the largest possible sum fits, else in Python integers.
        if self.total * max(values) < _INT64_LIMIT:
            if k == 1:
                table *= values[0]
                return table[0].tolist()
            return (np.asarray(values, dtype=np.int64) @ table).tolist()
        return [sum(w * v for w, v in zip(column, values, strict=True)) for column in table.T.tolist()]
