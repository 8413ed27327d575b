"""What members may see: no figure over fewer than K members, not even by subtracting two shown figures.

A *cell* is a figure with the number of distinct members it is computed over. A cell over fewer than K members is
suppressed (it reads "fewer than 5"). A *group* of cells that add up to a shown total (role holders and others,
dissenters and others) must not leave exactly one suppressed cell: the total minus the shown cells would give it
back, so the smallest other cell is suppressed as well (complementary suppression). A difference between two cells
(the retention gap) is shown only when both cells are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Cell", "K", "cell", "difference", "suppress_group"]

K = 5


@dataclass(frozen=True, slots=True)
class Cell:
    """A figure as members see it: `value` is None when it is suppressed; `n` is never shown when suppressed."""

    value: float | int | None
    n: int
    is_suppressed: bool

    def shown(self) -> float | int | None:
        return None if self.is_suppressed else self.value

    def as_dict(self) -> dict[str, object]:
        if self.is_suppressed:
            return {"value": None, "n": None, "suppressed": True}
        return {"value": self.value, "n": self.n, "suppressed": False}


def cell(value: float | int | None, n: int, *, k: int = K) -> Cell:
    """A figure over `n` distinct members: suppressed when `n` < k (and n > 0: nothing is shown about nobody)."""
    if n < k:
        return Cell(None, n, True)
    return Cell(value, n, False)


def suppress_group(cells: Mapping[str, Cell], *, k: int = K) -> dict[str, Cell]:
    """Complementary suppression over cells whose members add up to a shown total.

    If exactly one cell of the group is suppressed, the smallest other (by `n`, then name) is suppressed too, so
    that no suppressed cell can be had by subtracting the shown ones from the total.
    """
    out = {name: (c if c.n >= k and not c.is_suppressed else Cell(None, c.n, True)) for name, c in cells.items()}
    hidden = [name for name, c in out.items() if c.is_suppressed]
    if len(hidden) == 1 and len(out) > 1:
        others = sorted((c.n, name) for name, c in out.items() if not c.is_suppressed)
        _n, smallest = others[0]
        out[smallest] = Cell(None, out[smallest].n, True)
    return out


def difference(a: Cell, b: Cell) -> Cell:
    """a − b, shown only when both are: a gap between a shown and a hidden figure would reveal the hidden one."""
    if a.is_suppressed or b.is_suppressed or a.value is None or b.value is None:
        return Cell(None, min(a.n, b.n), True)
    return Cell(a.value - b.value, min(a.n, b.n), False)
