"""The Atom feed of a period, and the personal key that lets a feed reader fetch it without a session.

The key is signed with the site's secret and names the member and the period; it grants reading that one feed,
only while the member stays in good standing. It never expires: a member who wants a new one changes nothing
here, because the feed shows only what they can read on the site anyway.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from rankandfile.bulletin import selectors
from rankandfile.bulletin.models import Period
from rankandfile.org.access import is_member_in_good_standing
from rankandfile.org.models import Member

FEED_SALT = "rankandfile.bulletin.feed"
FEED_ENTRIES = 50


def feed_key(member: Member, period: Period) -> str:
    return signing.dumps({"m": member.pk, "p": period.pk}, salt=FEED_SALT, compress=False)


def member_for_key(key: str, period_id: int) -> Member | None:
    """The member a feed key names, if it is genuine, for this period, and the member is in good standing."""
    try:
        data = signing.loads(key, salt=FEED_SALT)
        member_id, key_period = int(data["m"]), int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if key_period != period_id:
        return None
    member = Member.objects.filter(pk=member_id).first()
    return member if member is not None and is_member_in_good_standing(member) else None


def period_atom(request: HttpRequest, period: Period) -> str:
    feed = Atom1Feed(
        title=period.title,
        link=request.build_absolute_uri(period.get_absolute_url()),
        description=period.description or period.title,
        language="en",
        feed_guid=f"bulletin-period:{period.pk}",
    )
    for document in selectors.published_documents(period, FEED_ENTRIES):
        hidden = _("Hidden by a moderator: %s") % document.hidden_reason
        content = hidden if document.is_hidden else document.html
        feed.add_item(
            title=document.title,
            link=request.build_absolute_uri(document.get_absolute_url()),
            description=content,
            author_name=document.author.full_name,
            pubdate=document.published_at,
            updateddate=document.hidden_at or document.published_at,
            unique_id=f"bulletin-document:{document.pk}",
        )
    return feed.writeString("utf-8")
