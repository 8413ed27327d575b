"""Search queries and snippets, the same on SQLite FTS5 and PostgreSQL full-text search.

A member's query is reduced to its words (no operators a member must learn, nothing the engines could choke on);
every word must match. Snippets come back from the database with two private-use characters around each match;
`snippet_parts` splits them so a template can escape the text and mark the matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARK_START = "\ue000"
MARK_END = "\ue001"
MAX_TERMS = 12
_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """The words of a query, lower-cased, in order, without repeats; at most MAX_TERMS."""
    seen: list[str] = []
    for word in _TERM.findall(query.lower()):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: each term a quoted string (so no term is read as an operator), all required."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def tsquery_text(terms: list[str]) -> str:
    """The text for PostgreSQL's plainto_tsquery: the words joined by spaces (all required)."""
    return " ".join(terms)


@dataclass(frozen=True)
class Part:
    text: str
    is_match: bool


def snippet_parts(snippet: str) -> list[Part]:
    """Split a marked snippet into plain and matched parts (stray marks are dropped)."""
    parts: list[Part] = []
    for index, chunk in enumerate(re.split(f"[{MARK_START}{MARK_END}]", snippet)):
        if chunk:
            parts.append(Part(chunk, is_match=index % 2 == 1))
    return parts
