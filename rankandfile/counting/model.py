"""The data the counting package takes and gives: a ballot box in, a result out.

A `BallotBox` holds every ballot of a file as a compact integer matrix (one row per distinct ballot line, its
weight beside it), so that a million ballots cost tens of megabytes, not gigabytes. Each cell of a row is a *mark
code*: a candidate's index (0 ... C-1), or one of the codes below for what voters really write on paper: the end of
the ballot, a skipped rank, an overvote whose marks are unknown, or a set of candidates given the same rank. Each
method then decides, by its own published rule, what such a mark means (see docs/counting.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from rankandfile.counting.parcels import PrefixTree

Codes = npt.NDArray[np.int16] | npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]

# Mark codes beyond the candidates, as offsets from the number of candidates C.
END_OFFSET = 0  # padding after the last mark of a ballot
SKIP_OFFSET = 1  # a rank left empty ("undervote", "-" in some BLT files)
OVERVOTE_OFFSET = 2  # a rank marked for several candidates who are not recorded ("overvote", "-=-")
DUPLICATE_OFFSET = 3  # a candidate already ranked higher on the same ballot (counts once: ignored here)
GROUP_OFFSET = 4  # first code of the equal-rank groups listed in BallotBox.groups

METHODS = ("yes-no", "plurality", "approval", "irv", "stv-scottish", "stv-meek", "schulze", "debian")
Method = Literal["yes-no", "plurality", "approval", "irv", "stv-scottish", "stv-meek", "schulze", "debian"]


class InputError(ValueError):
    """A ballot file that cannot be read. `str()` is the one line the command prints: file, line and reason."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")


class CountError(ValueError):
    """Ballots that can be read but not counted by the chosen method (e.g. IRV asked for two seats)."""


@dataclass(frozen=True, eq=False)
class BallotBox:
    """Every ballot of an election, as read from a file or built by the app.

    `codes[i]` is ballot line i's marks, best first, padded with `end`; `weights[i]` how many ballots it stands
    for; `lines[i]` where it came from (a line of the file, or the ballot's position in a JSON export) so that an
    invalid ballot can be pointed at. `tree` is the prefix tree of these ballots that Scottish STV moves papers on
    (parcels.py), attached by whoever built it; it is used only while it describes these very arrays.
    """

    candidates: tuple[str, ...]
    codes: Codes
    weights: Int64Array
    lines: Int64Array
    groups: tuple[tuple[int, ...], ...] = ()
    withdrawn: frozenset[int] = frozenset()
    receipts: tuple[str, ...] | None = None
    title: str = ""
    source: str = ""
    seats: int | None = None
    method: str | None = None
    options: Mapping[str, object] = field(default_factory=dict)
    tree: PrefixTree | None = None  # the prefix tree of the ballots, once Scottish STV has built it (parcels.py)
    tie_order: tuple[int, ...] | None = None  # a declared tie-break order (BLT `[tie]`): decides instead of a lot
    notes: tuple[str, ...] = ()  # what the file says besides its ballots (options, source), printed in reports

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def end(self) -> int:
        return len(self.candidates) + END_OFFSET

    @property
    def skip(self) -> int:
        return len(self.candidates) + SKIP_OFFSET

    @property
    def overvote(self) -> int:
        return len(self.candidates) + OVERVOTE_OFFSET

    @property
    def duplicate(self) -> int:
        return len(self.candidates) + DUPLICATE_OFFSET

    @property
    def group0(self) -> int:
        return len(self.candidates) + GROUP_OFFSET

    @property
    def n_codes(self) -> int:
        return self.group0 + len(self.groups)

    @property
    def total_weight(self) -> int:
        return int(self.weights.sum())

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[str],
        rankings: Iterable[Sequence[str | Sequence[str]]],
        weights: Iterable[int] | None = None,
        *,
        title: str = "",
        seats: int | None = None,
        receipts: Sequence[str] | None = None,
    ) -> BallotBox:
        """Build a box from rankings of names, best first.

        Each rank is a name, a list of names given the same rank, or an empty list (a skipped rank).
        """
        builder = BoxBuilder(candidates, source="<ballots>")
        weight_list = list(weights) if weights is not None else None
        for i, ranking in enumerate(rankings):
            marks: list[int] = []
            for rank in ranking:
                names = [rank] if isinstance(rank, str) else list(rank)
                for name in names:
                    if name not in builder.index:
                        raise InputError("<ballots>", i + 1, f"unknown candidate {name!r}")
                marks.append(builder.rank_code([builder.index[name] for name in names]))
            weight = weight_list[i] if weight_list is not None else 1
            if weight < 1:
                raise InputError("<ballots>", i + 1, f"weight must be a positive integer, not {weight}")
            builder.add(marks, weight, i + 1)
        return builder.build(title=title, seats=seats, receipts=tuple(receipts) if receipts is not None else None)


