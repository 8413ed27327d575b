"""The cast door: the ballot cast served on the event loop, in front of Django (docs/ballots.md, "The cast door").

A convention hall casts two thousand ballots in ten seconds. Through Django's request handler each cast pays for a
thread made for the request, several hops between the event loop and threads, and the ORM: measured, casts ran at
0.06 of the rate PostgreSQL itself takes (issue 5 asks for 0.15). The door serves `POST /ballots/<id>/cast/`
itself, on the event loop, with psycopg's asyncio driver: Django's own middleware hooks on a Django request, the
member the session names as `django.contrib.auth.get_user` finds them (`org.sessions.session_member`, the same
check the live sockets use), the service's marks check and refusal rule, the cast's shared lock on the ballot, the
same two rows written in one transaction, the same receipt page.

It serves only the plain path to a receipt. Whenever anything is not plain (another URL or method, a host not
allowed, a middleware hook that answers by itself such as a CSRF failure or an HTTPS redirect, no valid session, a
session Django would rewrite, a ballot whose paper this process has not read yet, marks the service would refuse,
a ballot not open, a voter off the roll or already counted, any error before the commit) it hands the request,
body included, to Django, which serves it exactly as without the door and gives the usual message. So the door can
only accept a cast that Django would accept, and every refusal, message and status code stays Django's.

It runs on PostgreSQL; anywhere else (SQLite, sessions saved on every request, a middleware nobody has reviewed
for the door, or RANKANDFILE_CAST_DOOR=0) every cast goes through Django (`door_off_reason`).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import psycopg
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, ResolverMatch, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from rankandfile.ballots import live, selectors, services, views, vote_pages
from rankandfile.ballots.domain import kinds, marks
from rankandfile.ballots.forms import marks_from_post
from rankandfile.ballots.models import Ballot, CastBallot, EligibleVoter, Participation
from rankandfile.org.sessions import session_member

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 64 * 1024  # a ballot paper posts a few hundred bytes; anything bigger is Django's to refuse

# Each middleware the door stands in for, reviewed: the door runs the process_request / process_view /
# process_response hooks of the hook-style ones, in Django's order, on a real Django request. The others only wrap
# the call and do nothing a cast needs: static files, the htmx request details (the receipt page is the same for
# htmx and plain posts), our thread boundary. A middleware not in this list switches the door off (a test fails).
HOOK_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "csp.middleware.CSPMiddleware",
    }
)
PASSIVE_MIDDLEWARE = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
        "rankandfile.middleware.SyncBoundary",
        "django_otp.middleware.OTPMiddleware",  # only adds lazy `request.user.is_verified`, unused by the cast
        "rankandfile.org.middleware.SecondFactorRequired",  # exempts the cast (a vote needs no capability)
    }
)
# The rows the door writes, column by column: a new column must be added here, so the door keeps writing what
# the models write (tests/ compare the two).
PARTICIPATION_COLUMNS = ("id", "ballot_id", "member_id")
CAST_BALLOT_COLUMNS = ("id", "ballot_id", "content", "receipt")


class Refused(Exception):
    """Not the plain path: Django serves this request."""


@dataclass(frozen=True)
class Hooks:
    request: tuple[Callable[..., Any], ...]
    view: tuple[Callable[..., Any], ...]
    response: tuple[Callable[..., Any], ...]


def door_off_reason() -> str | None:
    """Why the door stays shut in this configuration (every reason), or None when it serves casts."""
    reasons = []
    if os.environ.get("RANKANDFILE_CAST_DOOR", "1") == "0":
        reasons.append("RANKANDFILE_CAST_DOOR=0")
    if connections["default"].vendor != "postgresql":
        reasons.append("the database is not PostgreSQL")
    if settings.SESSION_SAVE_EVERY_REQUEST:
        reasons.append("SESSION_SAVE_EVERY_REQUEST is on (the door does not write sessions)")
    unknown = [m for m in settings.MIDDLEWARE if m not in HOOK_MIDDLEWARE | PASSIVE_MIDDLEWARE]
    if unknown:
        reasons.append(f"middleware not reviewed for the cast door: {', '.join(unknown)}")
    columns = (
        tuple(f.column for f in Participation._meta.concrete_fields),
        tuple(f.column for f in CastBallot._meta.concrete_fields),
    )
    if columns != (PARTICIPATION_COLUMNS, CAST_BALLOT_COLUMNS):
        reasons.append("the ballot box's columns changed: review cast_door.py")
    return "; ".join(reasons) or None


def _never_called(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the cast door only runs middleware hooks")


def _hooks() -> Hooks:
    request_hooks: list[Callable[..., Any]] = []
    view_hooks: list[Callable[..., Any]] = []
    response_hooks: list[Callable[..., Any]] = []
    for path in settings.MIDDLEWARE:
        if path in PASSIVE_MIDDLEWARE:
            continue
        middleware = import_string(path)(_never_called)
        for name, found in (
            ("process_request", request_hooks),
            ("process_view", view_hooks),
            ("process_response", response_hooks),
        ):
            hook = getattr(middleware, name, None)
            if hook is not None:
                found.append(hook)
    return Hooks(tuple(request_hooks), tuple(view_hooks), tuple(reversed(response_hooks)))


def _conninfo() -> str:
    """The default database's connection, from the settings Django itself connects with (the test database under
    tests). Only libpq's own options are passed on; Django's (pool, isolation level…) are not libpq's."""
    params = connections["default"].settings_dict
    keys = {"dbname": params["NAME"], "user": params["USER"], "password": params["PASSWORD"]}
    keys |= {"host": params["HOST"], "port": params["PORT"]}
    libpq = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "passfile")
    keys |= {k: v for k, v in params.get("OPTIONS", {}).items() if k in libpq}
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in keys.items() if v not in (None, "")})


