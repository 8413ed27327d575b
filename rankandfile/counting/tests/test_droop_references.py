"""The classic test elections, read as published and counted under both Meek variants, against the reference
reports of another counter (Droop; sources in data/CREDITS.md and data/droop/reference.json).

- `prf` is checked figure by figure: every election and defeat, in order, with the candidate's vote and the quota
  to the 9th decimal, and the elected members' final votes. Droop breaks ties by the order of the candidates in the
  file unless the file declares one ("the order of entry in the ballot file ... is the tiebreaking order"); the
  count here is given that same order, so that both take the same decisions.
- `nz` is the New Zealand rule, which Droop does not implement: its members are checked against Droop's Meek count
  (which converges to 1/10^9 and defeats sure losers in batches), and where that count converges before its last
  election (SC-Vm-12) the figures agree to 0.000001.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest

from rankandfile.counting import Options, Result, count, read_file
from rankandfile.counting.model import decimal_text
from rankandfile.counting.tests.helpers import DATA

DROOP = DATA / "droop"
REFERENCE: dict[str, Any] = json.loads((DROOP / "reference.json").read_text())
PRF_EXPECTED = {**{name: name for name in REFERENCE["prf"]}, "SCwopt": "SCw"}


def meek(name: str, variant: str, *, file_order_ties: bool = False) -> Result:
    box = read_file(str(DROOP / f"{name}.blt"))
    if file_order_ties and box.tie_order is None:
        box = dataclasses.replace(box, tie_order=tuple(range(box.n_candidates)))
    return count(box, "stv-meek", None, Options(seed="droop", meek_variant=variant))  # type: ignore[arg-type]


def events(result: Result) -> list[tuple[str, str, str, str]]:
    """Each election and defeat as Droop's report lists it: simultaneous elections in name order."""
    found: list[tuple[str, str, str, str]] = []
    for before, stage in zip((None, *result.stages), result.stages, strict=False):
        assert stage.quota is not None
        if stage.action == "exclusion":
            assert before is not None and before.quota is not None
            (name,) = stage.candidates
            found.append(("defeat", name, decimal_text(before.totals[name]), decimal_text(before.quota)))
        elected = [
            ("elect" if stage.totals[name] >= stage.quota else "elect-remaining", name) for name in stage.elected
        ]
        run = [(kind, name, decimal_text(stage.totals[name]), decimal_text(stage.quota)) for kind, name in elected]
        found.extend(sorted(run, key=lambda e: (e[0], e[1])))
    return found


def by_name(items: list[list[str]]) -> list[tuple[str, str, str, str]]:
    """The expected events with each run of simultaneous elections (same quota) in name order."""
    out: list[tuple[str, str, str, str]] = []
    run: list[tuple[str, str, str, str]] = []
    for item in [*items, ["end", "", "", ""]]:
        event = (item[0], item[1], item[2], item[3])
        if run and (event[0] != "elect" or event[3] != run[0][3]):
            out.extend(sorted(run, key=lambda e: e[1]))
            run = []
        if event[0] == "elect":
            run.append(event)
        elif event[0] != "end":
            out.append(event)
    return out


@pytest.mark.parametrize("name", sorted(PRF_EXPECTED))
def test_prf_reproduces_every_figure_of_the_reference_report(name: str) -> None:
    expected = REFERENCE["prf"][PRF_EXPECTED[name]]
    result = meek(name, "prf", file_order_ties=True)
    assert events(result) == by_name(expected["events"])
    last = result.stages[-1]
    assert {n: decimal_text(last.totals[n]) for n in result.elected} == expected["final"]


@pytest.mark.parametrize("name", sorted(REFERENCE["meek"]))
def test_nz_elects_the_members_of_the_reference_meek_count(name: str) -> None:
    assert sorted(meek(name, "nz").elected) == sorted(REFERENCE["meek"][name])


def test_nz_agrees_with_the_converged_reference_figures_to_a_millionth() -> None:
    expected = REFERENCE["meek_figures"]["SC-Vm-12"]
    result = meek("SC-Vm-12", "nz")
    stage = next(s for s in result.stages if expected["stage_electing"] in s.elected)
    assert stage.quota is not None
    assert abs(stage.quota - Decimal(expected["quota"])) < Decimal("0.000001")
    for name in "ABXY":
        assert abs(stage.totals[name] - Decimal(expected[name])) < Decimal("0.000001")


def test_the_two_variants_differ_where_the_reports_do() -> None:
    # Voting matters 12: the exact Meek count elects X; the PRF rule treats X, Y and Z as tied within the
    # surplus and defeats X (Droop: first in the file), so it elects Y.
    assert meek("SC-Vm-12", "nz").elected[-1] == "X"
    prf = meek("SC-Vm-12", "prf", file_order_ties=True)
    assert prf.elected[-1] == "Y"
    assert [(t.candidates, t.chosen) for t in prf.tie_breaks] == [(("X", "Y", "Z"), "X")]


def test_the_classic_files_are_read_as_published() -> None:
    m135 = read_file(str(DROOP / "M135.blt"))
    assert (m135.n_candidates, m135.seats, m135.total_weight, m135.title) == (25, 7, 679, "M135: Gen v1.1 1 3 45")
    assert m135.notes == (
        "source (from the file): Brian Wichmann, email: brian.wichmann@bcs.org.uk",
        "comment (from the file): The validation of the STV programs for ERBS, 1st September 1999.",
        "text after the title (lines 710-712 of the file) was not read",
    )
    assert read_file(str(DROOP / "SCw.blt")).withdrawn == read_file(str(DROOP / "SCwopt.blt")).withdrawn == {3}
    assert read_file(str(DROOP / "42t.blt")).tie_order == (2, 1, 0)
    assert read_file(str(DROOP / "42u.blt")).candidates == ("Cåstor", "Pøllüx", "Hélen")
