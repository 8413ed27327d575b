"""Formatting filters for meeting screens (formatting only: no rules live here)."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def epoch_ms(value: dt.datetime | None) -> str:
    """Milliseconds since the epoch, for the timer script's data attributes ('' for none)."""
    if value is None:
        return ""
    return str(int(value.timestamp() * 1000))


@register.filter
def clock(seconds: int | None) -> str:
    """Seconds as m:ss ('' for none)."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


@register.filter
def oneline(text: str) -> str:
    """Collapse whitespace, for one Markdown list line."""
    return " ".join(str(text).split())


@register.filter
def md_quote(text: str) -> str:
    """A Markdown blockquote of `text`, line by line."""
    return "\n".join(f"> {line}".rstrip() for line in str(text).splitlines() or [""])
