"""`rankandfile cases intake`: prints only the receipt; bad input exits 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from rankandfile.cases.models import Case
from rankandfile.cases.services import complainant_enter
from rankandfile.cli import DJANGO_COMMANDS
from rankandfile.testing import SmallOrg


def run(args: list[str]) -> int:
    """As `rankandfile cases ...` runs it (cli.py maps the command), in the test's database."""
    assert DJANGO_COMMANDS["cases"] == "cases"
    try:
        call_command("cases", *args)
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


@pytest.fixture
def complaint(tmp_path: Path) -> Path:
    path = tmp_path / "complaint.txt"
    path.write_text("Told to us by phone on Monday: the treasurer threatened a volunteer.", encoding="utf-8")
    return path


def test_it_prints_only_the_receipt_and_the_receipt_opens_the_case(
    org: SmallOrg, complaint: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = tmp_path / "letter.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned letter")
    code = run(
        [
            "intake",
            "--unit",
            "national/north/leeds",
            "--category",
            "harassment",
            "--text-file",
            str(complaint),
            "--attach",
            str(scan),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("receipt: ")
    receipt = lines[0].removeprefix("receipt: ")
    assert len(receipt) == 19 and receipt.replace("-", "").isdigit()
    case = Case.objects.get()
    assert (case.channel, case.unit, case.attachments.count()) == ("recorded", org.leeds, 1)
    assert complainant_enter(receipt=receipt) is not None


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--unit", "nowhere", "--category", "harassment"], "no unit at path"),
        (["--unit", "national/north/leeds", "--category", "gossip"], "unknown category"),
        (
            ["--unit", "national/north/leeds", "--category", "harassment", "--attach", "/no/such/file.pdf"],
            "cannot read attachment",
        ),
        (["--category", "harassment"], "required"),
    ],
)
def test_it_exits_2_with_one_line_on_bad_input(
    org: SmallOrg, complaint: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    code = run(["intake", "--text-file", str(complaint), *args])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert says in captured.err
    assert not Case.objects.exists()


def test_it_refuses_an_empty_text_file(org: SmallOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    code = run(["intake", "--unit", "national", "--category", "other", "--text-file", str(empty)])
    assert code == 2
    assert "is empty" in capsys.readouterr().err
