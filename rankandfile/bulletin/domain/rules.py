"""The bulletin's rules in plain Python: deadlines, word limits, the right of reply, caucus counts over time.

Every refusal is a sentence for the member (or None when the action is allowed); services raise it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits, with inner apostrophes and hyphens."""
    return len(_WORD.findall(text))


def word_limit_refusal(text: str, limit: int) -> str | None:
    if limit and (n := word_count(text)) > limit:
        return f"The document has {n} words; this period's limit is {limit}."
    return None


def submission_refusal(
    *, now: dt.datetime, submissions_close_at: dt.datetime, responses_close_at: dt.datetime, is_response: bool
) -> str | None:
    """New documents until submissions close; responses until responses close (the right of reply is separate)."""
    if is_response:
        if now > responses_close_at:
            return "Responses closed for this period."
        return None
    if now > submissions_close_at:
        return "Submissions closed for this period; you can still respond to a published document."
    return None


@dataclass(frozen=True)
class Answer:
    """A published document answering one of the author's own."""

    published_at: dt.datetime
    already_replied: bool


def reply_refusal(*, now: dt.datetime, answer: Answer | None, reply_days: int) -> str | None:
    """An answered author may publish one reply to each answer, within `reply_days` of the answer's publication,
    even after the response deadline."""
    if answer is None:
        return "The right of reply is for the author of a document that this one answers."
    if answer.already_replied:
        return "You have already replied to this answer."
    if now > reply_deadline(answer.published_at, reply_days):
        return f"The right of reply lasts {reply_days} days from the answer's publication; it has passed."
    return None


def reply_deadline(published_at: dt.datetime, reply_days: int) -> dt.datetime:
    return published_at + dt.timedelta(days=reply_days)


def publication_refusal(*, cosigners: int, min_cosigners: int, is_hidden: bool) -> str | None:
    if is_hidden:
        return "A hidden document is not published in an issue."
    if cosigners < min_cosigners:
        return f"The document has {cosigners} co-signer(s); this period needs {min_cosigners} before publication."
    return None


def members_over_time(
    stretches: Iterable[tuple[dt.datetime, dt.datetime | None]], moments: Iterable[dt.datetime]
) -> list[tuple[dt.datetime, int]]:
    """How many were members at each moment, from (joined, left or None) stretches."""
    spans = list(stretches)
    return [(m, sum(1 for joined, left in spans if joined <= m and (left is None or left > m))) for m in moments]


def month_starts(first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """The first moment of each month from `first`'s month to `last`'s, then `last` itself."""
    moments: list[dt.datetime] = []
    cursor = first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while cursor <= last:
        if cursor >= first:
            moments.append(cursor)
        cursor = (
            cursor.replace(year=cursor.year + 1, month=1)
            if cursor.month == 12
            else cursor.replace(month=cursor.month + 1)
        )
    moments.append(last)
    return moments
