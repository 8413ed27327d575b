"""The cast door (cast_door.py): it serves only the plain path to a receipt, exactly as the view would, and hands
every other request to Django with its body intact, having written nothing.

The door talks to PostgreSQL on connections of its own, so these tests commit (transactional_db) and most of them
run on PostgreSQL only; on SQLite the door is shut, which the first tests check.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from rankandfile.ballots import cast_door, live, selectors, services, views
from rankandfile.ballots.domain import receipts
from rankandfile.ballots.models import Ballot, CastBallot, Participation
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.testing import log_in

CSRF = "CastDoorTestCsrfToken0123456789a"  # 32 characters: Django's unmasked secret, sent as cookie and header
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the cast door runs on PostgreSQL")


@dataclass
class Django:
    """Stands for Django behind the door: records each request that reaches it, with the body it could read."""

    calls: list[tuple[str, str, bytes]] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        if scope["type"] == "http":
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
        self.calls.append((scope["method"], scope["path"], body))
        await send({"type": "http.response.start", "status": 418, "headers": [(b"x-served-by", b"django")]})
        await send({"type": "http.response.body", "body": b"served by Django"})


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def scope_for(path: str, *, session: str | None, csrf: bool = True, method: str = "POST", host: str = "testserver"):
    cookies = [f"csrftoken={CSRF}"] + ([f"sessionid={session}"] if session else [])
    headers = [(b"host", host.encode()), (b"cookie", "; ".join(cookies).encode())]
    headers.append((b"content-type", b"application/x-www-form-urlencoded"))
    if csrf:
        headers.append((b"x-csrftoken", CSRF.encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def call(app: Any, scope: dict[str, Any], body: bytes, chunk: int | None = None) -> Answer:
    parts = [body[i : i + chunk] for i in range(0, len(body), chunk)] if chunk else [body]
    messages = [{"type": "http.request", "body": p, "more_body": i < len(parts) - 1} for i, p in enumerate(parts)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # the phone stays connected: Django treats a disconnect as an abort
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(start["status"], headers, body_out.decode())


def through(door: cast_door.CastDoor, *requests: tuple[dict[str, Any], bytes]) -> list[Answer]:
    """Send requests through the door on one event loop (its connection pool lives there), then close it."""

    async def go() -> list[Answer]:
        try:
            return [await call(door, scope, body) for scope, body in requests]
        finally:
            await door.close()

    return asyncio.run(go())


def session_of(member: Any) -> str:
    client = Client()
    log_in(client, member)
    return str(client.cookies["sessionid"].value)


def marks(*positions: int) -> bytes:
    return urlencode([("mark", str(p)) for p in positions]).encode()


def cast_path(ballot: Ballot) -> str:
    return f"/ballots/{ballot.pk}/cast/"


def rows(ballot: Ballot) -> tuple[int, int]:
    return Participation.objects.filter(ballot=ballot).count(), CastBallot.objects.filter(ballot=ballot).count()


@pytest.fixture
def ranked(org: Any, transactional_db: Any) -> Ballot:
    """An open IRV ballot in Leeds (roll: alice, bob, erin; options Ann, Ben, Cat), its paper known here."""
    ballot = open_ballot(org)
    assert selectors.paper_for_cast(ballot.pk) is not None  # what the first cast through Django does
    return ballot


# --- where the door is shut -----------------------------------------------------------------------------------
def test_every_middleware_in_the_settings_is_reviewed_for_the_door() -> None:
    unknown = set(settings.MIDDLEWARE) - cast_door.HOOK_MIDDLEWARE - cast_door.PASSIVE_MIDDLEWARE
    assert not unknown, f"review these for rankandfile/ballots/cast_door.py: {unknown}"


def test_the_door_writes_the_columns_the_models_have() -> None:
    assert tuple(f.column for f in Participation._meta.concrete_fields) == cast_door.PARTICIPATION_COLUMNS
    assert tuple(f.column for f in CastBallot._meta.concrete_fields) == cast_door.CAST_BALLOT_COLUMNS


def test_the_door_is_shut_by_an_unreviewed_middleware_or_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, "example.IpBlockMiddleware"]):
        assert "example.IpBlockMiddleware" in (cast_door.door_off_reason() or "")
    monkeypatch.setenv("RANKANDFILE_CAST_DOOR", "0")
    assert "RANKANDFILE_CAST_DOOR=0" in (cast_door.door_off_reason() or "")


@on_postgresql
def test_the_door_is_open_on_postgresql_with_the_settings_as_they_are() -> None:
    assert cast_door.door_off_reason() is None


def test_the_door_is_shut_with_sessions_saved_on_every_request() -> None:
    with override_settings(SESSION_SAVE_EVERY_REQUEST=True):
        assert "SESSION_SAVE_EVERY_REQUEST" in (cast_door.door_off_reason() or "")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
def test_on_sqlite_every_cast_goes_to_django(org: Any, ranked: Ballot) -> None:
    assert cast_door.door_off_reason() == "the database is not PostgreSQL"
    django = Django()
    answer = through(cast_door.CastDoor(django), (scope_for(cast_path(ranked), session="x"), marks(2, 1)))[0]
    assert answer.status == 418
    assert django.calls == [("POST", cast_path(ranked), marks(2, 1))]


def test_other_requests_pass_straight_to_django(transactional_db: Any) -> None:
    django = Django()
    door = cast_door.CastDoor(django)
    answers = through(
        door,
        (scope_for("/ballots/1/cast/", session="x", method="GET"), b""),
        (scope_for("/ballots/1/review/", session="x"), b"mark=1"),
    )
    assert [a.status for a in answers] == [418, 418]
    assert django.calls == [("GET", "/ballots/1/cast/", b""), ("POST", "/ballots/1/review/", b"mark=1")]


def test_the_door_answers_the_lifespan_protocol() -> None:
    door = cast_door.CastDoor(Django())
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(door({"type": "lifespan"}, receive, send))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_the_application_has_the_door_in_front() -> None:
    from rankandfile.asgi import application

    assert isinstance(application, cast_door.CastDoor)


# --- the plain path -------------------------------------------------------------------------------------------
@on_postgresql
def test_the_door_serves_a_plain_cast(org: Any, ranked: Ballot, monkeypatch: pytest.MonkeyPatch) -> None:
    frames: list[int] = []
    monkeypatch.setattr(live.feed, "changed", frames.append)
    django = Django()
    answer = through(
        cast_door.CastDoor(django), (scope_for(cast_path(ranked), session=session_of(org.alice)), marks(2, 1))
    )[0]

    assert django.calls == []
    assert answer.status == 200
    assert "Your ballot is cast" in answer.body
    assert rows(ranked) == (1, 1)
    assert Participation.objects.get(ballot=ranked).member_id == org.alice.pk
    paper = CastBallot.objects.get(ballot=ranked)
    assert paper.content == {"ranking": ["Ben", "Ann"]}
    shown = re.search(r'id="receipt">([0-9a-f ]+)<', answer.body)
    nonce = re.search(r'id="nonce">([0-9a-f]+)<', answer.body)
    assert shown and nonce
    assert receipts.normalize(shown.group(1)) == paper.receipt
    assert receipts.matches(ranked.key, paper.content, nonce.group(1), paper.receipt)
    assert frames == [ranked.pk]  # the live count of ballots cast
    # What Django's middleware and the view's @never_cache add to the page.
    assert "no-store" in answer.headers["cache-control"]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in answer.headers
    assert "Cookie" in answer.headers["vary"]


@on_postgresql
def test_the_door_serves_the_page_the_view_serves(org: Any, ranked: Ballot) -> None:
    through_door = through(
        cast_door.CastDoor(Django()), (scope_for(cast_path(ranked), session=session_of(org.alice)), marks(3, 1))
    )[0]
    client = Client()
    log_in(client, org.bob)
    through_view = client.post(cast_path(ranked), {"mark": ["3", "1"]})
    assert through_view.status_code == through_door.status == 200

    def without_codes(page: str) -> str:
        return re.sub(r'(id="(?:receipt|nonce)">)[^<]*<', r"\1<", page)

    assert without_codes(through_door.body) == without_codes(through_view.content.decode())
    papers = list(CastBallot.objects.filter(ballot=ranked).values_list("content", flat=True))
    assert papers == [{"ranking": ["Cat", "Ann"]}] * 2


@on_postgresql
def test_two_simultaneous_casts_by_one_member_make_one_ballot(org: Any, ranked: Ballot) -> None:
    django = Django()
    door = cast_door.CastDoor(django)
    session = session_of(org.alice)

    async def both() -> list[Answer]:
        try:
            first = call(door, scope_for(cast_path(ranked), session=session), marks(1))
            second = call(door, scope_for(cast_path(ranked), session=session), marks(2))
            return list(await asyncio.gather(first, second))
        finally:
            await door.close()

    answers = asyncio.run(both())
    assert sorted(a.status for a in answers) == [200, 418]  # the second is Django's to refuse ("already voted")
    assert rows(ranked) == (1, 1)


# --- everything else goes to Django, body and all, with nothing written ---------------------------------------
def expire(ballot: Ballot) -> None:
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))


def close(ballot: Ballot) -> None:
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)


def change_password(member: Any) -> None:
    member.set_password("a-new-password-2026")
    member.save(update_fields=["password"])


def switch_off(member: Any) -> None:
    type(member).objects.filter(pk=member.pk).update(is_active=False)


def forget_papers(ballot: Ballot) -> None:
    selectors._papers_of_open_ballots.clear()


@dataclass(frozen=True)
class Case:
    voter: str | None  # a persona's name, or a session key as it is
    body: bytes
    before: Any = None
    options: tuple[tuple[str, Any], ...] = ()


CASES = {
    "no session cookie": Case(None, marks(1)),
    "an unknown session": Case("no-such-session", marks(1)),
    "no CSRF token": Case("alice", marks(1), options=(("csrf", False),)),
    "a host not allowed": Case("alice", marks(1), options=(("host", "evil.example"),)),
    "a member off the roll": Case("carol", marks(1)),
    "an unknown candidate": Case("alice", b"mark=9"),
    "a candidate ranked twice": Case("alice", marks(1, 1)),
    "a ballot past its closing time": Case("alice", marks(1), expire),
    "a closed ballot": Case("alice", marks(1), close),
    "a paper this process has not read": Case("alice", marks(1), forget_papers),
}


@on_postgresql
@pytest.mark.parametrize("name", CASES)
def test_the_door_leaves_to_django(org: Any, ranked: Ballot, name: str) -> None:
    case = CASES[name]
    session = session_of(getattr(org, case.voter)) if case.voter in ("alice", "carol") else case.voter
    if case.before is not None:
        case.before(ranked)
    django = Django()
    scope = scope_for(cast_path(ranked), session=session, **dict(case.options))
    answer = through(cast_door.CastDoor(django), (scope, case.body))[0]
    assert answer.status == 418
    assert django.calls == [("POST", cast_path(ranked), case.body)]
    assert rows(ranked) == (0, 0)


@on_postgresql
@pytest.mark.parametrize("change", [change_password, switch_off])
def test_a_session_django_would_not_accept_goes_to_django(org: Any, ranked: Ballot, change: Any) -> None:
    session = session_of(org.alice)
    change(org.alice)
    django = Django()
    answer = through(cast_door.CastDoor(django), (scope_for(cast_path(ranked), session=session), marks(1)))[0]
    assert answer.status == 418
    assert rows(ranked) == (0, 0)


@on_postgresql
def test_a_member_refused_by_a_rule_in_the_backend_goes_to_django(
    org: Any, ranked: Ballot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule added where org/sessions.py says (the backend's user_can_authenticate, e.g. a suspension) holds at
    the door too: the door asks the backend through get_user instead of copying its rule."""
    from rankandfile.org.auth import ThrottledEmailBackend

    session = session_of(org.alice)
    # A rule on more of the member than the password and the active flag (a suspension would read a case).
    monkeypatch.setattr(
        ThrottledEmailBackend, "user_can_authenticate", lambda self, user: user.email != org.alice.email
    )
    django = Django()
    answer = through(cast_door.CastDoor(django), (scope_for(cast_path(ranked), session=session), marks(1)))[0]
    assert answer.status == 418
    assert rows(ranked) == (0, 0)


