"""The API's one error schema: every error answers `{"detail": …}` (the handlers are in `rankandfile/api.py`).

`detail` is a sentence (400 for a body that is not storable JSON, 401, 403, 404) or a list of field errors
`{"loc": […], "msg": …}` (422). Each app's router
documents its endpoints' errors with `ERRORS`, so the OpenAPI schema names this one shape everywhere.
"""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    detail: str | list[dict[str, object]]


ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
