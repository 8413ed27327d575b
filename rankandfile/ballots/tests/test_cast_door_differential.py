"""The cast door against Django alone: crafted requests sent through the application as it runs (the door in front)
and through the same application without the door must end the same way — the same status, the same page, the same
rows in the ballot box and the roll's participations, the same session left behind.

Each request is sent twice, each time to a fresh ballot with fresh sessions made the same way. The door talks to
PostgreSQL on its own connections and is shut elsewhere, so this runs on PostgreSQL (CI's second run).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from rankandfile.ballots import cast_door, selectors, services
from rankandfile.ballots.models import Ballot, CastBallot, Participation
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.org.models import Member

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the cast door runs on PostgreSQL"),
    pytest.mark.usefixtures("transactional_db"),
]

CSRF = "CastDoorTestCsrfToken0123456789a"
OLD_KEY = "an-old-secret-key-still-listed-in-SECRET_KEY_FALLBACKS-0123456789"
NEW_KEY = "the-new-secret-key-that-replaced-the-old-one-9876543210-abcdefgh"
BOUNDARY = "----rankandfile-boundary-7d3a"


def marks(*positions: int, extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    return urlencode([("mark", str(p)) for p in positions] + list(extra)).encode()


def multipart(*positions: int) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="mark"\r\n\r\n{p}\r\n' for p in positions]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def change_password(org: Any, ballot: Ballot) -> None:
    org.alice.set_password("a-new-password-2026")
    org.alice.save(update_fields=["password"])


def switch_off(org: Any, ballot: Ballot) -> None:
    Member.objects.filter(pk=org.alice.pk).update(is_active=False)


def vote_first(org: Any, ballot: Ballot) -> None:
    services.ballot_cast(voter=org.alice, ballot=ballot, names=["Cat"])


def close(org: Any, ballot: Ballot) -> None:
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)


@dataclass(frozen=True)
class Crafted:
    """A request: whose session, which body, and what differs from a phone's plain cast."""

    voter: str | None = "alice"
    body: bytes = marks(2, 1)
    method: str = "POST"
    path: str = "/ballots/{id}/cast/"
    query: str = ""
    scheme: str = "http"
    # The cookie headers, with {session} (the voter's), {other} (Carol's: off the roll) and {csrf}.
    cookies: tuple[str, ...] = ("csrftoken={csrf}; sessionid={session}",)
    headers: tuple[tuple[str, str], ...] = (
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-csrftoken", "{csrf}"),
    )
    host: str = "testserver"
    chunk: int | None = None
    fallback_key: bool = False  # logged in under a key that is now only in SECRET_KEY_FALLBACKS
    before: Callable[[Any, Ballot], None] | None = None


