"""The member's notification pages and the unsubscribe link, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rankandfile.notifications import services
from rankandfile.notifications.models import Notification, Preference
from rankandfile.testing import log_in


def add(member: Any, n: int, *, start: int = 0) -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(
            member=member,
            kind="ballot.opened",
            object_id=start + i,
            title=f"Vote now: ballot {start + i}",
            link=f"/ballots/{start + i}/",
            delivery="immediately",
        )
        for i in range(n)
    )


def client_for(member: Any) -> Client:
    client = Client()
    log_in(client, member)  # officers (bob) log in with their second factor, as on the site
    return client


def test_the_list_shows_my_notifications_and_the_header_counts_the_unread(org: Any) -> None:
    add(org.alice, 2)
    add(org.bob, 1, start=50)
    page = client_for(org.alice).get(reverse("notifications:list")).content.decode()
    assert "Vote now: ballot 0" in page and "Vote now: ballot 1" in page
    assert "ballot 50" not in page
    assert '<span class="tag tag-count" title="unread">2</span>' in page


def test_the_list_costs_the_same_queries_for_3_or_60_notifications(org: Any) -> None:
    client = client_for(org.alice)
    add(org.alice, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("notifications:list")).status_code == 200
    add(org.alice, 57, start=100)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("notifications:list")).content.decode()
    assert len(many) == len(few) <= 5  # session, member, the list, the unread count
    assert page.count('class="notification unread"') == 50  # one page


def test_opening_one_marks_it_read_and_goes_to_its_page(org: Any) -> None:
    (notification,) = add(org.alice, 1, start=7)
    response = client_for(org.alice).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/ballots/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_members_notification_is_not_found(org: Any) -> None:
    (notification,) = add(org.alice, 1)
    assert client_for(org.bob).get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_never_redirects_off_the_site(org: Any) -> None:
    (notification,) = add(org.alice, 1)
    Notification.objects.filter(pk=notification.pk).update(link="https://evil.example.com/")
    response = client_for(org.alice).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(org: Any) -> None:
    add(org.alice, 3)
    response = client_for(org.alice).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(member=org.alice, read_at__isnull=True).exists()


def test_the_settings_page_saves_a_choice_per_kind(org: Any) -> None:
    client = client_for(org.alice)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "A ballot opened on my roll" in page and "in a daily email digest" in page
    data = dict.fromkeys(("ballot.opened", "ballot.reminder", "ballot.results"), "immediately")
    response = client.post(reverse("notifications:settings"), data | {"ballot.opened": "digest"})
    assert response.status_code == 200  # the other kinds are required: the form comes back with messages
    assert not Preference.objects.exists()
    from rankandfile.notifications import kinds

    full = {kind.key: "immediately" for kind in kinds.all_kinds()} | {"meeting.scheduled": "never"}
    assert client.post(reverse("notifications:settings"), full).status_code == 302
    assert Preference.objects.get(member=org.alice, kind="meeting.scheduled").delivery == "never"


def test_unsubscribe_asks_on_get_and_acts_on_post_without_login(org: Any) -> None:
    url = reverse("notifications:unsubscribe", args=[services.unsubscribe_token(org.alice.pk, "ballot.opened")])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "A ballot opened on my roll" in page.content.decode()
    assert not Preference.objects.exists()  # a link checker that follows the link unsubscribes nobody
    # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click", with no session and no CSRF token.
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert Preference.objects.get(member=org.alice, kind="ballot.opened").delivery == "never"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_is_not_found(org: Any, method: str) -> None:
    token = services.unsubscribe_token(org.alice.pk, "ballot.opened")
    url = reverse("notifications:unsubscribe", args=[token[:-1] + ("A" if token[-1] != "A" else "B")])
    assert getattr(Client(), method)(url).status_code == 404
    assert not Preference.objects.exists()
