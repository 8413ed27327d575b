"""The members CSV parser (org/domain/member_csv.py): pure, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from rankandfile.org.domain.member_csv import MemberRow, ParsedFile, Problem, Reason, is_email, parse_members

BASE = "national/north"
UNITS = {"national/north", "national/north/leeds", "national/north/york"}
TODAY = dt.date(2025, 6, 1)


def parse(text: str | bytes, **options: object) -> ParsedFile:
    kwargs: dict[str, object] = {"base_path": BASE, "unit_paths": UNITS, "today": TODAY, **options}
    return parse_members(text, **kwargs)  # type: ignore[arg-type]


def only_problem(parsed: ParsedFile) -> Problem:
    assert len(parsed.problems) == 1, parsed.problems
    return parsed.problems[0]


def test_it_reads_a_good_file_with_every_column() -> None:
    parsed = parse(
        "email,full_name,phone,pronouns,status,joined_on,unit\n"
        "Ann@Example.org,Ann Smith,+44 1,she/her,Lapsed,2020-01-31,leeds\n"
        "bo@example.org,Bo Jones,,,,,\n"
    )
    assert parsed.problems == ()
    assert parsed.rows == (
        MemberRow(
            2, "ann@example.org", "Ann Smith", "+44 1", "she/her", "lapsed", dt.date(2020, 1, 31), BASE + "/leeds"
        ),
        MemberRow(3, "bo@example.org", "Bo Jones", "", "", None, None, BASE),
    )
    assert parsed.data_lines == 2


def test_it_needs_only_email_and_full_name() -> None:
    parsed = parse("email,full_name\nann@example.org,Ann\n")
    assert parsed.problems == ()
    assert parsed.rows[0].unit_path == BASE
    assert parsed.rows[0].status is None


def test_it_removes_a_utf8_byte_order_mark_from_bytes() -> None:
    parsed = parse("email,full_name\nann@example.org,Zoë Ñúñez\n".encode("utf-8-sig"))
    assert parsed.problems == ()
    assert parsed.rows[0].full_name == "Zoë Ñúñez"


def test_it_removes_a_byte_order_mark_from_text() -> None:
    parsed = parse("\ufeffemail,full_name\nann@example.org,Ann\n")
    assert parsed.problems == ()
    assert len(parsed.rows) == 1


def test_it_reads_column_names_in_any_case_order_and_spelling() -> None:
    parsed = parse("  Full Name ,EMAIL,Joined-On\nAnn,ann@example.org,2021-02-03\n")
    assert parsed.problems == ()
    assert parsed.rows[0].email == "ann@example.org"
    assert parsed.rows[0].full_name == "Ann"
    assert parsed.rows[0].joined_on == dt.date(2021, 2, 3)


def test_it_reads_quoted_cells_with_commas_quotes_and_line_breaks() -> None:
    parsed = parse('email,full_name,pronouns\nann@example.org,"Smith, Ann ""Annie""","they, them"\n')
    assert parsed.problems == ()
    assert parsed.rows[0].full_name == 'Smith, Ann "Annie"'
    assert parsed.rows[0].pronouns == "they, them"


def test_it_numbers_lines_as_in_the_file_across_quoted_line_breaks_and_blank_lines() -> None:
    parsed = parse('email,full_name\r\nann@example.org,"Ann\r\nSmith"\r\n\r\nbad,Bo\r\n')
    assert parsed.rows[0].full_name == "Ann Smith"
    assert only_problem(parsed).line == 5


def test_it_ignores_blank_lines() -> None:
    parsed = parse("email,full_name\n\nann@example.org,Ann\n,\n\n")
    assert parsed.problems == ()
    assert parsed.data_lines == 1


def test_it_reports_a_bad_email() -> None:
    problem = only_problem(parse("email,full_name\nann.example.org,Ann\n"))
    assert (problem.line, problem.column, problem.code) == (2, "email", Reason.BAD_EMAIL)
    assert problem.reason == "“ann.example.org” is not an email address"


def test_it_reports_a_missing_email() -> None:
    problem = only_problem(parse("email,full_name\n,Ann\n"))
    assert (problem.column, problem.code) == ("email", Reason.REQUIRED)


def test_it_reports_a_missing_name() -> None:
    problem = only_problem(parse("email,full_name\nann@example.org,   \n"))
    assert (problem.line, problem.column, problem.code) == (2, "full_name", Reason.REQUIRED)


def test_it_reports_an_unknown_status() -> None:
    problem = only_problem(parse("email,full_name,status\nann@example.org,Ann,expelled\n"))
    assert (problem.column, problem.code) == ("status", Reason.UNKNOWN_STATUS)
    assert "expelled" in problem.reason


@pytest.mark.parametrize("value", ["31/01/2020", "2020-02-30", "2020-1-5", "20200105", "yesterday"])
def test_it_reports_a_bad_date(value: str) -> None:
    problem = only_problem(parse(f"email,full_name,joined_on\nann@example.org,Ann,{value}\n"))
    assert (problem.column, problem.code) == ("joined_on", Reason.BAD_DATE)


def test_it_reports_a_joining_date_in_the_future() -> None:
    problem = only_problem(parse("email,full_name,joined_on\nann@example.org,Ann,2025-06-02\n"))
    assert problem.code == Reason.FUTURE_DATE


