"""`{{ text|member_markdown }}`: a petition's statement or response as safe HTML (the proposals' renderer)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from rankandfile.proposals.rendering import render_markdown

register = template.Library()


@register.filter
def member_markdown(text: str) -> SafeString:
    return render_markdown(text)