@on_postgresql
def test_no_statement_of_the_door_carries_both_the_member_and_the_marks(
    org: Any, ranked: Ballot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server logging statements with their parameters must not log a vote beside its voter (docs/deploy.md)."""
    import psycopg

    statements: list[tuple[str, list[Any]]] = []
    execute = psycopg.AsyncConnection.execute

    async def noting(self: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
        statements.append((str(query), list(params or [])))
        return await execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.AsyncConnection, "execute", noting)
    answer = through(
        cast_door.CastDoor(Django()), (scope_for(cast_path(ranked), session=session_of(org.alice)), marks(2, 1))
    )[0]
    assert answer.status == 200
    paper = CastBallot.objects.get(ballot=ranked)

    def carries_marks(params: list[Any]) -> bool:
        return any(getattr(p, "obj", p) == paper.content or p == paper.receipt for p in params)

    assert any(carries_marks(params) for _, params in statements)
    assert any(org.alice.pk in params for _, params in statements)
    assert not [sql for sql, params in statements if carries_marks(params) and org.alice.pk in params]


@on_postgresql
def test_a_second_cast_goes_to_django_and_changes_nothing(org: Any, ranked: Ballot) -> None:
    session = session_of(org.alice)
    django = Django()
    answers = through(
        cast_door.CastDoor(django),
        (scope_for(cast_path(ranked), session=session), marks(1)),
        (scope_for(cast_path(ranked), session=session), marks(2)),
    )
    assert [a.status for a in answers] == [200, 418]
    assert CastBallot.objects.get(ballot=ranked).content == {"ranking": ["Ann"]}


@on_postgresql
def test_a_long_body_reaches_django_whole(org: Any, ranked: Ballot) -> None:
    body = marks(1) + b"&note=" + b"x" * (2 * cast_door.MAX_BODY)
    scope = scope_for(cast_path(ranked), session=session_of(org.alice))
    django = Django()
    door = cast_door.CastDoor(django)

    async def go() -> Answer:
        try:
            return await call(door, scope, body, chunk=4096)
        finally:
            await door.close()

    assert asyncio.run(go()).status == 418
    assert django.calls == [("POST", cast_path(ranked), body)]
    assert rows(ranked) == (0, 0)


@on_postgresql
def test_an_error_before_the_commit_leaves_nothing_and_goes_to_django(
    org: Any, ranked: Ballot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The paper's insert fails after the participation's: the transaction leaves neither.
    monkeypatch.setattr(cast_door, "PAPER_SQL", cast_door.PAPER_SQL.replace("INSERT INTO", "INSERT INTO no_such_", 1))
    django = Django()
    answer = through(
        cast_door.CastDoor(django), (scope_for(cast_path(ranked), session=session_of(org.alice)), marks(1))
    )[0]
    assert answer.status == 418
    assert rows(ranked) == (0, 0)


@on_postgresql
def test_django_behind_the_door_refuses_as_it_always_did(org: Any, ranked: Ballot) -> None:
    """The real application: a voter off the roll gets Django's own refusal page through the door."""
    from rankandfile.asgi import application

    services.ballot_cast(voter=org.alice, ballot=ranked, names=["Ann"])
    scope = scope_for(cast_path(ranked), session=session_of(org.alice))

    async def go() -> Answer:
        try:
            return await call(application, scope, marks(2))
        finally:
            await application.close()  # its connection pool belongs to this test's event loop

    answer = asyncio.run(go())
    assert answer.status == 422
    assert "already voted" in answer.body
    assert rows(ranked) == (1, 1)


# --- the receipt page from its shell --------------------------------------------------------------------------
def rendered(request: Any, ballot: Ballot, receipt: services.Receipt) -> str:
    return render_to_string(views.RECEIPT_TEMPLATE, views.receipt_context(ballot, receipt), request=request)


@pytest.mark.parametrize(
    ("kind", "method", "names"),
    [
        ("election", "irv", ['<b>Ann & "Co"</b>', "Ben's"]),
        ("election", "irv", ["Cat"]),
        ("election", "approval", ["Ben's", "Cat"]),
        ("survey", "plurality", ["Ben's"]),
    ],
)
def test_the_receipt_page_from_its_shell_is_the_rendered_page(
    org: Any, kind: str, method: str, names: list[str]
) -> None:
    labels = ['<b>Ann & "Co"</b>', "Ben's", "Cat"]
    ballot = open_ballot(org, kind=kind, method=method, labels=labels)
    request = RequestFactory().post(cast_path(ballot))
    for nonce in ("0" * 32, "f" * 32):  # the second page comes from the shell the first one made
        content = services.check_marks(ballot, names)
        receipt = services.Receipt(ballot.pk, content, receipts.receipt_for(ballot.key, content, nonce), nonce)
        assert cast_door.receipt_page(request, ballot, receipt) == rendered(request, ballot, receipt)
    assert cast_door._shells  # the shell was used


def test_a_template_that_changes_the_placeholders_is_rendered_in_full(
    org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ballot = open_ballot(org)
    original = views.receipt_context

    def upper_codes(ballot: Ballot, receipt: services.Receipt) -> dict[str, Any]:
        return {
            **original(ballot, receipt),
            "receipt_grouped": str(original(ballot, receipt)["receipt_grouped"]).upper(),
        }

    monkeypatch.setattr(views, "receipt_context", upper_codes)
    monkeypatch.setattr(cast_door, "_shells", {})
    request = RequestFactory().post(cast_path(ballot))
    content = services.check_marks(ballot, ["Ann"])
    receipt = services.Receipt(ballot.pk, content, "ab" * 32, "cd" * 16)
    page = cast_door.receipt_page(request, ballot, receipt)
    assert "ABABABAB" in page
    assert page == rendered(request, ballot, receipt)
    assert list(cast_door._shells.values()) == [None]


@on_postgresql
def test_the_application_serves_a_plain_cast_through_the_door(
    org: Any, ranked: Ballot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ASGI application as uvicorn runs it: the door in front answers, Django's handler is never reached."""
    from rankandfile.asgi import application

    async def django_must_not_serve(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the cast went to Django")

    monkeypatch.setattr(application, "app", django_must_not_serve)
    scope = scope_for(cast_path(ranked), session=session_of(org.alice))

    async def go() -> Answer:
        try:
            return await call(application, scope, marks(3, 2, 1))
        finally:
            await application.close()

    answer = asyncio.run(go())
    assert answer.status == 200
    assert "Your ballot is cast" in answer.body
    assert rows(ranked) == (1, 1)