def test_it_reports_a_duplicate_email_with_the_line_it_repeats() -> None:
    parsed = parse("email,full_name\nann@example.org,Ann\nbo@example.org,Bo\nANN@example.org,Annie\n")
    problem = only_problem(parsed)
    assert (problem.line, problem.column, problem.code) == (4, "email", Reason.DUPLICATE_EMAIL)
    assert problem.reason == "the same email as line 2"
    assert [row.email for row in parsed.rows] == ["ann@example.org", "bo@example.org"]


def test_it_reports_an_unknown_unit() -> None:
    problem = only_problem(parse("email,full_name,unit\nann@example.org,Ann,hull\n"))
    assert (problem.column, problem.code) == ("unit", Reason.UNKNOWN_UNIT)
    assert problem.reason == "no unit “hull” in or under national/north"


def test_it_refuses_a_unit_outside_the_one_imported_into() -> None:
    parsed = parse("email,full_name,unit\nann@example.org,Ann,national/south/hull\n", unit_paths=UNITS)
    assert only_problem(parsed).code == Reason.UNKNOWN_UNIT


def test_it_accepts_a_unit_by_relative_or_full_path() -> None:
    parsed = parse(
        "email,full_name,unit\na@example.org,A,york\nb@example.org,B,National/North/Leeds\nc@example.org,C,/national/north/\n"
    )
    assert parsed.problems == ()
    assert [row.unit_path for row in parsed.rows] == [BASE + "/york", BASE + "/leeds", BASE]


def test_it_names_a_dissolved_unit() -> None:
    parsed = parse("email,full_name,unit\nann@example.org,Ann,hull\n", dissolved_paths={BASE + "/hull"})
    assert only_problem(parsed).code == Reason.DISSOLVED_UNIT


@pytest.mark.parametrize("line", ["ann@example.org", "ann@example.org,Ann,extra"])
def test_it_reports_a_wrong_number_of_cells(line: str) -> None:
    problem = only_problem(parse(f"email,full_name\n{line}\n"))
    assert (problem.line, problem.column, problem.code) == (2, "", Reason.CELL_COUNT)


def test_it_reports_cells_longer_than_the_database_allows() -> None:
    problem = only_problem(parse(f"email,full_name,phone\nann@example.org,Ann,{'1' * 41}\n"))
    assert (problem.column, problem.code) == ("phone", Reason.TOO_LONG)


def test_it_reports_every_problem_of_a_row_and_counts_the_row_once() -> None:
    parsed = parse("email,full_name,status\nnope,,gone\nann@example.org,Ann,active\n")
    assert [(p.line, p.column) for p in parsed.problems] == [(2, "email"), (2, "full_name"), (2, "status")]
    assert parsed.bad_lines == 1
    assert len(parsed.rows) == 1
    assert not parsed.is_fatal


def test_it_refuses_a_file_that_is_not_utf8_naming_the_line() -> None:
    parsed = parse("email,full_name\nann@example.org,Zoë\n".encode("latin-1"))
    problem = only_problem(parsed)
    assert (problem.line, problem.code) == (2, Reason.NOT_UTF8)
    assert parsed.is_fatal


def test_it_refuses_an_empty_file() -> None:
    parsed = parse(b"")
    assert only_problem(parsed).code == Reason.EMPTY_FILE
    assert parsed.is_fatal


def test_it_refuses_a_header_without_the_required_columns() -> None:
    parsed = parse("e-mail address,name\nann@example.org,Ann\n")
    codes = [(p.column, p.code) for p in parsed.problems]
    assert ("email", Reason.MISSING_COLUMN) in codes
    assert ("full_name", Reason.MISSING_COLUMN) in codes
    assert ("e_mail_address", Reason.UNKNOWN_COLUMN) in codes
    assert parsed.is_fatal
    assert parsed.rows == ()


def test_it_refuses_a_column_named_twice() -> None:
    problem = only_problem(parse("email,full_name,Email\na@example.org,A,b@example.org\n"))
    assert (problem.line, problem.column, problem.code) == (1, "email", Reason.REPEATED_COLUMN)


def test_it_refuses_a_column_without_a_name() -> None:
    problem = only_problem(parse("email,full_name,\na@example.org,A,\n"))
    assert problem.code == Reason.UNNAMED_COLUMN


def test_it_explains_a_semicolon_separated_file() -> None:
    assert only_problem(parse("email;full_name\na@example.org;A\n")).code == Reason.NOT_COMMA_SEPARATED


def test_it_translates_reasons_with_the_given_function() -> None:
    problem = Problem(3, "email", Reason.REQUIRED)
    assert problem.text(str.upper) == "REQUIRED, AND EMPTY"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ann@example.org", True),
        ("ann.o'neil+tag@mail.example.co.uk", True),
        ("ann@bücher.de", True),
        ("ann@localhost", False),
        ("ann@@example.org", False),
        ("ann smith@example.org", False),
        (".ann@example.org", False),
        ("ann@-example.org", False),
        ("ann@example.123", False),
    ],
)
def test_it_checks_email_addresses(value: str, expected: bool) -> None:
    assert is_email(value) is expected
