"""A Leeds discussion period set up by dave (national secretary, manage_bulletin), and documents in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from rankandfile.bulletin import services
from rankandfile.bulletin.models import Document, Issue, Period
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg

CODE_OF_CONDUCT = "Argue with positions, never with persons. No harassment, no threats, no private information."


def leeds_period(org: SmallOrg, **overrides: object) -> Period:
    now = timezone.now()
    fields: dict[str, object] = {
        "title": "2027 convention discussion",
        "code_of_conduct": CODE_OF_CONDUCT,
        "submissions_close_at": now + dt.timedelta(days=20),
        "responses_close_at": now + dt.timedelta(days=30),
    } | overrides
    return services.period_create(actor=org.dave, unit=org.leeds, **fields)  # type: ignore[arg-type]


def an_issue(org: SmallOrg, period: Period, *, days: int = 7) -> Issue:
    return services.issue_schedule(actor=org.dave, period=period, publish_at=timezone.now() + dt.timedelta(days=days))


def submitted(
    org: SmallOrg,
    period: Period,
    author: Member,
    *,
    title: str = "For a rent strike fund",
    text: str = "The branch should build a **strike fund** before the rent strike.",
    responds_to: Sequence[Document] = (),
) -> Document:
    document = services.document_create(actor=author, period=period, title=title, text=text, responds_to=responds_to)
    return services.document_submit(actor=author, document=document)


def published(org: SmallOrg, period: Period, author: Member, **kwargs: object) -> Document:
    """Submitted, placed in a new issue and published by dave."""
    document = submitted(org, period, author, **kwargs)  # type: ignore[arg-type]
    issue = an_issue(org, period)
    services.document_place(actor=org.dave, document=document, issue=issue)
    services.issue_publish(actor=org.dave, issue=issue)
    document.refresh_from_db()
    return document