PLAIN = Crafted()
FORM = (("content-type", "application/x-www-form-urlencoded"),)
CASES: dict[str, Crafted] = {
    "a plain cast": PLAIN,
    "a plain cast in three chunks": Crafted(chunk=5),
    "a session signed with a fallback key": Crafted(fallback_key=True),
    "no CSRF token": Crafted(headers=FORM),
    "the CSRF token in the body": Crafted(body=marks(2, 1, extra=(("csrfmiddlewaretoken", CSRF),)), headers=FORM),
    "a wrong CSRF token": Crafted(headers=(*FORM, ("x-csrftoken", "W" * 32))),
    "a cross-site Origin": Crafted(headers=(*PLAIN.headers, ("origin", "https://evil.example"))),
    "the site's own Origin": Crafted(headers=(*PLAIN.headers, ("origin", "http://testserver"))),
    "a null Origin": Crafted(headers=(*PLAIN.headers, ("origin", "null"))),
    "HTTPS without a Referer": Crafted(scheme="https"),
    "HTTPS with a cross-site Referer": Crafted(
        scheme="https", headers=(*PLAIN.headers, ("referer", "https://evil.example/"))
    ),
    "HTTPS with the site's Referer": Crafted(
        scheme="https", headers=(*PLAIN.headers, ("referer", "https://testserver/"))
    ),
    "a host not allowed": Crafted(host="evil.example"),
    "text/plain": Crafted(headers=(("content-type", "text/plain"), ("x-csrftoken", "{csrf}"))),
    "application/json": Crafted(
        body=b'{"mark": [2, 1]}', headers=(("content-type", "application/json"), ("x-csrftoken", "{csrf}"))
    ),
    "multipart form data": Crafted(
        body=multipart(2, 1),
        headers=(
            ("content-type", f"multipart/form-data; boundary={BOUNDARY}"),
            ("content-length", str(len(multipart(2, 1)))),
            ("x-csrftoken", "{csrf}"),
        ),
    ),
    "multipart without a boundary": Crafted(
        body=multipart(2, 1), headers=(("content-type", "multipart/form-data"), ("x-csrftoken", "{csrf}"))
    ),
    "a form in latin-1": Crafted(
        headers=(("content-type", "application/x-www-form-urlencoded; charset=latin-1"), ("x-csrftoken", "{csrf}"))
    ),
    "no content type": Crafted(headers=(("x-csrftoken", "{csrf}"),)),
    "a short Content-Length": Crafted(headers=(*PLAIN.headers, ("content-length", "3"))),
    "a long Content-Length": Crafted(headers=(*PLAIN.headers, ("content-length", "4096"))),
    "a Content-Length that is not a number": Crafted(headers=(*PLAIN.headers, ("content-length", "ten"))),
    "an empty body": Crafted(body=b""),
    "a body past the door's limit": Crafted(body=marks(2, 1, extra=(("note", "x" * (2 * cast_door.MAX_BODY)),))),
    "a body past Django's limit": Crafted(body=marks(2, 1, extra=(("note", "x" * (3 * 1024 * 1024)),)), chunk=65536),
    "marks in the query string only": Crafted(body=b"", query="mark=2&mark=1"),
    "a candidate ranked twice": Crafted(body=marks(1, 1)),
    "an unknown candidate": Crafted(body=b"mark=9"),
    "a mark that is not a number": Crafted(body=b"mark=one"),
    "two session cookies, the voter's last": Crafted(
        cookies=("csrftoken={csrf}; sessionid={other}; sessionid={session}",)
    ),
    "two session cookies, the voter's first": Crafted(
        cookies=("csrftoken={csrf}; sessionid={session}; sessionid={other}",)
    ),
    "two cookie headers": Crafted(cookies=("sessionid={other}", "csrftoken={csrf}; sessionid={session}")),
    "a quoted session cookie": Crafted(cookies=('csrftoken={csrf}; sessionid="{session}"',)),
    "no session cookie": Crafted(voter=None),
    "an unknown session": Crafted(cookies=("csrftoken={csrf}; sessionid=no-such-session",)),
    "a member off the roll": Crafted(voter="carol"),
    "a changed password": Crafted(before=change_password),
    "an account switched off": Crafted(before=switch_off),
    "a second cast": Crafted(before=vote_first),
    "a closed ballot": Crafted(before=close),
    "GET": Crafted(method="GET", body=b""),
    "PUT": Crafted(method="PUT"),
    "a path with two slashes": Crafted(path="//ballots/{id}/cast/"),
    "another ballot's path": Crafted(path="/ballots/{other_id}/cast/"),
}


@dataclass(frozen=True)
class Outcome:
    status: int
    location: str
    title: str
    cast: bool  # the receipt page
    participations: tuple[str, ...]
    papers: tuple[str, ...]
    session_kept: bool
    new_session_cookie: bool


@dataclass
class Spy:
    """Django behind the door, noting whether a request reached it."""

    app: Any
    reached: list[str] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.reached.append(scope.get("path", ""))
        await self.app(scope, receive, send)


def session_of(member: Any) -> str:
    client = Client()
    client.force_login(member)
    return str(client.cookies["sessionid"].value)


