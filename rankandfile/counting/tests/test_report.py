"""The renderings of a result: escaped HTML for the results page, exact CSV, readable text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from rankandfile.counting import Options, count, read_file
from rankandfile.counting.report import render
from rankandfile.counting.tests.helpers import DATA


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
