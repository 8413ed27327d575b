"""The demo bulletin (rankandfile/demo/bulletin.py), loaded once for the module and rolled back at the end."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from rankandfile.audit.selectors import verify_chain
from rankandfile.bulletin import selectors
from rankandfile.bulletin.models import Appeal, Caucus, Document, Issue, Period
from rankandfile.bulletin.search import documents_search
from rankandfile.demo.bulletin import HIDE_REASON, PERIOD_TITLE, load_bulletin
from rankandfile.demo.organization import DEMO_DOMAIN, load_demo
from rankandfile.org.models import Member

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        assert load_bulletin() is True
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: Any, db: Any) -> None:
    return None


def test_it_has_a_convention_period_with_published_issues_and_one_to_come(demo: Any) -> None:
    period = Period.objects.get(title=PERIOD_TITLE)
    issues = list(Issue.objects.filter(period=period).order_by("number"))
    assert [i.number for i in issues] == [1, 2, 3]
    assert [i.is_published for i in issues] == [True, True, False]
    assert Document.objects.filter(period=period, status="published").count() >= 6


def test_it_has_a_response_and_a_reply_under_the_right_of_reply(demo: Any) -> None:
    reply = Document.objects.get(is_reply=True)
    (answer,) = reply.responds_to.all()
    (original,) = answer.responds_to.all()
    assert original.author == reply.author and reply.is_published


def test_it_has_two_caucuses_with_members_and_signed_documents(demo: Any) -> None:
    caucuses = list(Caucus.objects.all())
    assert len(caucuses) == 2
    for caucus in caucuses:
        assert selectors.caucus_members(caucus).count() >= 5
        assert caucus.documents.exists()


def test_it_has_a_hidden_document_with_its_reason_and_an_appeal(demo: Any) -> None:
    hidden = Document.objects.get(hidden_at__isnull=False)
    assert hidden.hidden_reason == HIDE_REASON and hidden.is_published
    assert Appeal.objects.get(document=hidden).status == "pending"


def test_it_finds_the_demo_documents_by_search(demo: Any) -> None:
    assert any("dues" in hit.document.title.lower() for hit in documents_search("sliding scale").hits)


def test_it_keeps_the_audit_chain_intact_and_loads_once(demo: Any) -> None:
    assert verify_chain() is None
    assert load_bulletin() is False


def test_it_shows_the_period_to_the_member_login(demo: Any, client: Any) -> None:
    client.force_login(Member.objects.get(email=f"member@{DEMO_DOMAIN}"))
    period = Period.objects.get(title=PERIOD_TITLE)
    page = client.get(reverse("bulletin:period", args=[period.pk]))
    assert page.status_code == 200 and b"Rule 3" not in page.content  # hidden reasons show on the documents
