"""Text rules of proposals: line diffs between revisions and amendments, and co-signature thresholds."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from enum import StrEnum


class Change(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"
    GAP = "gap"  # unchanged lines left out between two changes


@dataclass(frozen=True)
class DiffLine:
    change: Change
    text: str
    old_number: int | None = None
    new_number: int | None = None


def diff_lines(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """The changes from `old` to `new`, line by line, with `context` unchanged lines around each change."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    result: list[DiffLine] = []
    for group_index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if group_index or (group and (group[0][1] or group[0][3])):
            result.append(DiffLine(Change.GAP, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for k in range(i2 - i1):
                    result.append(DiffLine(Change.SAME, old_lines[i1 + k], i1 + k + 1, j1 + k + 1))
                continue
            if tag in ("replace", "delete"):
                for k in range(i1, i2):
                    result.append(DiffLine(Change.REMOVED, old_lines[k], k + 1, None))
            if tag in ("replace", "insert"):
                for k in range(j1, j2):
                    result.append(DiffLine(Change.ADDED, new_lines[k], None, k + 1))
    return result


def has_changes(old: str, new: str) -> bool:
    return old.splitlines() != new.splitlines()


def cosigners_required(fixed: int, percent: int | None, members: int) -> int:
    """Co-signers a counter-proposal needs: the unit's fixed number, or a share of its members when one is set.

    A share is rounded up and never below one signature.
    """
    if percent is None:
        return max(0, fixed)
    return max(1, math.ceil(members * percent / 100))
