"""Climate and exit survey answers, summarized without revealing any answer given by fewer than five members.

Likert answers are 1 (strongly disagree) to 5 (strongly agree). The mean is shown only when every answer's count
is shown: with the total known, two hidden counts and the mean would be two equations in two unknowns.
"""

from __future__ import annotations

from collections.abc import Mapping

from rankandfile.insights.domain.suppression import K, cell, suppress_group

__all__ = ["LIKERT", "likert_summary", "reason_summary"]

LIKERT = (1, 2, 3, 4, 5)


def likert_summary(counts: Mapping[int, int], *, k: int = K) -> dict[str, object]:
    n = sum(counts.get(score, 0) for score in LIKERT)
    if n < k:
        return {"n": None, "suppressed": True, "counts": {}, "mean": cell(None, n).as_dict()}
    # Zero counts are cells like any other: "nobody strongly agrees" is a figure about fewer than five members.
    cells = suppress_group({str(score): cell(counts.get(score, 0), counts.get(score, 0)) for score in LIKERT}, k=k)
    any_hidden = any(c.is_suppressed for c in cells.values())
    mean = sum(score * counts.get(score, 0) for score in LIKERT) / n
    return {
        "n": n,
        "suppressed": False,
        "counts": {name: c.shown() for name, c in cells.items()},
        "mean": (cell(None, 0) if any_hidden else cell(round(mean, 2), n)).as_dict(),
    }


def reason_summary(counts: Mapping[str, int], *, k: int = K) -> dict[str, object]:
    n = sum(counts.values())
    if n < k:
        return {"n": None, "suppressed": True, "reasons": {}}
    cells = suppress_group({reason: cell(count, count) for reason, count in counts.items() if count}, k=k)
    return {"n": n, "suppressed": False, "reasons": {r: c.shown() for r, c in cells.items()}}
