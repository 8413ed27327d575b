from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rankandfile.audit import selectors
from rankandfile.org.access import require_member


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Rule: members in good standing. Entries show what was done and by whom; payloads only as digests."""
    require_member(request.user)
    context = {"entries": selectors.recent_entries(200), "head": selectors.chain_head()}
    return render(request, "audit/log.html", context)
