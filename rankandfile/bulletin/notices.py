"""The bulletin's kinds of notification (rankandfile/notifications/kinds.py says how kinds work).

- `bulletin.issue`: a published issue, to the members who subscribed to its period (one email per issue, with
  the one-click unsubscribe link every notification email carries);
- `bulletin.answered`: a published document answers yours: you have a right of reply until the date given;
- `bulletin.hidden`: a moderator hid your document, with the reason; you may appeal.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankandfile.bulletin import selectors
from rankandfile.bulletin.domain import rules
from rankandfile.notifications.kinds import Kind, Notice, register


def _issue(issue_id: int, event: str) -> Notice | None:
    issue = selectors.issue_by_id(issue_id)
    if issue is None or not issue.is_published:
        return None
    documents = [d for d in selectors.documents_of_issue(issue) if d.is_published]
    lines = [
        f"- {d.title} ({d.author.full_name}{', ' + d.caucus.name if d.caucus else ''}, {d.word_count} words)"
        for d in documents
    ]
    return Notice(
        title=_("%(period)s: issue %(n)d is out") % {"period": issue.period.title, "n": issue.number},
        link=issue.get_absolute_url(),
        body="\n".join([_("%d document(s) in this issue:") % len(documents), *lines]),
    )


def _answered(document_id: int, event: str) -> Notice | None:
    document = selectors.document_by_id(document_id)
    if document is None or document.published_at is None:
        return None
    until = rules.reply_deadline(document.published_at, document.period.reply_days)
    return Notice(
        title=_("%(who)s answered your document: “%(title)s”")
        % {"who": document.author.full_name, "title": document.title},
        link=document.get_absolute_url(),
        body=_("You may publish one reply until %s, even after the response deadline.")
        % timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
    )


def _hidden(document_id: int, event: str) -> Notice | None:
    document = selectors.document_by_id(document_id)
    if document is None or not document.is_hidden:
        return None
    return Notice(
        title=_("Your document “%s” was hidden by a moderator") % document.title,
        link=document.get_absolute_url(),
        body=_("Reason: %s\nIt stays listed with this reason. You may appeal from the document's page.")
        % document.hidden_reason,
    )


ISSUE = register(Kind("bulletin.issue", gettext_lazy("A bulletin issue I subscribed to is published"), _issue))
ANSWERED = register(Kind("bulletin.answered", gettext_lazy("A bulletin document answers mine"), _answered))
HIDDEN = register(Kind("bulletin.hidden", gettext_lazy("A moderator hid my bulletin document"), _hidden))
