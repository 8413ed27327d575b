from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.audit import access, selectors, services, signing
from rankandfile.audit.domain import wording
from rankandfile.audit.models import PublishedHead

PAGE = 200
HEADS_PAGE = 50


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Rule: members in good standing. Entries show what was done and by whom; payloads only as digests.

    Newest first, PAGE entries a page; `?before=N` shows the entries numbered below N (the link to older ones)."""
    access.require_log_reader(request.user)
    before_text = request.GET.get("before", "")
    before = int(before_text) if before_text.isdigit() else None
    filters = _filters(request)
    entries = selectors.recent_entries(
        PAGE, before=before, kind=filters["kind"], actor_id=filters["actor_id"], unit_path=filters["unit_path"]
    )
    older = entries[-1].seq if len(entries) == PAGE and entries[-1].seq > 1 else None
    context = {
        "lines": selectors.entries_in_words(entries),
        "head": selectors.chain_head(),
        "published": selectors.latest_published_head(),
        "older": older,
        "paged": before is not None,
        "kinds": sorted(wording.KINDS.items(), key=lambda kind: kind[1]),
        "units": access.filter_units(),
        "filters": filters,
        "query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k in ("kind", "actor", "unit") and v),
    }
    return render(request, "audit/log.html", context)


def _filters(request: HttpRequest) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    actor, unit = request.GET.get("actor", ""), request.GET.get("unit", "")
    chosen_unit = access.filter_unit(int(unit)) if unit.isdigit() else None
    return {
        "kind": kind if kind in wording.KINDS else "",
        "actor_id": int(actor) if actor.isdigit() else None,
        "unit_id": chosen_unit.pk if chosen_unit else None,
        "unit_path": chosen_unit.path if chosen_unit else "",
    }


def audit_heads(request: HttpRequest) -> HttpResponse:
    """Rule: anyone (access.py): the signed heads, newest first, with the public keys to check them."""
    context = {
        "heads": selectors.published_heads(HEADS_PAGE),
        "public_keys": signing.trusted_public_keys(),
        "can_publish": access.can_publish_head(request.user),
    }
    return render(request, "audit/heads.html", context)


@login_required
@require_POST
def audit_head_publish(request: HttpRequest) -> HttpResponse:
    """Rule: the accountability committee or a site operator. Signs and publishes the current head."""
    access.require_head_publisher(request.user)
    try:
        head, is_new = services.audit_head_publish(actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("audit:heads")
    if is_new:
        messages.success(request, _("Published head %(head)s.") % {"head": head.head_text})
    else:
        messages.info(request, _("Nothing was added since head %(seq)s.") % {"seq": head.seq})
    return redirect("audit:heads")


class HeadsFeed(Feed):
    """Rule: anyone. Each entry is one signed head; a feed reader keeps them all."""

    feed_type = Atom1Feed
    title = "Audit chain heads"
    description = subtitle = "Signed heads of the audit chain; keep them to check it later with verify-audit."

    def link(self) -> str:
        return reverse("audit:heads")

    def items(self) -> list[PublishedHead]:
        return selectors.published_heads(HEADS_PAGE)

    def item_title(self, item: PublishedHead) -> str:
        return f"Audit head {item.seq}"

    def item_description(self, item: PublishedHead) -> str:
        return (
            f"Head: {item.head_text}\nPublished at: {item.published_at_text}\n"
            f"Public key: {item.public_key}\nSignature: {item.signature}"
        )

    def item_link(self, item: PublishedHead) -> str:
        return reverse("audit:heads") + f"#head-{item.seq}"

    def item_guid(self, item: PublishedHead) -> str:
        return f"audit-head:{item.head_text}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: PublishedHead) -> object:
        return item.published_at

    def item_updateddate(self, item: PublishedHead) -> object:
        return item.published_at
