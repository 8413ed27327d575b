"""Pages that show a vote (review, receipt, receipt check): kept out of caches, Referers and size side channels.

Issue 9, findings 5 and 6 (docs/security.md, "Pages that show a vote"):
- never stored (`no-store`, `Pragma: no-cache` for HTTP/1.0 caches), never transformed (`no-transform`: a proxy
  that compresses would make the size depend on the content again; Caddy's `encode` honours it, nginx needs
  `gzip off` for these paths: docs/deploy.md), and no Referer from them to another site (`Referrer-Policy:
  same-origin`, whatever the site's default; not `no-referrer`, under which browsers send `Origin: null` with
  the page's own POST forms, the cast and the next check, and Django's CSRF check refuses them);
- padded to one size for every vote on the ballot: the view says how long the page would be at its widest (every
  option echoed; every outcome of a check) and the body is padded with spaces after `</html>` to that length
  rounded up to a whole number of `BLOCK` bytes. The length is then the same whatever was marked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from rankandfile.ballots.domain import kinds, rotation

BLOCK = 4096
WIDEST = "_rankandfile_widest"  # the attribute a view sets on its response: the widest page's length in bytes


def padded_length(length: int, widest: int, block: int = BLOCK) -> int:
    """The size class: the widest page's length rounded up to whole blocks (never less than this page)."""
    longest = max(length, widest, 1)
    return -(-longest // block) * block


def pad_body(body: bytes, widest: int) -> bytes:
    """Spaces after the document: harmless to HTML, and the same whatever the page showed."""
    return body + b" " * (padded_length(len(body), widest) - len(body))


def keep_secret(response: HttpResponse, *, widest: int | None = None) -> HttpResponse:
    """The headers of a page that shows a vote, and its padding when `widest` (or the view's) is given."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_transform=True)
    response["Pragma"] = "no-cache"
    response["Referrer-Policy"] = "same-origin"
    widest = widest if widest is not None else getattr(response, WIDEST, None)
    if widest is not None and not response.streaming:
        response.content = pad_body(response.content, widest)
    return response


def vote_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorates a view whose page may show a vote: see the module's docstring."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return keep_secret(view(request, *args, **kwargs))

    return wrapped


def widest_of(response: HttpResponse, *pages: str | int) -> HttpResponse:
    """Mark `response` for padding to the longest of `pages`: the same page rendered at its widest, or its length
    in bytes."""
    setattr(response, WIDEST, max(page if isinstance(page, int) else len(page.encode()) for page in pages))
    return response


ROTATED_KINDS = frozenset({kinds.Kind.ELECTION.value, kinds.Kind.CHOICE.value})


def paper_order(ballot: Any, options: list[Any], member_id: int | None) -> list[Any]:
    """The options in the order this voter sees them: candidates and alternatives rotated per voter
    (domain/rotation.py says why), "none of these" last; a yes/no question or a survey's scale as set up."""
    if ballot.kind not in ROTATED_KINDS or member_id is None:
        return list(options)
    return rotation.rotated(options, ballot.key, member_id, stays_last=lambda o: o.label == kinds.NONE_OF_THESE)


def mark_again(options: list[Any], positions: list[str]) -> None:
    """Put the marks a voter made back on the paper's options (`marked_rank` for a ranking, `is_marked` for a
    choice): positions in the voter's order, best first."""
    order = {position: rank for rank, position in enumerate(positions, start=1)}
    for option in options:
        option.marked_rank = order.get(str(option.position))
        option.is_marked = option.marked_rank is not None