class BoxBuilder:
    """Collects ballots one by one (small files, CSV, JSON) and packs them into a BallotBox."""

    def __init__(self, candidates: Sequence[str], *, source: str) -> None:
        self.candidates = tuple(candidates)
        self.source = source
        self.index = {name: i for i, name in enumerate(self.candidates)}
        self.rows: list[list[int]] = []
        self.weights: list[int] = []
        self.lines: list[int] = []
        self.group_codes: dict[tuple[int, ...], int] = {}
        self.groups: list[tuple[int, ...]] = []
        c = len(self.candidates)
        self.end = c + END_OFFSET
        self.skip = c + SKIP_OFFSET
        self.overvote = c + OVERVOTE_OFFSET
        self.group0 = c + GROUP_OFFSET

    def rank_code(self, members: Sequence[int]) -> int:
        """The code of one rank: a candidate, a skipped rank (no member) or an equal-rank group."""
        unique = tuple(sorted(set(members)))
        if not unique:
            return self.skip
        if len(unique) == 1:
            return unique[0]
        code = self.group_codes.get(unique)
        if code is None:
            code = self.group0 + len(self.groups)
            self.groups.append(unique)
            self.group_codes[unique] = code
        return code

    def add(self, marks: list[int], weight: int, line: int) -> None:
        self.rows.append(marks)
        self.weights.append(weight)
        self.lines.append(line)

    def build(
        self,
        *,
        title: str = "",
        seats: int | None = None,
        withdrawn: frozenset[int] = frozenset(),
        receipts: tuple[str, ...] | None = None,
        method: str | None = None,
        options: Mapping[str, object] | None = None,
        tie_order: tuple[int, ...] | None = None,
        notes: tuple[str, ...] = (),
    ) -> BallotBox:
        width = max((len(r) for r in self.rows), default=0) + 1
        n_codes = self.group0 + len(self.groups)
        dtype = np.int16 if n_codes < 32_000 else np.int32
        codes = np.full((len(self.rows), width), self.end, dtype=dtype)
        for i, row in enumerate(self.rows):
            if row:
                codes[i, : len(row)] = row
        return BallotBox(
            candidates=self.candidates,
            codes=codes,
            weights=np.array(self.weights, dtype=np.int64),
            lines=np.array(self.lines, dtype=np.int64),
            groups=tuple(self.groups),
            withdrawn=withdrawn,
            receipts=receipts,
            title=title,
            source=self.source,
            seats=seats,
            method=method,
            options=dict(options or {}),
            tie_order=tie_order,
            notes=notes,
        )


@dataclass(frozen=True)
class Options:
    """Every rule option of every method; each method reads the ones it knows (docs/counting.md)."""

    overvote: Literal["exhaust", "skip"] = "exhaust"
    batch_elimination: bool = False
    default_option: str | None = None
    threshold: Literal["majority", "two-thirds", "absolute"] = "majority"
    eligible: int | None = None
    quorum: int | None = None
    majority_ratio: tuple[int, int] = (1, 1)
    seed: str | None = None
    meek_variant: Literal["nz", "prf"] = "nz"


def normal_name(name: str) -> str:
    """A name with its runs of white space made single spaces and its ends trimmed, for comparing names: a name
    is kept and printed as written, but 'Ada  Lovelace' and 'Ada Lovelace' are the same candidate."""
    return " ".join(name.split())


def find_name(names: Sequence[str], wanted: str) -> int | None:
    """The index of `wanted` among `names`, exactly as written or else by normalized white space; None if absent."""
    for i, name in enumerate(names):
        if name == wanted:
            return i
    wanted_normal = normal_name(wanted)
    for i, name in enumerate(names):
        if normal_name(name) == wanted_normal:
            return i
    return None


