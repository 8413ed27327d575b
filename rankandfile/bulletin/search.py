"""Full-text search of published documents: one selector over PostgreSQL full-text search and SQLite FTS5.

`documents_search` hides the difference (migrations 0002 and 0003 build the columns, index and FTS table). In two
steps, in one statement:
1. the candidates: the newest CANDIDATES documents (by id: the order they were written in) that match every word
   and the filters, read from the index (the GIN index of `search`; the FTS5 index in descending rowid order);
2. the ranking of those candidates only, with the engine's own measure (PostgreSQL `ts_rank` over the title and
   the opening of the text, migration 0003 says why; SQLite FTS5 `bm25`, title ten times the text), ties newest
   first; then the page of ranked ids, and only then the highlighted snippets of the page's documents.
Ranking every match made a word found in half of 50,000 documents cost seconds (benchmarks/bulletin.py); with the
cap, a search costs at most CANDIDATES rankings. A search with more matches says so (`Results.is_capped`): older
matches are reached by adding a word or a filter (period, author, caucus, dates), which the cap then applies to.
Hidden documents are not searched: their text is not public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rankandfile.bulletin.domain.search import (
    MARK_END,
    MARK_START,
    Part,
    fts5_match,
    query_terms,
    snippet_parts,
    tsquery_text,
)
from rankandfile.bulletin.models import Document

PAGE_SIZE = 20
CANDIDATES = 1000  # the most a search ranks: the newest matches (docs/bulletin.md, "Search")
SNIPPET_WORDS = 30
WINDOW_BEFORE, WINDOW_CHARS = 300, 1200


@dataclass(frozen=True)
class Filters:
    period_id: int | None = None
    author_id: int | None = None
    caucus_id: int | None = None
    published_from: dt.datetime | None = None
    published_until: dt.datetime | None = None


@dataclass(frozen=True)
class Hit:
    document: Document
    rank: float
    title: list[Part]
    snippet: list[Part]

    @property
    def title_html(self) -> SafeString:
        return _marked(self.title)

    @property
    def snippet_html(self) -> SafeString:
        return _marked(self.snippet)


def _marked(parts: list[Part]) -> SafeString:
    """The parts as HTML: the text escaped, the matches in <mark>. Built here, not in a template loop, because a
    page of twenty snippets is hundreds of parts (benchmarks/bulletin.py)."""
    return mark_safe(  # noqa: S308  (every part is escaped just here)
        "".join(f"<mark>{escape(p.text)}</mark>" if p.is_match else str(escape(p.text)) for p in parts)
    )


@dataclass(frozen=True)
class Results:
    query: str
    terms: list[str]
    hits: list[Hit]
    page: int
    has_next: bool
    is_capped: bool = False  # more documents match than were ranked: the newest `candidates` were
    candidates: int = CANDIDATES


def _where(filters: Filters) -> tuple[list[str], list[Any]]:
    clauses = ["d.status = %s", "d.hidden_at IS NULL"]
    params: list[Any] = [Document.Status.PUBLISHED.value]
    for column, value in (
        ("d.period_id = %s", filters.period_id),
        ("d.author_id = %s", filters.author_id),
        ("d.caucus_id = %s", filters.caucus_id),
        ("d.published_at >= %s", filters.published_from),
        ("d.published_at < %s", filters.published_until),
    ):
        if value is not None:
            clauses.append(column)
            params.append(value)
    return clauses, params


def documents_search(
    query: str, filters: Filters | None = None, *, page: int = 1, candidates: int = CANDIDATES
) -> Results:
    """Published, shown documents matching every word of `query`, best first among the newest `candidates`
    matches, PAGE_SIZE to a page (without words, the filtered documents newest first)."""
    filters = filters or Filters()
    terms = query_terms(query)
    page = max(1, page)
    if not terms:
        if filters == Filters():
            return Results(query, terms, [], page, has_next=False)
        return _newest(query, filters, page)
    ranked, matched = _ranked_ids(
        terms, filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1, candidates=candidates
    )
    has_next = len(ranked) > PAGE_SIZE
    ranked = ranked[:PAGE_SIZE]
    snippets = _snippets(terms, [pk for pk, _rank in ranked])
    documents = (
        Document.objects.select_related("author", "caucus", "period")
        .defer("text", "html", "period__code_of_conduct", "period__description")
        .in_bulk([pk for pk, _ in ranked])
    )
    hits = [
        Hit(documents[pk], rank, snippet_parts(snippets[pk][0]), snippet_parts(snippets[pk][1]))
        for pk, rank in ranked
        if pk in documents and pk in snippets
    ]
    return Results(query, terms, hits, page, has_next, is_capped=matched > candidates, candidates=candidates)


def _newest(query: str, filters: Filters, page: int) -> Results:
    """No words but filters (an author's documents, a caucus's): the newest first, each with its opening."""
    conditions = {
        key: value
        for key, value in (
            ("period_id", filters.period_id),
            ("author_id", filters.author_id),
            ("caucus_id", filters.caucus_id),
            ("published_at__gte", filters.published_from),
            ("published_at__lt", filters.published_until),
        )
        if value is not None
    }
    rows = list(
        Document.objects.filter(status=Document.Status.PUBLISHED, hidden_at__isnull=True, **conditions)
        .select_related("author", "caucus", "period")
        .defer("html", "period__code_of_conduct", "period__description")
        .order_by("-published_at", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    hits = [
        Hit(d, 0.0, [Part(d.title, False)], [Part(" ".join(d.text.split()[:SNIPPET_WORDS]) + " …", False)])
        for d in rows[:PAGE_SIZE]
    ]
    return Results(query, [], hits, page, has_next=len(rows) > PAGE_SIZE)


def _ranked_ids(
    terms: list[str], filters: Filters, *, offset: int, limit: int, candidates: int
) -> tuple[list[tuple[int, float]], int]:
    """The page of (id, rank) among the newest `candidates` matches, and how many matched (up to candidates + 1:
    one more than were ranked says there are more)."""
    clauses, params = _where(filters)
    # The inner query reads one candidate more than it ranks, to tell "exactly the cap" from "more than the cap".
    if connection.vendor == "postgresql":
        sql = (
            "SELECT c.id, ts_rank(c.search_head, c.q) AS rank, c.n FROM ("  # noqa: S608  (constant clauses; every value is a bound parameter)
            "SELECT d.id, d.published_at, d.search_head, q, row_number() OVER (ORDER BY d.id DESC) AS at, "
            "count(*) OVER () AS n FROM ("
            "SELECT d.id, d.published_at, d.search_head FROM bulletin_document d, plainto_tsquery('english', %s) q "
            f"WHERE d.search @@ q AND {' AND '.join(clauses)} ORDER BY d.id DESC LIMIT %s) d, "
            "plainto_tsquery('english', %s) q) c "
            "WHERE c.at <= %s ORDER BY rank DESC, c.published_at DESC, c.id DESC LIMIT %s OFFSET %s"
        )
        args = [tsquery_text(terms), *params, candidates + 1, tsquery_text(terms), candidates, limit, offset]
    else:
        sql = (
            "SELECT id, rank, n FROM (SELECT id, rank, published_at, "  # noqa: S608  (constant clauses; every value is a bound parameter)
            "row_number() OVER (ORDER BY id DESC) AS at, count(*) OVER () AS n FROM ("
            "SELECT f.rowid AS id, -bm25(bulletin_document_fts, 10.0, 1.0) AS rank, d.published_at "
            "FROM bulletin_document_fts f JOIN bulletin_document d ON d.id = f.rowid "
            f"WHERE bulletin_document_fts MATCH %s AND {' AND '.join(clauses)} "
            "ORDER BY f.rowid DESC LIMIT %s)) "
            "WHERE at <= %s ORDER BY rank DESC, published_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        args = [fts5_match(terms), *params, candidates + 1, candidates, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    return [(int(pk), float(rank)) for pk, rank, _n in rows], (int(rows[0][2]) if rows else 0)


def _snippets(terms: list[str], ids: list[int]) -> dict[int, tuple[str, str]]:
    """id → (marked title, marked snippet of the text) for the page's documents only."""
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    if connection.vendor == "postgresql":
        # ts_headline parses the whole text it is given (about 6 ms for 1,700 words): give it a window around the
        # first occurrence of a query word as typed (or the opening, when only a stemmed form occurs).
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12, MaxFragments=2"
        sql = (
            "SELECT d.id, ts_headline('english', d.title, q, %s), "  # noqa: S608  (bound parameters only)
            "ts_headline('english', substr(d.text, greatest(1, w.at - %s), %s), q, %s) "
            "FROM bulletin_document d CROSS JOIN plainto_tsquery('english', %s) q CROSS JOIN LATERAL ("
            "SELECT coalesce(min(nullif(strpos(lower(d.text), t), 0)), 1) AS at FROM unnest(%s::text[]) t) w "
            f"WHERE d.id IN ({placeholders})"
        )
        args: list[Any] = [
            # The whole title, every match marked: with MaxFragments set, PostgreSQL would cut it to a fragment.
            f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true",
            WINDOW_BEFORE,
            WINDOW_CHARS,
            options,
            tsquery_text(terms),
            terms,
            *ids,
        ]
    else:
        sql = (
            "SELECT rowid, highlight(bulletin_document_fts, 0, %s, %s), "  # noqa: S608  (constant clauses; every value is a bound parameter)
            f"snippet(bulletin_document_fts, 1, %s, %s, '…', {SNIPPET_WORDS}) "
            f"FROM bulletin_document_fts WHERE bulletin_document_fts MATCH %s AND rowid IN ({placeholders})"
        )
        args = [MARK_START, MARK_END, MARK_START, MARK_END, fts5_match(terms), *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return {int(pk): (title, text) for pk, title, text in cursor.fetchall()}
