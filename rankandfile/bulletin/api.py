"""Bulletin endpoints: the same access, selector and service functions as the pages (docs/bulletin.md, "API")."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from rankandfile.api_errors import ERRORS
from rankandfile.bulletin import access, search, selectors, services
from rankandfile.bulletin.models import Document
from rankandfile.org import api_auth
from rankandfile.org.access import require_member
from rankandfile.org.models import Member

router = Router(tags=["bulletin"])


class IssueOut(Schema):
    id: int
    number: int
    publish_at: dt.datetime
    published_at: dt.datetime | None


class PeriodOut(Schema):
    id: int
    unit_id: int
    title: str
    description: str
    code_of_conduct: str
    submissions_close_at: dt.datetime
    responses_close_at: dt.datetime
    word_limit: int
    min_cosigners: int
    reply_days: int
    issues: list[IssueOut]


class DocumentOut(Schema):
    id: int
    period_id: int
    title: str
    text: str | None  # None while hidden by a moderator (the reason is given instead)
    author_id: int
    caucus_id: int | None
    status: str
    issue_number: int | None
    responds_to: list[int]
    is_reply: bool
    word_count: int
    published_at: dt.datetime | None
    hidden_at: dt.datetime | None
    hidden_reason: str


class HitOut(Schema):
    document_id: int
    title: str
    rank: float
    snippet: str  # plain text; the matched words are the query's


class SearchIn(Schema):
    q: str
    period: int | None = None
    author: int | None = None
    caucus: int | None = None
    page: int = 1


def _document(document: Document, viewer: Any) -> dict[str, Any]:
    return {
        "id": document.pk,
        "period_id": document.period_id,
        "title": document.title,
        "text": document.text if access.can_read_text(viewer, document) else None,
        "author_id": document.author_id,
        "caucus_id": document.caucus_id,
        "status": document.status,
        "issue_number": document.issue.number if document.issue_id and document.issue else None,
        "responds_to": [d.pk for d in document.responds_to.all()],
        "is_reply": document.is_reply,
        "word_count": document.word_count,
        "published_at": document.published_at,
        "hidden_at": document.hidden_at,
        "hidden_reason": document.hidden_reason,
    }


@router.get("/bulletin/periods/{period_id}", response={200: PeriodOut, **ERRORS})
def get_period(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """A discussion period: its deadlines, rules, code of conduct and schedule of issues."""
    period = access.access_period(request.user, period_id)
    fields = [f for f in PeriodOut.model_fields if f != "issues"]
    return {**{f: getattr(period, f) for f in fields}, "issues": list(selectors.issues_of(period))}


@router.get("/bulletin/periods/{period_id}/documents", response={200: list[DocumentOut], **ERRORS})
def period_documents(request: HttpRequest, period_id: int) -> list[dict[str, Any]]:
    """The period's published documents, newest first (hidden ones listed without their text)."""
    period = access.access_period(request.user, period_id)
    rows = selectors.published_documents(period).select_related("issue")
    return [_document(d, request.user) for d in rows]


@router.get("/bulletin/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def get_document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    """One document (a draft only for its author)."""
    return _document(access.access_document(request.user, document_id), request.user)


@router.get("/bulletin/search", response={200: list[HitOut], **ERRORS})
def search_documents(request: HttpRequest, params: Query[SearchIn]) -> list[dict[str, Any]]:
    """Published documents matching every word of `q`, best first among the newest 1,000 matches, 20 to a page."""
    require_member(request.user)
    filters = search.Filters(period_id=params.period, author_id=params.author, caucus_id=params.caucus)
    results = search.documents_search(params.q, filters, page=params.page)
    return [
        {
            "document_id": hit.document.pk,
            "title": hit.document.title,
            "rank": hit.rank,
            "snippet": "".join(part.text for part in hit.snippet),
        }
        for hit in results.hits
    ]


@router.post("/bulletin/documents/{document_id}/sign", response={201: DocumentOut, **ERRORS}, auth=api_auth.VOTE)
def sign_document(request: HttpRequest, document_id: int) -> Status[dict[str, Any]]:
    """Co-sign a submitted or published document of your unit's period."""
    document = access.access_document(request.user, document_id)
    services.document_sign(actor=cast(Member, request.user), document=document)
    return Status(201, _document(document, request.user))
