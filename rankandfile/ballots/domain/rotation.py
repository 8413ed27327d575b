"""The order in which a voter sees the candidates: the ballot's order, rotated by an amount of their own.

On any ballot paper the first name gets more votes than it would elsewhere (the ballot-order effect), so nomination
order must not decide who is first. Each voter sees the candidates of an election (and the alternatives of a
choice) in the ballot's order rotated by `offset(ballot_key, member_id, n)`: a number from 0 to n − 1 taken from a
SHA-256 of the ballot and the member, so that over the roll every candidate is first for about one voter in n, and
a voter sees the same order on every visit. Lines that close a paper ("none of these") stay last. The order shows
nothing about anyone's vote; what is counted is the options themselves, whatever order they were shown in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def offset(ballot_key: str, member_id: int, n: int) -> int:
    if n <= 1:
        return 0
    digest = hashlib.sha256(f"{ballot_key}/voter-{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % n


def rotated(
    items: Sequence[T], ballot_key: str, member_id: int, *, stays_last: Callable[[T], bool] = lambda item: False
) -> list[T]:
    """`items` rotated for this voter; the items `stays_last` picks keep their place at the end."""
    moving = [item for item in items if not stays_last(item)]
    fixed = [item for item in items if stays_last(item)]
    k = offset(ballot_key, member_id, len(moving))
    return moving[k:] + moving[:k] + fixed
