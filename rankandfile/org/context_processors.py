from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def site(request: HttpRequest) -> dict[str, Any]:
    # `today`: templates label what has not begun yet ("starts on …") without asking the view.
    return {"SITE_NAME": settings.SITE_NAME, "today": timezone.localdate()}