def scope_for(case: Crafted, ballot: Ballot, other: Ballot, session: str, other_session: str) -> dict[str, Any]:
    def fill(text: str) -> str:
        return text.format(session=session, other=other_session, csrf=CSRF, id=ballot.pk, other_id=other.pk)

    headers = [(b"host", case.host.encode())]
    headers += [(b"cookie", fill(c).encode()) for c in case.cookies]
    headers += [(name.encode(), fill(value).encode()) for name, value in case.headers]
    path = fill(case.path)
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": case.method,
        "scheme": case.scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": case.query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 443 if case.scheme == "https" else 80),
    }


async def call(app: Any, scope: dict[str, Any], body: bytes, chunk: int | None) -> tuple[int, dict[str, str], str]:
    parts = [body[i : i + chunk] for i in range(0, len(body), chunk)] if chunk and body else [body]
    messages = [{"type": "http.request", "body": p, "more_body": i < len(parts) - 1} for i, p in enumerate(parts)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # the phone stays connected
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers: dict[str, str] = {}
    for name, value in start["headers"]:
        headers.setdefault(name.decode().lower(), "")
        headers[name.decode().lower()] += value.decode() + "\n"
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body_out.decode("utf-8", "replace")


def send_through(door: bool, org: Any, case: Crafted) -> tuple[Outcome, bool]:
    """(the outcome, whether Django was reached) of `case` on a fresh ballot, with or without the door."""
    from rankandfile.asgi import application

    ballot, other = open_ballot(org), open_ballot(org)
    for known in (ballot, other):
        assert selectors.paper_for_cast(known.pk) is not None  # as after each worker's first cast
    reading: AbstractContextManager[Any] = nullcontext()
    if case.fallback_key:
        with override_settings(SECRET_KEY=OLD_KEY):
            session = session_of(org.alice)
        reading = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
    else:
        session = session_of(getattr(org, case.voter)) if case.voter else ""
    other_session = session_of(org.carol)
    if case.before is not None:
        case.before(org, ballot)
    spy = Spy(application.app)
    app = cast_door.CastDoor(spy) if door else spy
    scope = scope_for(case, ballot, other, session, other_session)

    async def go() -> tuple[int, dict[str, str], str]:
        try:
            return await call(app, scope, case.body, case.chunk)
        finally:
            if isinstance(app, cast_door.CastDoor):
                await app.close()

    with reading:
        status, headers, page = asyncio.run(go())
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        kept = bool(session) and store.exists(session)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    participations = Participation.objects.filter(ballot__in=[ballot, other]).order_by("member__email")
    papers = CastBallot.objects.filter(ballot__in=[ballot, other])
    outcome = Outcome(
        status=status,
        location=headers.get("location", "").replace(str(ballot.pk), "<id>").replace(str(other.pk), "<other>"),
        title=" ".join(title.group(1).split()) if title else "",
        cast="Your ballot is cast" in page,
        participations=tuple(
            f"{p.ballot_id == ballot.pk}:{p.member.email}" for p in participations.select_related("member")
        ),
        papers=tuple(sorted(f"{p.ballot_id == ballot.pk}:{p.content}" for p in papers)),
        session_kept=kept,
        new_session_cookie=f"{settings.SESSION_COOKIE_NAME}=" in headers.get("set-cookie", ""),
    )
    if case.before is switch_off:
        Member.objects.filter(pk=org.alice.pk).update(is_active=True)
    return outcome, bool(spy.reached)


@pytest.mark.parametrize("name", CASES)
def test_the_door_ends_a_request_as_django_alone_does(org: Any, name: str) -> None:
    case = CASES[name]
    through_door, reached = send_through(True, org, case)
    without_door, _ = send_through(False, org, case)
    assert through_door == without_door
    if name in ("a plain cast", "a plain cast in three chunks", "multipart form data", "the site's own Origin"):
        assert not reached, "the door served this cast itself: the comparison above is the door's, not Django's"
        assert through_door.cast and through_door.status == 200
