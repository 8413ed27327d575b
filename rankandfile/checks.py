"""Refusals at start-up: a production server never signs sessions with the published development key.

`settings.py` falls back to `DEVELOPMENT_SECRET_KEY` when `SECRET_KEY` is unset, so that `make demo`, `make test`
and management commands work out of the box. Anyone who knows that key (it is in this repository) can forge
sessions, password-reset links and signed values, so:

- the ASGI application (`rankandfile/asgi.py`: uvicorn, daphne, `runserver`) raises at import with DEBUG off;
- `manage.py check --deploy` reports an error (not only Django's warning W009).

Management commands without `--deploy` still run, so migrations and the demo loader need no key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY_MESSAGE = (
    "SECRET_KEY is not set, and with DEBUG off Rank & File refuses to serve with the published development key. "
    "Set SECRET_KEY to a long random value (docs/deploy.md), or DEBUG=1 on a development machine."
)


def uses_development_key() -> bool:
    return bool(settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY)


def refuse_development_key_in_production() -> None:
    """Raise ImproperlyConfigured when a server would start with DEBUG off and the development key."""
    if not settings.DEBUG and uses_development_key():
        raise ImproperlyConfigured(DEVELOPMENT_KEY_MESSAGE)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if uses_development_key():
        return [Error(DEVELOPMENT_KEY_MESSAGE, id="rankandfile.E001")]
    return []
