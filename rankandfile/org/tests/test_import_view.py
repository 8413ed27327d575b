"""The member import page (org:import): who may use it, the report, and refusals that write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rankandfile.org.models import Member, Membership
from rankandfile.testing import SmallOrg, log_in

pytestmark = pytest.mark.django_db

GOOD = b"email,full_name,unit\nann@example.org,Ann Smith,\nbo@example.org,Bo Jones,\n"
BAD = GOOD + b"cy@example.org,,\nnot-an-email,Dee,\n"


def upload(client: Client, unit_id: int, data: bytes, **fields: Any) -> Any:
    csv_file = SimpleUploadedFile("members.csv", data, content_type="text/csv")
    return client.post(reverse("org:import", args=[unit_id]), {"file": csv_file, **fields})


def logged_in(client: Client, member: Member) -> Client:
    log_in(client, member)
    return client


def test_it_shows_the_upload_form_to_a_branch_chair(org: SmallOrg, client: Client) -> None:
    response = logged_in(client, org.bob).get(reverse("org:import", args=[org.leeds.pk]))
    assert response.status_code == 200
    assert b'type="file"' in response.content
    assert b'name="skip_bad_rows"' in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_it_imports_a_file_uploaded_by_a_branch_chair(org: SmallOrg, client: Client) -> None:
    response = upload(logged_in(client, org.bob), org.leeds.pk, GOOD)
    assert response.status_code == 200
    assert "Imported into national/north/leeds: 2 created, 0 updated, 0 unchanged, 0 skipped." in response.text
    assert Membership.objects.filter(unit=org.leeds, member__email="ann@example.org").exists()


def test_it_imports_into_units_under_a_district_for_its_organizer(org: SmallOrg, client: Client) -> None:
    data = b"email,full_name,unit\nann@example.org,Ann,leeds\nbo@example.org,Bo,national/north/york\n"
    response = upload(logged_in(client, org.carol), org.north.pk, data)
    assert response.status_code == 200
    assert "2 created" in response.text
    assert Membership.objects.get(member__email="bo@example.org").unit == org.york


def test_it_forbids_an_ordinary_member(org: SmallOrg, client: Client) -> None:
    client = logged_in(client, org.alice)
    assert client.get(reverse("org:import", args=[org.leeds.pk])).status_code == 403
    assert upload(client, org.leeds.pk, GOOD).status_code == 403
    assert not Member.objects.filter(email="ann@example.org").exists()


def test_it_forbids_a_branch_chair_in_another_branch(org: SmallOrg, client: Client) -> None:
    assert upload(logged_in(client, org.bob), org.york.pk, GOOD).status_code == 403
    assert not Member.objects.filter(email="ann@example.org").exists()


def test_it_sends_a_visitor_to_the_login_page(org: SmallOrg, client: Client) -> None:
    response = client.get(reverse("org:import", args=[org.leeds.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_the_bad_rows_and_says_nothing_was_written(org: SmallOrg, client: Client) -> None:
    response = upload(logged_in(client, org.bob), org.leeds.pk, BAD)
    assert response.status_code == 200
    html = response.text
    assert "Nothing was written." in html
    assert "2 of 4 rows are bad." in html
    assert "<td>4</td><td><code>full_name</code></td><td>required, and empty</td>" in html
    assert "<td>5</td><td><code>email</code></td><td>“not-an-email” is not an email address</td>" in html
    assert not Member.objects.filter(email="ann@example.org").exists()


def test_it_imports_the_good_rows_when_told_to_skip_the_bad(org: SmallOrg, client: Client) -> None:
    response = upload(logged_in(client, org.bob), org.leeds.pk, BAD, skip_bad_rows="on")
    assert "2 created, 0 updated, 0 unchanged, 2 skipped." in response.text
    assert "Rows skipped" in response.text
    assert Member.objects.filter(email__in=["ann@example.org", "bo@example.org"]).count() == 2


def test_it_explains_a_file_that_is_not_a_members_file(org: SmallOrg, client: Client) -> None:
    response = upload(logged_in(client, org.bob), org.leeds.pk, b"name;mail\nAnn;ann@example.org\n", skip_bad_rows="on")
    assert "Nothing was written." in response.text
    assert "cannot be read as a members file" in response.text
    assert "save the file as comma-separated CSV" in response.text


def test_it_shows_a_field_error_without_a_file(org: SmallOrg, client: Client) -> None:
    response = logged_in(client, org.bob).post(reverse("org:import", args=[org.leeds.pk]), {})
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.text


def test_it_shows_the_first_500_problems_and_counts_the_rest(org: SmallOrg, client: Client) -> None:
    data = b"email,full_name\n" + b"".join(b"bad%d,Name\n" % i for i in range(520))
    response = upload(logged_in(client, org.bob), org.leeds.pk, data)
    assert response.text.count("is not an email address</td>") == 500
    assert "and 20 more problems, not shown" in response.text


def test_it_links_the_page_from_the_unit_only_for_members_who_may_import(org: SmallOrg, client: Client) -> None:
    link = reverse("org:import", args=[org.leeds.pk])
    assert link in logged_in(client, org.bob).get(reverse("org:unit", args=[org.leeds.pk])).text
    assert link not in logged_in(Client(), org.alice).get(reverse("org:unit", args=[org.leeds.pk])).text
