"""`rankandfile import-members FILE.csv --unit PATH [--skip-bad-rows]`: messages and exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg

pytestmark = pytest.mark.django_db

GOOD = "email,full_name,unit\nann@example.org,Ann,leeds\nbo@example.org,Bo,york\n"
BAD = GOOD + "nope,Cy,leeds\ndee@example.org,Dee,hull\n"


@pytest.fixture
def csv_file(tmp_path: Path) -> Any:
    def write(text: str) -> str:
        path = tmp_path / "members.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_it_imports_a_good_file_and_reports_the_counts(org: SmallOrg, csv_file: Any, capsys: Any) -> None:
    call_command("import_members", csv_file(GOOD), unit="national/north")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Imported into national/north: 2 created, 0 updated, 0 unchanged, 0 skipped."
    assert Member.objects.filter(email__in=["ann@example.org", "bo@example.org"]).count() == 2


def test_it_refuses_bad_rows_with_a_clear_first_line_and_every_bad_row(org: SmallOrg, csv_file: Any) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("import_members", csv_file(BAD), unit="national/north")
    lines = str(refused.value).splitlines()
    assert lines[0].startswith("Nothing was imported: 2 of 4 rows in ")
    assert "--skip-bad-rows" in lines[0]
    assert lines[1:] == [
        "line 4, column email: “nope” is not an email address",
        "line 5, column unit: no unit “hull” in or under national/north",
    ]
    assert not Member.objects.filter(email="ann@example.org").exists()


def test_it_exits_with_status_1_when_refused(org: SmallOrg, csv_file: Any) -> None:
    # Django prints "CommandError: <message>" on stderr and exits with this code (`rankandfile` passes it on).
    with pytest.raises(CommandError) as refused:
        call_command("import_members", csv_file(BAD), unit="national/north")
    assert refused.value.returncode == 1


def test_it_imports_the_good_rows_and_lists_the_skipped_ones(org: SmallOrg, csv_file: Any, capsys: Any) -> None:
    call_command("import_members", csv_file(BAD), unit="national/north", skip_bad_rows=True)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Imported into national/north: 2 created, 0 updated, 0 unchanged, 2 skipped."
    assert out[1] == "Skipped 2 bad rows:"
    assert out[2].strip() == "line 4, column email: “nope” is not an email address"
    assert Member.objects.filter(email="ann@example.org").exists()


def test_it_updates_on_a_second_import(org: SmallOrg, csv_file: Any, capsys: Any) -> None:
    call_command("import_members", csv_file(GOOD), unit="national/north")
    call_command("import_members", csv_file(GOOD.replace(",Bo,", ",Bo Jones,")), unit="national/north")
    assert "0 created, 1 updated, 1 unchanged" in capsys.readouterr().out.splitlines()[-1]


def test_it_names_an_unknown_unit_in_one_line(org: SmallOrg, csv_file: Any) -> None:
    with pytest.raises(CommandError, match=r"^No unit has the path “national/nowhere”\.$"):
        call_command("import_members", csv_file(GOOD), unit="national/nowhere")


def test_it_names_an_unreadable_file_in_one_line(org: SmallOrg, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(CommandError, match=r"^Cannot read .*missing\.csv: No such file or directory$"):
        call_command("import_members", str(missing), unit="national/north")


def test_it_refuses_a_file_that_is_not_a_members_file(org: SmallOrg, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(CommandError) as refused:
        call_command("import_members", str(path), unit="national/north", skip_bad_rows=True)
    first, second = str(refused.value).splitlines()
    assert first.endswith("photo.csv cannot be read as a members file.")
    assert second.startswith("line 1: the file is not UTF-8 text")


def test_it_refuses_a_dissolved_unit_in_one_line(org: SmallOrg, csv_file: Any) -> None:
    org.york.dissolved_on = org.york.created_at.date()
    org.york.save(update_fields=["dissolved_on"])
    with pytest.raises(CommandError, match=r"^York is dissolved and cannot take members\.$"):
        call_command("import_members", csv_file(GOOD), unit="national/north/york")
