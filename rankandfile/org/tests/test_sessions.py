"""The one session-to-member check (org/sessions.py) against `django.contrib.auth.get_user`, over every kind of
session: the same member (or none), a write exactly where Django writes, and nothing written by the check itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import Client, override_settings
from django.utils import timezone

from rankandfile.org.auth import ThrottledEmailBackend
from rankandfile.org.models import Member
from rankandfile.org.sessions import session_member
from rankandfile.testing import make_member

OLD_KEY = "an-old-secret-key-still-listed-in-SECRET_KEY_FALLBACKS-0123456789"
NEW_KEY = "the-new-secret-key-that-replaced-the-old-one-9876543210-abcdefgh"
BACKEND = settings.AUTHENTICATION_BACKENDS[0]


def login(member: Member) -> str:
    client = Client()
    client.force_login(member)
    return str(client.cookies["sessionid"].value)


def session_with(data: dict[str, Any]) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(data)
    store.create()
    return str(store.session_key)


def rows() -> list[tuple[str, str, dt.datetime]]:
    return list(Session.objects.order_by("session_key").values_list("session_key", "session_data", "expire_date"))


# Each kind of session: made from the small organization, and the settings it is read under.
Kind = Callable[[Any, pytest.MonkeyPatch], tuple[str | None, AbstractContextManager[Any]]]


def valid(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    return login(org.alice), nullcontext()


def expired(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    key = login(org.alice)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    return key, nullcontext()


def fallback_key(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    with override_settings(SECRET_KEY=OLD_KEY):
        key = login(org.alice)
    return key, override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])


def key_no_longer_listed(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    with override_settings(SECRET_KEY=OLD_KEY):
        key = login(org.alice)
    return key, override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[])


def changed_password(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    key = login(org.alice)
    org.alice.set_password("another long password")
    org.alice.save(update_fields=["password"])
    return key, nullcontext()


def inactive(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    key = login(org.alice)
    Member.objects.filter(pk=org.alice.pk).update(is_active=False)
    return key, nullcontext()


def suspended(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    """A rule refusing one member, added where org/sessions.py says such a rule goes: the backend."""
    key = login(org.alice)
    original = ThrottledEmailBackend.user_can_authenticate
    mp.setattr(
        ThrottledEmailBackend,
        "user_can_authenticate",
        lambda self, user: user.pk != org.alice.pk and original(self, user),
    )
    return key, nullcontext()


def deleted(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    gone = make_member("Gone Member", None)
    key = login(gone)
    gone.delete()
    return key, nullcontext()


def anonymous(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    return session_with({"django_language": "fr"}), nullcontext()


def no_cookie(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    return None, nullcontext()


def unknown_key(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    return "no-such-session-key-0123456789abcdef", nullcontext()


def tampered(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    key = login(org.alice)
    session = Session.objects.get(session_key=key)
    Session.objects.filter(session_key=key).update(session_data="x" + session.session_data[1:])
    return key, nullcontext()


def another_backend(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    data = {SESSION_KEY: str(org.alice.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"}
    return session_with(data | {HASH_SESSION_KEY: org.alice.get_session_auth_hash()}), nullcontext()


def no_hash(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    return session_with({SESSION_KEY: str(org.alice.pk), BACKEND_SESSION_KEY: BACKEND}), nullcontext()


def someone_elses_hash(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    data = {SESSION_KEY: str(org.alice.pk), BACKEND_SESSION_KEY: BACKEND}
    return session_with(data | {HASH_SESSION_KEY: org.bob.get_session_auth_hash()}), nullcontext()


def not_a_member_id(org: Any, mp: pytest.MonkeyPatch) -> tuple[str | None, AbstractContextManager[Any]]:
    data = {SESSION_KEY: "alice", BACKEND_SESSION_KEY: BACKEND, HASH_SESSION_KEY: "x"}
    return session_with(data), nullcontext()


KINDS: dict[str, Kind] = {
    "valid": valid,
    "expired": expired,
    "signed with a fallback key": fallback_key,
    "signed with a key no longer listed": key_no_longer_listed,
    "changed password": changed_password,
    "inactive": inactive,
    "suspended (a rule in the backend)": suspended,
    "deleted member": deleted,
    "anonymous session": anonymous,
    "no cookie": no_cookie,
    "unknown key": unknown_key,
    "garbage data": tampered,
    "a backend not configured": another_backend,
    "no password hash": no_hash,
    "another member's password hash": someone_elses_hash,
    "a member id that is not one": not_a_member_id,
}


def outcome(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except ValidationError as error:
        return type(error)


@pytest.mark.parametrize("kind", KINDS)
def test_it_finds_whom_get_user_finds_and_writes_nothing(org: Any, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    key, reading = KINDS[kind](org, monkeypatch)
    with reading:
        before = rows()
        ours = outcome(lambda: session_member(key))
        assert rows() == before  # the check wrote nothing

        request = HttpRequest()
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
        theirs = outcome(lambda: get_user(request))

    if ours is ValidationError:
        assert theirs is ValidationError
        return
    assert theirs is not ValidationError
    assert (ours.member.pk if ours.member else None) == (theirs.pk if theirs.is_authenticated else None)
    assert ours.rewrites == request.session.modified  # a write noted exactly where Django writes


@pytest.mark.parametrize(
    ("kind", "member", "rewrites"),
    [
        ("valid", True, False),
        ("signed with a fallback key", True, True),
        ("changed password", False, True),
        ("inactive", False, False),
    ],
)
def test_what_it_says_of_the_common_kinds(
    org: Any, monkeypatch: pytest.MonkeyPatch, kind: str, member: bool, rewrites: bool
) -> None:
    key, reading = KINDS[kind](org, monkeypatch)
    with reading:
        found = session_member(key)
    assert (found.member == org.alice) is member
    assert found.rewrites is rewrites


def test_the_live_sockets_hear_of_a_new_password_a_switched_off_account_and_a_logout_only(
    org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rankandfile.org import sessions
    from rankandfile.testing import PASSWORD

    told: list[int] = []
    monkeypatch.setattr(sessions, "access_changed_on_commit", told.append)
    client = Client()
    assert client.login(username=org.alice.email, password=PASSWORD)  # saves last_login only
    org.alice.full_name = "Alice M. Member"
    org.alice.save(update_fields=["full_name"])
    assert told == []
    client.post("/accounts/logout/")
    org.alice.set_password("another long password")
    org.alice.save(update_fields=["password"])
    org.bob.is_active = False
    org.bob.save()  # as the admin saves it
    assert told == [org.alice.pk, org.alice.pk, org.bob.pk]
