"""The HTTP API under /api/v1/ (django-ninja). Each app adds a router; auth is a per-member bearer token."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from rankandfile.org import api_auth


class StorableJsonParser(Parser):
    """JSON bodies, refusing strings that no database column can hold.

    Python's `json` accepts `"\\u0000"` and unpaired surrogates (`"\\ud800"`); PostgreSQL refuses the first in a
    text column and no UTF-8 encoder takes the second, so both used to end as a 500 when saved. Any error raised
    here is answered by django-ninja as 400 `{"detail": "Cannot parse request body"}`, like malformed JSON.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        pending = [data]
        while pending:  # iterative: a deeply nested body must not overflow the stack here
            item = pending.pop()
            if isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, str) and ("\x00" in item or (not item.isascii() and _has_surrogate(item))):
                raise ValueError("a string holds a NUL character or an unpaired surrogate")
        return data


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


api = NinjaAPI(
    title="Rank & File API",
    version="1",
    description="Read the organization, vote and manage with a personal API token "
    "(create one on your profile page; send it as `Authorization: Bearer <token>`). "
    "A token has scopes: `read` for every GET, `vote` to cast ballots and co-sign proposals, `manage` for what "
    "your roles allow (open and close ballots, appoint). A token without the route's scope gets 403.",
    auth=api_auth.READ,
    urls_namespace="api",
    parser=StorableJsonParser(),
)


def _error(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Forbidden")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "A valid API token is required (Authorization: Bearer <token>).")


@api.exception_handler(ValidationError)
def on_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = (
        [{"loc": ["body", field], "msg": msg} for field, msgs in exc.message_dict.items() for msg in msgs]
        if hasattr(exc, "error_dict")
        else [{"loc": ["body"], "msg": msg} for msg in exc.messages]
    )
    return _error(request, 422, detail)


@api.exception_handler(NinjaValidationError)
def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, exc.errors)


from rankandfile.audit.api import router as audit_router  # noqa: E402
from rankandfile.ballots.api import router as ballots_router  # noqa: E402
from rankandfile.ballots.api_elections import router as elections_router  # noqa: E402
from rankandfile.bulletin.api import router as bulletin_router  # noqa: E402
from rankandfile.cases.api import router as cases_router  # noqa: E402
from rankandfile.insights.api import router as insights_router  # noqa: E402
from rankandfile.meetings.api import router as meetings_router  # noqa: E402
from rankandfile.org.api import router as org_router  # noqa: E402  (routers import `api` helpers above)
from rankandfile.proposals.api import router as proposals_router  # noqa: E402
from rankandfile.recall.api import router as recall_router  # noqa: E402

api.add_router("/", org_router)
api.add_router("/", proposals_router)
api.add_router("/", ballots_router)
api.add_router("/", elections_router)
api.add_router("/", meetings_router)
api.add_router("/", audit_router)
api.add_router("/", cases_router)
api.add_router("/", insights_router)
api.add_router("/", bulletin_router)
api.add_router("/", recall_router)
