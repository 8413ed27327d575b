"""The member import service (org/services/importing.py): all or nothing, updates by email, one audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.org.models import Member, Membership
from rankandfile.org.services.importing import members_import
from rankandfile.testing import SmallOrg

pytestmark = pytest.mark.django_db

GOOD = (
    "email,full_name,phone,pronouns,status,joined_on,unit\n"
    "ann@example.org,Ann Smith,+44 1,she/her,,2020-01-31,leeds\n"
    "bo@example.org,Bo Jones,,,lapsed,,york\n"
    "cy@example.org,Cy Twombly,,,,,\n"
)


def generated_csv(count: int, name_suffix: str = "") -> bytes:
    lines = ["email,full_name,status,unit"]
    for i in range(count):
        lines.append(
            f'm{i}@example.org,"Member {i}{name_suffix}, Jr",{("active", "lapsed")[i % 2]},{("leeds", "york")[i % 2]}'
        )
    return ("\n".join(lines) + "\n").encode()


def import_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="member.import"))


def test_it_imports_a_good_file_into_the_unit_and_the_units_under_it(org: SmallOrg) -> None:
    report = members_import(actor=org.carol, unit=org.north, file=GOOD.encode())
    assert report.written
    assert (report.created, report.updated, report.unchanged, report.skipped) == (3, 0, 0, 0)
    ann = Member.objects.get(email="ann@example.org")
    assert (ann.full_name, ann.phone, ann.pronouns) == ("Ann Smith", "+44 1", "she/her")
    assert ann.memberships.get().unit == org.leeds
    assert ann.memberships.get().joined_on == dt.date(2020, 1, 31)
    bo = Member.objects.get(email="bo@example.org").memberships.get()
    assert (bo.unit, bo.status) == (org.york, Membership.Status.LAPSED)
    cy = Member.objects.get(email="cy@example.org").memberships.get()
    assert (cy.unit, cy.status, cy.joined_on) == (org.north, Membership.Status.ACTIVE, timezone.localdate())


def test_it_gives_new_members_no_usable_password(org: SmallOrg) -> None:
    members_import(actor=org.carol, unit=org.north, file=GOOD.encode())
    ann = Member.objects.get(email="ann@example.org")
    assert ann.is_active
    assert not ann.has_usable_password()
    assert ann.password != Member.objects.get(email="bo@example.org").password


def test_it_writes_one_audit_entry_with_the_counts_and_the_files_sha256(org: SmallOrg) -> None:
    members_import(actor=org.carol, unit=org.north, file=GOOD.encode())
    [entry] = import_entries()
    assert entry.actor_id == org.carol.pk
    assert entry.payload["file_sha256"] == hashlib.sha256(GOOD.encode()).hexdigest()
    assert (entry.payload["created"], entry.payload["updated"], entry.payload["rows"]) == (3, 0, 3)
    assert verify_chain() is None


def test_it_writes_nothing_when_a_row_is_bad(org: SmallOrg) -> None:
    members_before, memberships_before, audit_before = (
        Member.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    bad = GOOD + "dee@example.org,,,,,,\n" + "alice.member@example.org,Renamed,,,left,,\n"
    report = members_import(actor=org.carol, unit=org.north, file=bad)
    assert not report.written
    assert report.bad_rows == 1
    assert [(p.line, p.column, p.code) for p in report.problems] == [(5, "full_name", "required")]
    assert str(report.problems[0]) == "line 5, column full_name: required, and empty"
    assert Member.objects.count() == members_before
    assert Membership.objects.count() == memberships_before
    assert AuditEntry.objects.count() == audit_before
    assert Member.objects.get(pk=org.alice.pk).full_name == "Alice Member"


def test_it_imports_the_good_rows_and_reports_the_bad_when_skipping(org: SmallOrg) -> None:
    bad = GOOD + "dee@example.org,,,,,,\nnot-an-email,Eve,,,,,\n"
    report = members_import(actor=org.carol, unit=org.north, file=bad, skip_bad_rows=True)
    assert report.written
    assert (report.created, report.skipped, report.bad_rows) == (3, 2, 2)
    assert [p.line for p in report.problems] == [5, 6]
    assert not Member.objects.filter(email="dee@example.org").exists()
    assert import_entries()[0].payload["skipped"] == 2


def test_it_refuses_a_file_with_a_bad_header_even_when_skipping(org: SmallOrg) -> None:
    report = members_import(actor=org.carol, unit=org.north, file=b"mail,name\na@example.org,A\n", skip_bad_rows=True)
    assert not report.written
    assert report.is_fatal
    assert {p.code for p in report.problems} == {"unknown_column", "missing_column"}
    assert import_entries() == []


def test_it_updates_members_by_email_instead_of_duplicating_them(org: SmallOrg) -> None:
    members_import(actor=org.carol, unit=org.north, file=GOOD.encode())
    again = (
        "EMAIL,Full_Name,Phone,Pronouns,Status,Unit\n"
        "ANN@example.org,Ann Smith-Jones,+44 2,,left,leeds\n"
        "bo@example.org,Bo Jones,,,,york\n"
        "cy@example.org,Cy Twombly,,,,\n"
    )
    report = members_import(actor=org.carol, unit=org.north, file=again)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Member.objects.filter(email="ann@example.org").count() == 1
    ann = Member.objects.get(email="ann@example.org")
    # The name and a filled phone follow the file; an empty pronouns cell keeps what the member had.
    assert (ann.full_name, ann.phone, ann.pronouns) == ("Ann Smith-Jones", "+44 2", "she/her")
    membership = ann.memberships.get()
    assert (membership.status, membership.left_on) == (Membership.Status.LEFT, timezone.localdate())
    assert membership.joined_on == dt.date(2020, 1, 31)
    # An empty status keeps an existing membership's status.
    assert Member.objects.get(email="bo@example.org").memberships.get().status == Membership.Status.LAPSED


def test_it_adds_a_membership_to_an_existing_member_of_another_unit(org: SmallOrg) -> None:
    password_before = org.alice.password
    report = members_import(
        actor=org.carol, unit=org.north, file="email,full_name,unit\nalice.member@example.org,Alice Member,york\n"
    )
    assert (report.created, report.updated) == (0, 1)
    assert sorted(m.unit.name for m in org.alice.memberships.all()) == ["Leeds", "York"]
    org.alice.refresh_from_db()
    assert org.alice.password == password_before


def test_it_refuses_a_member_without_manage_members(org: SmallOrg) -> None:
    with pytest.raises(PermissionDenied):
        members_import(actor=org.alice, unit=org.leeds, file=GOOD.encode())
    assert not Member.objects.filter(email="ann@example.org").exists()


def test_it_refuses_a_branch_chair_over_another_branch(org: SmallOrg) -> None:
    with pytest.raises(PermissionDenied):
        members_import(actor=org.bob, unit=org.york, file="email,full_name\nann@example.org,Ann\n")


def test_it_lets_a_branch_chair_import_into_their_branch(org: SmallOrg) -> None:
    report = members_import(actor=org.bob, unit=org.leeds, file="email,full_name\nann@example.org,Ann\n")
    assert report.created == 1


def test_it_refuses_rows_for_units_outside_the_one_imported_into(org: SmallOrg) -> None:
    report = members_import(
        actor=org.bob, unit=org.leeds, file="email,full_name,unit\nann@example.org,Ann,national/north/york\n"
    )
    assert not report.written
    assert report.problems[0].code == "unknown_unit"


def test_it_runs_without_an_actor_for_the_operator(org: SmallOrg) -> None:
    report = members_import(
        actor=None, unit=org.national, file=io.BytesIO(b"email,full_name,unit\nann@example.org,Ann,north/york\n")
    )
    assert report.created == 1
    assert import_entries()[0].actor == "system"


def test_it_refuses_a_dissolved_unit(org: SmallOrg) -> None:
    org.york.dissolved_on = timezone.localdate()
    org.york.save(update_fields=["dissolved_on"])
    with pytest.raises(ValidationError):
        members_import(actor=org.carol, unit=org.york, file=GOOD.encode())
    report = members_import(actor=org.carol, unit=org.north, file=GOOD.encode())
    assert [p.code for p in report.problems] == ["dissolved_unit"]


def test_it_imports_and_reimports_10000_rows_in_a_bounded_number_of_queries(
    org: SmallOrg, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(300):  # batches of inserts, never one query per row
        report = members_import(actor=org.carol, unit=org.north, file=generated_csv(10_000))
    assert report.created == 10_000
    assert Membership.objects.filter(unit=org.york, member__email__startswith="m").count() == 5_000
    with django_assert_max_num_queries(15):  # nothing changed: the reads and the audit entry only
        report = members_import(actor=org.carol, unit=org.north, file=generated_csv(10_000))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 10_000)
    with django_assert_max_num_queries(40):
        report = members_import(actor=org.carol, unit=org.north, file=generated_csv(10_000, " II"))
    assert report.updated == 10_000
    assert Member.objects.get(email="m9999@example.org").full_name == "Member 9999 II, Jr"
    assert Member.objects.filter(email__startswith="m", email__endswith="@example.org").count() == 10_000


def test_it_writes_nothing_when_a_member_appears_during_the_import(org: SmallOrg, monkeypatch: Any) -> None:
    from rankandfile.org.services import importing

    plan = importing._plan

    def plan_then_someone_adds_ann(*args: Any) -> Any:
        result = plan(*args)
        Member.objects.create_user("ann@example.org", None, full_name="Ann, added meanwhile")
        return result

    monkeypatch.setattr(importing, "_plan", plan_then_someone_adds_ann)
    with pytest.raises(ValidationError, match="nothing was written"):
        members_import(actor=org.carol, unit=org.north, file=GOOD.encode())
    assert not Member.objects.filter(email__in=["bo@example.org", "cy@example.org"]).exists()
    assert import_entries() == []


# --- scope: an importer updates only members of the units they manage (issue 9, finding 4) ---
def test_it_refuses_to_touch_a_member_outside_the_importers_units(org: SmallOrg) -> None:
    # bob chairs Leeds; dave (national secretary) is a member of York only.
    before = Member.objects.values("full_name", "phone").get(pk=org.dave.pk)
    file = (
        "email,full_name,phone,joined_on\ndave.secretary@example.org,Renamed,+44 9,2000-01-01\nann@example.org,Ann,,\n"
    )
    report = members_import(actor=org.bob, unit=org.leeds, file=file)
    assert not report.written
    assert [(p.line, p.column, p.code, p.reason) for p in report.problems] == [
        (2, "email", "not_in_your_units", "not in your units")
    ]
    assert Member.objects.values("full_name", "phone").get(pk=org.dave.pk) == before
    assert not org.dave.memberships.filter(unit=org.leeds).exists()
    assert not Member.objects.filter(email="ann@example.org").exists()
    assert import_entries() == []


def test_it_imports_the_others_and_skips_a_member_outside_when_told(org: SmallOrg) -> None:
    file = "email,full_name\ndave.secretary@example.org,Renamed\nann@example.org,Ann\n"
    report = members_import(actor=org.bob, unit=org.leeds, file=file, skip_bad_rows=True)
    assert report.written and (report.created, report.updated, report.skipped) == (1, 0, 1)
    org.dave.refresh_from_db()
    assert org.dave.full_name == "Dave Secretary" and not org.dave.memberships.filter(unit=org.leeds).exists()
    assert import_entries()[0].payload["skipped"] == 1


def test_it_says_the_same_of_a_member_elsewhere_and_of_an_account_without_a_unit(org: SmallOrg) -> None:
    Member.objects.create_user("no.unit@example.org", None, full_name="No Unit")
    file = "email,full_name\ndave.secretary@example.org,D\nno.unit@example.org,N\n"
    report = members_import(actor=org.bob, unit=org.leeds, file=file)
    assert [p.reason for p in report.problems] == ["not in your units", "not in your units"]
    assert {str(p).split(": ", 1)[1] for p in report.problems} == {"not in your units"}


def test_it_updates_members_of_the_importers_units_whatever_their_status(org: SmallOrg) -> None:
    # frank's Leeds membership has lapsed: still Leeds's to bring back.
    report = members_import(
        actor=org.bob, unit=org.leeds, file="email,full_name,status\nfrank.former@example.org,Frank F,active\n"
    )
    assert report.written and report.updated == 1
    assert org.frank.memberships.get(unit=org.leeds).status == Membership.Status.ACTIVE


def test_the_operator_still_updates_anyone(org: SmallOrg) -> None:
    report = members_import(actor=None, unit=org.leeds, file="email,full_name\ndave.secretary@example.org,Dave S\n")
    assert report.written and report.updated == 1


# --- endings: a status the file changes records its kind, as an officer's change does (issue 11) ---
def test_it_records_the_kind_of_each_ending_it_makes(org: SmallOrg) -> None:
    # alice (Leeds, active) is recorded as having left; frank's lapsed Leeds membership is renewed; two new
    # members join as lapsed and as left.
    file = (
        "email,full_name,status,unit\n"
        "alice.member@example.org,Alice Member,left,\n"
        "frank.former@example.org,Frank Former,active,\n"
        "new.lapsed@example.org,New Lapsed,lapsed,\n"
        "new.left@example.org,New Left,left,\n"
    )
    report = members_import(actor=org.bob, unit=org.leeds, file=file)
    assert report.written
    today = timezone.localdate()
    alice = org.alice.memberships.get(unit=org.leeds)
    assert (alice.status, alice.end_kind, alice.left_on, alice.exit_reason) == (
        "left",
        "left_recorded",
        today,
        "recorded by a member import",
    )
    assert org.frank.memberships.get(unit=org.leeds).end_kind == ""
    kinds = dict(Membership.objects.filter(member__email__startswith="new.").values_list("member__email", "end_kind"))
    assert kinds == {"new.lapsed@example.org": "lapsed", "new.left@example.org": "left_recorded"}
    assert import_entries()[0].payload["ended"] == {"left_recorded": 2, "lapsed": 1}


def test_a_member_recorded_as_left_by_an_import_may_contest_it(org: SmallOrg) -> None:
    from rankandfile.org.services import membership_contest

    members_import(actor=org.bob, unit=org.leeds, file="email,full_name,status\nalice.member@example.org,Alice,left\n")
    membership = membership_contest(
        member=org.alice, membership=org.alice.memberships.get(unit=org.leeds), text="I never left."
    )
    assert membership.contest_text == "I never left."


def test_it_changes_no_suspension_or_expulsion(org: SmallOrg) -> None:
    from rankandfile.org.services import membership_sanction

    leeds = org.alice.memberships.get(unit=org.leeds)
    membership_sanction(actor=org.erin, membership=leeds, kind="expelled", reference="C-AAAA-BBBB")
    for status in ("active", "lapsed"):
        report = members_import(
            actor=org.bob, unit=org.leeds, file=f"email,full_name,status\nalice.member@example.org,Alice,{status}\n"
        )
        assert not report.written
        assert [(p.column, p.code) for p in report.problems] == [("status", "case_ending")]
    leeds.refresh_from_db()
    assert (leeds.status, leeds.end_kind) == ("left", "expelled")
    # The same status as now changes nothing, and is no problem.
    report = members_import(
        actor=org.bob, unit=org.leeds, file="email,full_name,status\nalice.member@example.org,Alice Member,left\n"
    )
    assert report.written and report.unchanged == 1


def test_it_ends_10000_memberships_with_their_kind_in_a_bounded_number_of_queries(
    org: SmallOrg, django_assert_max_num_queries: Any
) -> None:
    members_import(actor=org.carol, unit=org.north, file=generated_csv(10_000))
    left = ["email,full_name,status,unit"] + [
        f"m{i}@example.org,Member {i},left,{('leeds', 'york')[i % 2]}" for i in range(10_000)
    ]
    with django_assert_max_num_queries(40):
        report = members_import(actor=org.carol, unit=org.north, file="\n".join(left) + "\n")
    assert report.updated == 10_000
    kinds = Membership.objects.filter(member__email__startswith="m", unit__in=[org.leeds, org.york])
    assert set(kinds.values_list("end_kind", flat=True)) == {"left_recorded"}
