"""What the bulletin's notifications say (bulletin/notices.py), and when they say nothing."""

from __future__ import annotations

from rankandfile.bulletin import notices, services
from rankandfile.bulletin.tests.helpers import an_issue, leeds_period, published
from rankandfile.testing import SmallOrg


def test_an_issue_notice_lists_its_documents_once_published(org: SmallOrg) -> None:
    period = leeds_period(org)
    assert notices.ISSUE.describe(an_issue(org, period).pk, "") is None  # not yet published
    document = published(org, period, org.alice)
    notice = notices.ISSUE.describe(document.issue_id, "")
    assert notice is not None and "issue 2 is out" in notice.title and document.title in notice.body


def test_an_answered_notice_gives_the_reply_deadline(org: SmallOrg) -> None:
    period = leeds_period(org, reply_days=7)
    first = published(org, period, org.alice)
    answer = published(org, period, org.bob, title="No", text="No.", responds_to=[first])
    notice = notices.ANSWERED.describe(answer.pk, "")
    assert notice is not None and "Bob Chair answered" in notice.title and "reply until" in notice.body


def test_a_hidden_notice_gives_the_reason_and_none_once_shown_again(org: SmallOrg) -> None:
    document = published(org, leeds_period(org), org.alice)
    assert notices.HIDDEN.describe(document.pk, "") is None
    services.document_hide(actor=org.dave, document=document, reason="Rule 3: a home address.")
    notice = notices.HIDDEN.describe(document.pk, "")
    assert notice is not None and "Rule 3: a home address." in notice.body
    assert notices.HIDDEN.describe(987654, "") is None