@dataclass(frozen=True)
class InvalidBallot:
    """Ballots set aside, with the rule's reason; `line` points into the file (or the JSON ballot list)."""

    line: int
    count: int
    reason: str
    receipt: str | None = None


@dataclass(frozen=True)
class TieBreak:
    stage: int
    kind: str  # "exclusion", "surplus", "election", "elimination", "winner", "ranking"
    candidates: tuple[str, ...]
    chosen: str | None
    reason: str


@dataclass(frozen=True)
class Stage:
    """One stage of a count: the figures at its end. `non_transferable` and `rounding_loss` are running totals,
    so that for every stage: sum(totals) + non_transferable + rounding_loss = valid poll."""

    number: int
    action: str
    candidates: tuple[str, ...]
    totals: Mapping[str, Decimal]
    transfers: Mapping[str, Decimal]
    non_transferable: Decimal
    rounding_loss: Decimal
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    quota: Decimal | None = None
    keep_factors: Mapping[str, Decimal] | None = None
    note: str = ""


@dataclass(frozen=True)
class Result:
    method: str
    rule: str
    title: str
    seats: int
    candidates: tuple[str, ...]
    valid_ballots: int
    invalid_ballots: int
    quota: Decimal | None
    elected: tuple[str, ...]
    stages: tuple[Stage, ...]
    tie_breaks: tuple[TieBreak, ...]
    seed: str
    decimals: int
    invalid: tuple[InvalidBallot, ...] = ()
    ranking: tuple[tuple[str, ...], ...] | None = None
    pairwise: Mapping[str, Mapping[str, int]] | None = None
    dropped: tuple[str, ...] = ()
    outcome: str | None = None
    notes: tuple[str, ...] = ()


_UNITS: dict[int, Decimal] = {}


def scaled(value: int, decimals: int) -> Decimal:
    """An exact decimal from an integer count of 10^-decimals units (value x 1E-decimals: the same digits and
    exponent as Decimal(value).scaleb(-decimals), made about twice as fast)."""
    if not decimals:
        return Decimal(value)
    unit = _UNITS.get(decimals)
    if unit is None:
        unit = _UNITS[decimals] = Decimal(1).scaleb(-decimals)
    return Decimal(value) * unit


def decimal_text(value: Decimal) -> str:
    """The fixed-point text of an exact value ("1037.64000", "0.00000", "2951"): never an exponent."""
    return format(value, "f")


def units_text(value: int, decimals: int) -> str:
    """decimal_text(scaled(value, decimals)), written from the integer without making the Decimal."""
    if not decimals:
        return str(value)
    whole, part = divmod(-value if value < 0 else value, 10**decimals)
    return f"{'-' if value < 0 else ''}{whole}.{part:0{decimals}d}"


class FigureCache(dict[int, Decimal]):
    """The Decimal of each integer figure of a count (10^-decimals units), made once, when first read: totals
    repeat from stage to stage. Shared by the Figures of a count's stages."""

    def __init__(self, decimals: int) -> None:
        super().__init__()
        self.decimals = decimals
        self.texts = _TextCache(decimals)

    def __missing__(self, value: int) -> Decimal:
        made = self[value] = scaled(value, self.decimals)
        return made


class _TextCache(dict[int, str]):
    """units_text of each integer figure of a count, written once."""

    def __init__(self, decimals: int) -> None:
        super().__init__()
        self.decimals = decimals

    def __missing__(self, value: int) -> str:
        made = self[value] = units_text(value, self.decimals)
        return made


class Figures(Mapping[str, Decimal]):
    """One figure per name for a stage (its totals, its transfers), kept as the count's exact integers
    (10^-decimals units) and made exact Decimals only when read: a count makes thousands of figures, and the
    JSON report writes their text straight from the integers (`texts`). Reads, compares equal and prints as
    the dict {name: Decimal} it stands for. See docs/performance.md ("Counting", what is timed)."""

    __slots__ = ("_index", "_made", "_units")

    def __init__(self, index: Mapping[str, int], units: Sequence[int], made: FigureCache) -> None:
        self._index = index  # name -> position in `units`
        self._units = units
        self._made = made

    def __getitem__(self, name: str) -> Decimal:
        return self._made[self._units[self._index[name]]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def texts(self) -> dict[str, str]:
        """{name: decimal_text(figure)}, written from the integers."""
        text, units = self._made.texts.__getitem__, self._units
        return {name: text(units[i]) for name, i in self._index.items()}
