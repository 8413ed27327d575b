"""What a personal API token may do, and for how long (docs/api.md, "Tokens").

A token carries scopes, each a kind of route: `read` for every GET, `vote` for what a member does for themself
(cast a ballot, co-sign a proposal), `manage` for what a role allows (open and close ballots, appoint). The member's
capabilities still decide each request: a scope only narrows what the token may try.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

READ = "read"
VOTE = "vote"
MANAGE = "manage"
SCOPES = (READ, VOTE, MANAGE)
SCOPE_CHOICES: list[tuple[str, str]] = [
    (READ, "Read: units, directories, proposals, ballots and results"),
    (VOTE, "Vote: cast ballots and co-sign proposals as yourself"),
    (MANAGE, "Manage: what your roles allow (open and close ballots, appoint)"),
]
LIFETIMES_DAYS = (7, 30, 90, 365)
DEFAULT_LIFETIME_DAYS = 30


def ordered_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes in their canonical order, once each. Raises ValueError naming any unknown scope."""
    given = set(scopes)
    unknown = sorted(given - set(SCOPES))
    if unknown:
        raise ValueError(", ".join(unknown))
    return [scope for scope in SCOPES if scope in given]


def password_stamp(password_hash: str) -> str:
    """What a token keeps of the member's password hash: it works only while the hash is the same."""
    return hashlib.sha256(("rankandfile.api-token:" + password_hash).encode()).hexdigest()