def _table(model: Any) -> str:
    return str(model._meta.db_table)


# The cast: two statements in one transaction, so that no statement carries both the member and the marks (a
# server that logs statements with their parameters would otherwise log a vote beside its voter; docs/deploy.md).
# The first takes the ballot row under the cast's shared lock (casting._lock_open_ballot: a close waits for it),
# only while the ballot is open, not past its closing time, opened when the paper this process keeps was read,
# and the member on its roll, and records the participation; no row otherwise, and the unique participation
# refuses a second cast. The lock holds to the commit, so the paper follows into a ballot still open.
# Parameters: ballot, the open status, opening time, now, member (the roll), participation id, member.
PARTICIPATION_SQL = (
    f"WITH ballot AS (SELECT b.id FROM {_table(Ballot)} b WHERE b.id = %s AND b.status = %s "  # noqa: S608
    f"AND b.opened_at = %s AND (b.closes_at IS NULL OR b.closes_at > %s) "
    f"AND EXISTS (SELECT 1 FROM {_table(EligibleVoter)} r WHERE r.ballot_id = b.id AND r.member_id = %s) "
    f"FOR KEY SHARE OF b) "
    f"INSERT INTO {_table(Participation)} ({', '.join(PARTICIPATION_COLUMNS)}) SELECT %s, id, %s FROM ballot"
)
# Parameters: paper id, ballot, content, receipt.
PAPER_SQL = f"INSERT INTO {_table(CastBallot)} ({', '.join(CAST_BALLOT_COLUMNS)}) VALUES (%s, %s, %s, %s)"  # noqa: S608


@dataclass(frozen=True)
class Cast:
    """A cast the door may serve, as read from the request: nothing is checked against the database yet."""

    request: HttpRequest
    paper: selectors.Paper
    opened_at: Any  # the opening time the paper was read with: the ballot row must still say it
    content: dict[str, list[str]]
    session_key: str


