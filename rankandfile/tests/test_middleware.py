"""The middleware chain runs in one thread under ASGI (see rankandfile.middleware.SyncBoundary)."""

from __future__ import annotations

import warnings

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.utils.module_loading import import_string


def test_it_keeps_the_sync_boundary_innermost() -> None:
    assert settings.MIDDLEWARE[-1] == "rankandfile.middleware.SyncBoundary"
    assert import_string(settings.MIDDLEWARE[-1]).async_capable is False


def test_it_adapts_the_whole_chain_once_at_the_top() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        handler = ASGIHandler()
    # One thread hop for the whole chain, rather than two per middleware.
    assert isinstance(handler._middleware_chain, SyncToAsync)
