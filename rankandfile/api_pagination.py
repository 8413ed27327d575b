"""The API's one pagination: django-ninja's limit/offset with bounds the database can hold (issue 16).

The fuzzer found that ninja's `LimitOffsetPagination` takes any integer: an offset or limit past 2**63 reached the
database and ended as a 500 (SQLite cannot bind it; PostgreSQL's LIMIT is a bigint). Here both are bounded in the
schema itself, so a request outside them is a documented 422 before any query runs.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000  # far past any list the API serves (units, signed heads)


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
