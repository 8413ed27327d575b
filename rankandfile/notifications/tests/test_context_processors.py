"""The header's unread count is read only when a template shows it."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.test import RequestFactory

from rankandfile.notifications.context_processors import unread
from rankandfile.notifications.models import Notification


class UntouchableUser:
    @property
    def is_authenticated(self) -> bool:
        raise AssertionError("the session was read")


def test_a_page_that_does_not_show_the_count_never_reads_the_session_or_the_database(
    db: Any, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/")
    request.user = UntouchableUser()  # type: ignore[assignment]
    with django_assert_num_queries(0):
        context = unread(request)
        assert Template("<p>receipt</p>").render(Context(context)) == "<p>receipt</p>"


def test_the_count_is_the_members_unread_notifications(org: Any) -> None:
    Notification.objects.create(member=org.alice, kind="ballot.opened", object_id=1, title="t", link="/", delivery="")
    request = RequestFactory().get("/")
    request.user = org.alice
    assert Template("{{ unread_notifications }}").render(Context(unread(request))) == "1"
    request.user = org.bob
    assert Template("{% if unread_notifications %}x{% endif %}").render(Context(unread(request))) == ""
