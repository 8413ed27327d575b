"""The organization's case settings (issue 11): categories and the policy, kept by the top unit's committee."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from rankandfile.audit.models import AuditEntry
from rankandfile.cases import services
from rankandfile.cases.models import Category, Policy
from rankandfile.cases.tests.helpers import category, file_case, set_passphrase
from rankandfile.testing import SmallOrg, log_in, other_unit_officer

pytestmark = pytest.mark.django_db


def names() -> list[str]:
    return list(Category.objects.order_by("position", "name").values_list("name", flat=True))


# --- services -------------------------------------------------------------------------------------------------
def test_only_the_top_units_committee_changes_the_settings(org: SmallOrg) -> None:
    yuri = other_unit_officer(org)  # every capability, the committee's too, but from a role in York
    for actor in (org.dave, org.alice, yuri, org.otto):
        with pytest.raises(PermissionDenied):
            services.category_create(actor=actor, name="Bullying")
        with pytest.raises(PermissionDenied):
            services.policy_set(actor=actor, acknowledge_days=5, decide_days=30, retention_years=6)
        with pytest.raises(PermissionDenied):
            services.category_retire(actor=actor, category=category())
    assert not Category.objects.filter(name="Bullying").exists()


def test_categories_are_added_renamed_reordered_and_retired(org: SmallOrg) -> None:
    added = services.category_create(actor=org.erin, name="  Bullying ")
    assert added.name == "Bullying" and added.slug == "bullying" and names()[-1] == "Bullying"
    services.category_move(actor=org.erin, category=added, offset=-1)
    assert names()[-2:] == ["Bullying", "Other"]
    services.category_rename(actor=org.erin, category=added, name="Bullying and intimidation")
    added.refresh_from_db()
    assert added.slug == "bullying" and added.name == "Bullying and intimidation"
    services.category_retire(actor=org.erin, category=added)
    assert not Category.objects.get(pk=added.pk).is_active
    services.category_restore(actor=org.erin, category=added)
    assert Category.objects.get(pk=added.pk).is_active
    first = Category.objects.order_by("position").first()
    assert first is not None
    with pytest.raises(ValidationError):
        services.category_move(actor=org.erin, category=first, offset=-1)


def test_names_are_checked(org: SmallOrg) -> None:
    for bad in ("", "   ", "x" * 101, "harassment"):
        with pytest.raises(ValidationError) as refused:
            services.category_create(actor=org.erin, name=bad)
        assert "name" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.category_rename(actor=org.erin, category=category("other"), name="Financial")


def test_a_category_in_use_is_never_deleted_only_retired(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    file_case(org)  # filed under harassment
    used = category()
    with pytest.raises(ValidationError):
        services.category_delete(actor=org.erin, category=used)
    assert Category.objects.filter(pk=used.pk).exists()
    services.category_retire(actor=org.erin, category=used)
    unused = services.category_create(actor=org.erin, name="Typo")
    services.category_delete(actor=org.erin, category=unused)
    assert not Category.objects.filter(pk=unused.pk).exists()


def test_the_last_open_category_stays_open(org: SmallOrg) -> None:
    *others, last = list(Category.objects.filter(is_active=True))
    for item in others:
        services.category_retire(actor=org.erin, category=item)
    with pytest.raises(ValidationError):
        services.category_retire(actor=org.erin, category=last)


def test_the_policy_is_kept_within_sane_ranges(org: SmallOrg) -> None:
    for numbers, field in (
        ({"acknowledge_days": 0, "decide_days": 60, "retention_years": 6}, "acknowledge_days"),
        ({"acknowledge_days": 31, "decide_days": 60, "retention_years": 6}, "acknowledge_days"),
        ({"acknowledge_days": 7, "decide_days": 366, "retention_years": 6}, "decide_days"),
        ({"acknowledge_days": 14, "decide_days": 10, "retention_years": 6}, "decide_days"),
        ({"acknowledge_days": 7, "decide_days": 60, "retention_years": 0}, "retention_years"),
        ({"acknowledge_days": 7, "decide_days": 60, "retention_years": 31}, "retention_years"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.policy_set(actor=org.erin, **numbers)
        assert field in refused.value.message_dict
    policy = services.policy_set(actor=org.erin, acknowledge_days=3, decide_days=30, retention_years=10)
    assert (policy.acknowledge_days, policy.decide_days, policy.retention_years) == (3, 30, 10)
    assert Policy.objects.count() == 1


def test_new_cases_take_the_new_deadlines_and_old_ones_keep_theirs(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    before = file_case(org).case
    services.policy_set(actor=org.erin, acknowledge_days=3, decide_days=30, retention_years=6)
    after = file_case(org).case
    before.refresh_from_db()
    assert (before.acknowledge_by - before.received_on).days == 7
    assert (after.acknowledge_by - after.received_on).days == 3
    assert (after.decide_by - after.received_on).days == 30


def test_audit_entries_carry_no_case_content(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    file_case(org, text="Secret words about the social.")
    added = services.category_create(actor=org.erin, name="Bullying")
    services.category_retire(actor=org.erin, category=added)
    services.policy_set(actor=org.erin, acknowledge_days=5, decide_days=45, retention_years=7)
    entries = AuditEntry.objects.filter(action__startswith="case_category.") | AuditEntry.objects.filter(
        action="case_policy.set"
    )
    assert {e.action for e in entries} == {"case_category.create", "case_category.retire", "case_policy.set"}
    for entry in entries:
        assert entry.actor_id == org.erin.pk
        assert "Secret" not in str(entry.payload) and "C-" not in str(entry.payload)


# --- pages ----------------------------------------------------------------------------------------------------
def erin_client(org: SmallOrg) -> Client:
    client = Client()
    log_in(client, org.erin)
    return client


def test_the_settings_page_shows_field_errors(org: SmallOrg) -> None:
    client = erin_client(org)
    page = client.get(reverse("cases:settings"))
    assert page.status_code == 200 and "Harassment" in page.content.decode()
    data = {"action": "policy", "acknowledge_days": 40, "decide_days": 60, "retention_years": 6}
    refused = client.post(reverse("cases:settings"), data)
    assert refused.status_code == 200
    assert refused.context["policy_form"].errors["acknowledge_days"] == ["Between 1 and 30."]
    added = client.post(reverse("cases:settings"), {"action": "add", "add-name": "Harassment"})
    assert added.context["add_form"].errors["name"] == ["There is already a category of that name."]
    saved = client.post(reverse("cases:settings"), {**data, "acknowledge_days": 10})
    assert saved.status_code == 302 and Policy.objects.get().acknowledge_days == 10


def test_the_category_actions_through_the_page(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    file_case(org)
    client = erin_client(org)
    used = category()
    url = reverse("cases:category", args=[used.pk])
    refused = client.post(url, {"action": "rename", "name": "Financial"})
    assert refused.context["form"].errors["name"] == ["There is already a category of that name."]
    assert client.post(url, {"action": "rename", "name": "Harassment at work"}).status_code == 302
    gone = client.post(url, {"action": "delete"}, follow=True)
    assert "retire it instead" in gone.content.decode()
    assert Category.objects.filter(pk=used.pk).exists()
    client.post(url, {"action": "retire"})
    client.post(url, {"action": "down"})
    used.refresh_from_db()
    assert used.name == "Harassment at work" and not used.is_active and used.position == 1


def test_other_members_are_refused_the_pages(org: SmallOrg) -> None:
    yuri = other_unit_officer(org)
    for member in (org.alice, org.dave, yuri, org.otto):
        client = Client()
        log_in(client, member)
        assert client.get(reverse("cases:settings")).status_code == 403
        data = {"action": "policy", "acknowledge_days": 1, "decide_days": 7, "retention_years": 1}
        assert client.post(reverse("cases:settings"), data).status_code == 403
        assert client.post(reverse("cases:category", args=[category().pk]), {"action": "delete"}).status_code == 403
    assert Policy.objects.filter(acknowledge_days=1).count() == 0
    assert Category.objects.filter(slug="harassment").exists()
    assert Client().get(reverse("cases:settings")).status_code == 302