class CastDoor:
    """ASGI middleware around the whole application (rankandfile/asgi.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._shut: str | None = None
        self._ready = False
        self._hooks: Hooks | None = None
        self._pool: AsyncConnectionPool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/cast/"):
            await self.app(scope, receive, send)
            return
        if not self._ready:
            self._shut = await sync_to_async(door_off_reason, thread_sensitive=False)()
            self._ready = True
            if self._shut:
                log.info("ballots: the cast door is shut (%s); casts go through Django", self._shut)
        if self._shut:
            await self.app(scope, receive, send)
            return
        body, more, disconnected = await _read_body(receive)
        if disconnected:
            return  # the phone went away before its ballot arrived: nothing to do, as Django would do nothing
        response = None if more else await self._serve(scope, body)
        if response is None:
            await self.app(scope, _replay(body, more, receive), send)
            return
        await _send(response, send)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _connection_pool(self) -> AsyncConnectionPool:
        if self._pool is None:
            # Its own few connections, beside Django's pool: measured, 16 connections in all served 1,900 casts/s
            # on the bare transaction, so 8 per worker leave PostgreSQL's connection slots for Django's pools.
            max_size = int(os.environ.get("CAST_DOOR_POOL_MAX", "8"))
            pool = AsyncConnectionPool(
                _conninfo(), min_size=1, max_size=max_size, open=False, name="cast-door", kwargs={"autocommit": True}
            )
            await pool.open()
            self._pool = pool
        return self._pool

    async def _serve(self, scope: Scope, body: bytes) -> HttpResponse | None:
        """The receipt page, with the ballot committed; None, with nothing written, for Django to serve."""
        try:
            cast = self._read(scope, body)
            voter = await _session_member(cast.session_key)
            if voter.member is None or voter.rewrites:
                raise Refused  # Django sends the voter to log in, or rotates or flushes the session first
            nonce, receipt = services.new_receipt(cast.paper.ballot, cast.content)
            await self._write(cast, voter.member.pk, receipt)
        except Refused:
            return None
        except Exception:
            # Nothing is committed (or, if the connection broke as the insert's answer came back, whether it was is
            # unknown, as with a commit through Django): Django serves the request and reports what it meets.
            log.warning("ballots: the cast door passed a cast to Django after an error", exc_info=True)
            return None
        # Committed: from here on the voter gets this receipt or an error, never Django's "already voted".
        ballot = cast.paper.ballot
        live.feed.changed(ballot.pk)
        page = receipt_page(cast.request, ballot, services.Receipt(ballot.pk, cast.content, receipt, nonce))
        response = HttpResponse(page)
        # The view's @vote_page: not stored, no Referer, padded to the ballot's one receipt size.
        vote_pages.keep_secret(response, widest=views.receipt_widest(cast.request, ballot, list(cast.paper.labels)))
        patch_vary_headers(response, ("Cookie",))  # as Django's session middleware, once the session is read
        assert self._hooks is not None
        for hook in self._hooks.response:
            response = hook(cast.request, response)
        return response

    def _read(self, scope: Scope, body: bytes) -> Cast:
        """Django's request through its middleware's request and view hooks, the paper and the marks; no query."""
        request = ASGIRequest(scope, io.BytesIO(body))
        try:
            request.get_host()
        except DisallowedHost:
            raise Refused from None  # Django answers 400 (and logs it, as ever)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            raise Refused  # Django sends the voter to log in
        match = _resolve(request.path_info, get_urlconf())
        if match is None or match.func is not views.ballot_cast:
            raise Refused
        if self._hooks is None:
            self._hooks = _hooks()
        for hook in self._hooks.request:
            if hook(request) is not None:
                raise Refused
        for hook in self._hooks.view:
            if hook(request, match.func, match.args, match.kwargs) is not None:
                raise Refused  # above all, CsrfViewMiddleware refusing the post
        known = selectors.known_paper(int(match.kwargs["ballot_id"]))
        if known is None:
            raise Refused  # this process has not read the paper yet: Django reads it (and keeps it)
        opened_at, paper = known
        labels = list(paper.labels)
        names = marks_from_post(paper.ballot, labels, request.POST) if "mark" in request.POST else []
        try:
            content = marks.check(paper.ballot.mark, names, labels)
        except marks.MarkError:
            raise Refused from None
        return Cast(request, paper, opened_at, content, session_key)

    async def _write(self, cast: Cast, member_id: int, receipt: str) -> None:
        """Both rows in one transaction, or Refused with nothing written. The checks are in the participation's
        statement, and both statements go in one round trip (psycopg's pipeline), the commit in a second: a cast
        holds a connection of the door's few for two round trips, where it held it for five."""
        pool = await self._connection_pool()
        ballot_id = cast.paper.ballot.pk
        opened, now = Ballot.Status.OPEN.value, timezone.now()
        participation = [ballot_id, opened, cast.opened_at, now, member_id, Participation._meta.pk.default(), member_id]
        paper = [CastBallot._meta.pk.default(), ballot_id, Jsonb(cast.content), receipt]
        async with pool.connection() as conn:
            try:
                async with conn.pipeline() as pipeline, conn.transaction():
                    written = await conn.execute(PARTICIPATION_SQL, participation)
                    await conn.execute(PAPER_SQL, paper)
                    await pipeline.sync()
                    if written.rowcount != 1:
                        # Not open, past its closing time, opened again since this process read the paper, or the
                        # voter off the roll: rolled back, and Django says why.
                        raise Refused
            except psycopg.errors.UniqueViolation:
                raise Refused from None  # already voted: Django says so


@functools.lru_cache(maxsize=1024)
def _resolve(path: str, urlconf: str | None) -> ResolverMatch | None:
    """Django's URL resolution, remembered: a hall casts on one or two ballots, so a few paths repeat."""
    try:
        return resolve(path, urlconf)
    except Resolver404:
        return None


# --- the receipt page -----------------------------------------------------------------------------------------
# Rendering the receipt template took a fifth of a cast's CPU. The page differs between the voters of one ballot
# only in the marks and the two codes, so it is rendered once per ballot, language and number of marks, with
# placeholders there, and filled in per cast with the values escaped as the template would escape them. The
# placeholders hold NUL, which HTML escaping leaves alone and no label or code contains. If the template ever
# changes a placeholder (a filter on a code, say), the shell is not used: the page is rendered directly.
_shells: dict[tuple[Any, ...], tuple[str, ...] | None] = {}
_HOLE = "\x00{}\x00"
_HOLES = re.compile("\x00([a-z0-9]+)\x00")


def receipt_page(request: HttpRequest, ballot: Ballot, receipt: services.Receipt) -> str:
    """The receipt page for this cast, as `views.ballot_cast` renders it."""
    context = views.receipt_context(ballot, receipt)
    names = context["names"]
    key = (ballot.pk, ballot.opened_at, get_language(), ballot.mark, len(names))
    if key not in _shells:
        if len(_shells) > 1000:
            _shells.clear()
        _shells[key] = _shell(request, ballot, len(names))
    shell = _shells[key]
    if shell is None:
        return render_to_string(views.RECEIPT_TEMPLATE, context, request=request)
    values = {"r": context["receipt_grouped"], "n": receipt.nonce} | {f"m{i}": name for i, name in enumerate(names)}
    # The shell alternates text and hole names: text, hole, text, hole, …, text.
    return "".join(part if i % 2 == 0 else escape(values[part]) for i, part in enumerate(shell))


def _shell(request: HttpRequest, ballot: Ballot, n_names: int) -> tuple[str, ...] | None:
    """The page rendered with holes; the holes are short enough to pass through the grouping of the codes."""
    names = [_HOLE.format(f"m{i}") for i in range(n_names)]
    content = {"ranking" if ballot.mark == kinds.Mark.RANK else "choices": names}
    sample = services.Receipt(ballot.pk, content, _HOLE.format("r"), _HOLE.format("n"))
    page = render_to_string(views.RECEIPT_TEMPLATE, views.receipt_context(ballot, sample), request=request)
    parts = tuple(_HOLES.split(page))
    holes = parts[1::2]
    expected = {f"m{i}" for i in range(n_names)} | ({"r", "n"} if ballot.kind != "survey" else set())
    if len(holes) != len(set(holes)) or set(holes) != expected or "\x00" in "".join(parts[::2]):
        log.warning("ballots: the receipt template changes its placeholders; rendering each receipt in full")
        return None
    return parts


# Who the session names, by the one session-to-member check (org/sessions.py), in a worker thread: it runs Django's
# queries, and the thread's database connection goes back to Django's pool afterwards.
_session_member = database_sync_to_async(session_member, thread_sensitive=False)


async def _read_body(receive: Receive) -> tuple[bytes, bool, bool]:
    """(body so far, more to come, disconnected). Stops reading at MAX_BODY, leaving the rest to Django."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False, True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body", False))
        if not more or size > MAX_BODY:
            return b"".join(chunks), more, False


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """`receive` for Django: the body the door has read, then whatever is still to come."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay


async def _send(response: HttpResponse, send: Send) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.items()]
    headers += [(b"Set-Cookie", c.output(header="").strip().encode("latin-1")) for c in response.cookies.values()]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})
