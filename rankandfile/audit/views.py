from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rankandfile.audit import selectors
from rankandfile.org.access import require_member

PAGE = 200


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Rule: members in good standing. Entries show what was done and by whom; payloads only as digests.

    Newest first, PAGE entries a page; `?before=N` shows the entries numbered below N (the link to older ones)."""
    require_member(request.user)
    before_text = request.GET.get("before", "")
    before = int(before_text) if before_text.isdigit() else None
    entries = selectors.recent_entries(PAGE, before=before)
    older = entries[-1].seq if len(entries) == PAGE and entries[-1].seq > 1 else None
    context = {"entries": entries, "head": selectors.chain_head(), "older": older, "paged": before is not None}
    return render(request, "audit/log.html", context)
