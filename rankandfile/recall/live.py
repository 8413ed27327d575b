"""The live state of a recall petition (docs/recall.md): "14 of 23" signatures and its status, to `recall-<id>`.

The frame carries the count only, never who signed: it goes to every member watching, the officer included.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from rankandfile.live.publish import Feed
from rankandfile.recall import selectors


def _render(petition_id: int) -> tuple[int, str] | None:
    petition = selectors.petition_by_id(petition_id)
    if petition is None:
        return None
    context = {"petition": petition, "progress": selectors.progress(petition), "version": petition.version}
    return petition.version, render_to_string("recall/_live.html", context)


feed = Feed("recall", _render)
