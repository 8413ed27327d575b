"""`rankandfile tally` as members run it: exit codes, one-line errors, standard input, every output format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rankandfile.counting.cli import main
from rankandfile.counting.tests.helpers import DATA

WARD = str(DATA / "fife_2017_ward12.blt")


def test_it_counts_a_ward_and_prints_the_stage_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([WARD, "--method", "stv-scottish", "--seed", "42"]) == 0
    out = capsys.readouterr().out
    assert "Stage 4 — surplus of IAN JOHN CAMERON (Lab)" in out
    assert "Quota            999" in out
    assert "Seed             42" in out
    assert "  1. IAN JOHN CAMERON (Lab)" in out


@pytest.mark.parametrize("fmt", ["json", "html", "csv", "text"])
def test_it_writes_each_output_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([WARD, "--method", "stv-scottish", "--output", fmt, "--seed", "1"]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        report = json.loads(out)
        assert report["quota"] == "999"
        assert report["stages"][3]["transfers"]["MHAIRI CAITLIN CAMERON (Lab)"] == "2.36808"
        assert report["seed"] == "1"
    elif fmt == "html":
        assert out.startswith('<section class="tally-report">')
    elif fmt == "csv":
        assert out.splitlines()[0] == "stage,action,acted_on,candidate,total,transfer,status"
    assert "IAN JOHN CAMERON" in out


def test_it_takes_seats_from_the_command_line_over_the_blt_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([WARD, "--method", "stv-scottish", "--seats", "1", "--output", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["seats"] == 1
    assert report["quota"] == "1997"


def test_it_makes_up_a_seed_when_none_is_given_and_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([WARD, "--method", "irv", "--seats", "1", "--output", "json"]) == 0
    seed = json.loads(capsys.readouterr().out)["seed"]
    assert len(seed) == 16


def test_it_fails_with_one_line_naming_file_line_and_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n1 1 2 0\n2 1 7 0\n0\nA\nB\nC\n")
    assert main([str(bad), "--method", "irv"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"rankandfile tally: {bad}:3: unknown candidate 7: there are 3 candidates\n"


def test_it_fails_on_options_the_method_cannot_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([WARD, "--method", "irv"]) == 2  # the header says 3 seats
    assert (
        capsys.readouterr().err == "rankandfile tally: irv fills one seat; use stv-scottish or stv-meek for several\n"
    )
    assert main([WARD, "--method", "debian", "--seats", "1"]) == 2
    assert "--default-option" in capsys.readouterr().err


def test_it_rejects_unknown_flags_and_methods_with_exit_code_2() -> None:
    with pytest.raises(SystemExit) as stop:
        main([WARD, "--method", "borda"])
    assert stop.value.code == 2


def test_it_uses_the_method_and_options_stored_in_a_ballot_box(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DATA / "golden" / "small.ballot-box.json"), "--output", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["method"] == "stv-scottish"
    assert report["seed"] == "golden"
    assert report["elected"] == ["Ada", "Ben"]


def test_it_ignores_named_columns_of_a_csv(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "golden" / "small.choices.csv")
    assert main([path, "--method", "plurality", "--ignore-column", "Precinct", "--output", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "North" not in report["candidates"]


def run_tally(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "rankandfile.cli", "tally", *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=60,
    )


def test_it_reads_standard_input_through_the_project_command() -> None:
    done = run_tally("-", "--method", "stv-scottish", "--output", "json", stdin=Path(WARD).read_bytes())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"][0] == "IAN JOHN CAMERON (Lab)"


def test_it_exits_2_with_one_line_through_the_project_command() -> None:
    done = run_tally("-", "--method", "irv", stdin=b"2 1\n1 1 2\n0\nA\nB\n")
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == ["rankandfile tally: <stdin>:2: a ballot line must end with 0"]


def test_it_needs_no_django_to_count() -> None:
    code = (
        "import sys; from rankandfile.counting.cli import main; "
        f"rc = main([{WARD!r}, '--method', 'stv-meek', '--output', 'csv']); "
        "assert 'django' not in sys.modules, 'django imported'; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr


def test_it_refuses_malformed_options_stored_in_a_ballot_box(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = tmp_path / "box.json"
    box.write_text(
        json.dumps(
            {
                "format": "rankandfile-ballot-box",
                "version": 1,
                "method": "yes-no",
                "candidates": ["yes", "no"],
                "options": {"threshold": "absolute", "eligible": "many"},
                "ballots": [{"choices": ["yes"]}],
            }
        )
    )
    assert main([str(box)]) == 2
    assert capsys.readouterr().err == "rankandfile tally: eligible must be a positive whole number, not 'many'\n"


def test_it_counts_meek_by_the_variant_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "droop" / "SC-Vm-12.blt")
    reports = {}
    for variant in ("nz", "prf"):
        assert main([path, "--method", "stv-meek", "--meek-variant", variant, "--output", "json", "--seed", "1"]) == 0
        reports[variant] = json.loads(capsys.readouterr().out)
    assert main([path, "--method", "stv-meek", "--output", "json", "--seed", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == reports["nz"]
    assert set(reports["nz"]) == set(reports["prf"])  # the same fields, whatever the variant
    assert "New Zealand" in reports["nz"]["rule"]
    assert "Proportional Representation Foundation" in reports["prf"]["rule"]
    assert reports["prf"]["stages"][1]["totals"]["X"] == "667.166666686"  # as in the PRF reference report


def test_it_refuses_an_unknown_meek_variant_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main([WARD, "--method", "stv-meek", "--meek-variant", "uk"])
    assert exit_code.value.code == 2
    assert "invalid choice: 'uk'" in capsys.readouterr().err
