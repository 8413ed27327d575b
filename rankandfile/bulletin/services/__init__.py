"""Every write to the bulletin, one transaction each (docs/bulletin.md). Split by concern:

- `periods`: periods, the schedule of issues, placing documents in issues, publishing, subscriptions;
- `documents`: writing, revising, submitting, responding, the right of reply, co-signing, links to proposals;
- `caucuses`: caucuses and platforms, joining and leaving;
- `moderation`: hiding under the code of conduct, appeals and their decisions (all in the audit chain).
"""

from rankandfile.bulletin.services.caucuses import caucus_create, caucus_join, caucus_leave
from rankandfile.bulletin.services.documents import (
    document_create,
    document_edit,
    document_link_proposal,
    document_propose,
    document_sign,
    document_submit,
    document_unsign,
    document_withdraw,
)
from rankandfile.bulletin.services.moderation import appeal_decide, appeal_file, document_hide
from rankandfile.bulletin.services.periods import (
    document_place,
    issue_publish,
    issue_schedule,
    issues_publish_due,
    period_create,
    period_update,
    subscription_set,
)

__all__ = [
    "appeal_decide",
    "appeal_file",
    "caucus_create",
    "caucus_join",
    "caucus_leave",
    "document_create",
    "document_edit",
    "document_hide",
    "document_link_proposal",
    "document_place",
    "document_propose",
    "document_sign",
    "document_submit",
    "document_unsign",
    "document_withdraw",
    "issue_publish",
    "issue_schedule",
    "issues_publish_due",
    "period_create",
    "period_update",
    "subscription_set",
]
