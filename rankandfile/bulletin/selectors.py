"""Reads of the bulletin that cross relations or apply the rules of who sees what (search is in search.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from rankandfile.bulletin.domain import rules
from rankandfile.bulletin.models import (
    Appeal,
    Caucus,
    CaucusMembership,
    CoSignature,
    Document,
    Issue,
    Period,
    Revision,
    Subscription,
)
from rankandfile.org.models import Member, Unit
from rankandfile.proposals import selectors as proposal_selectors

VISIBLE = (Document.Status.SUBMITTED, Document.Status.PUBLISHED)


def period_by_id(period_id: int) -> Period | None:
    return Period.objects.select_related("unit").filter(pk=period_id).first()


def issue_by_id(issue_id: int) -> Issue | None:
    return Issue.objects.select_related("period__unit").filter(pk=issue_id).first()


def document_by_id(document_id: int) -> Document | None:
    return (
        Document.objects.select_related("period__unit", "author", "caucus", "issue", "hidden_by", "proposal")
        .filter(pk=document_id)
        .first()
    )


def appeal_by_id(appeal_id: int) -> Appeal | None:
    return Appeal.objects.select_related("document__period__unit", "document__hidden_by").filter(pk=appeal_id).first()


def caucus_by_id(caucus_id: int) -> Caucus | None:
    return Caucus.objects.select_related("unit").filter(pk=caucus_id).first()


# --- periods and issues ------------------------------------------------------------------------------------
def periods_of_unit(unit: Unit) -> QuerySet[Period]:
    return Period.objects.filter(unit=unit).annotate(
        n_published=Count("documents", filter=Q(documents__status=Document.Status.PUBLISHED))
    )


def issues_of(period: Period) -> QuerySet[Issue]:
    return Issue.objects.filter(period=period).annotate(n_documents=Count("documents")).order_by("number")


def next_issue_number(period: Period) -> int:
    last = Issue.objects.filter(period=period).order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def issues_due(now: dt.datetime) -> QuerySet[Issue]:
    return Issue.objects.filter(published_at__isnull=True, publish_at__lte=now).order_by("publish_at", "id")


def unpublished_issues(period: Period) -> QuerySet[Issue]:
    return Issue.objects.filter(period=period, published_at__isnull=True).order_by("number")


def _listed(queryset: QuerySet[Document]) -> QuerySet[Document]:
    """What a list of documents shows: author, caucus, who hid it, co-signers, what each responds to.

    The co-signers are counted in a subquery, not by a join and GROUP BY: grouping made the database carry every
    selected column, the texts included, through the grouping (SQLite groups by all of them)."""
    cosigners = CoSignature.objects.filter(document=OuterRef("pk")).order_by().values("document").annotate(n=Count("*"))
    return (
        queryset.select_related("author", "caucus", "hidden_by")
        .annotate(n_cosigners=Coalesce(Subquery(cosigners.values("n")), 0))
        .prefetch_related(Prefetch("responds_to", queryset=Document.objects.only("id", "title", "author_id")))
    )


def documents_of_issue(issue: Issue) -> QuerySet[Document]:
    """In full (the HTML, not the Markdown source): an issue page shows every document."""
    return _listed(Document.objects.filter(issue=issue)).defer("text").order_by("submitted_at", "id")


def documents_awaiting_issue(period: Period) -> QuerySet[Document]:
    """Submitted documents not yet in an issue: members read and co-sign them; editors place them."""
    return _listed(Document.objects.filter(period=period, status=Document.Status.SUBMITTED)).order_by(
        "submitted_at", "id"
    )


def published_documents(period: Period, limit: int | None = None) -> QuerySet[Document]:
    queryset = _listed(Document.objects.filter(period=period, status=Document.Status.PUBLISHED)).order_by(
        "-published_at", "-id"
    )
    return queryset[:limit] if limit else queryset


def replies_outside_issues(period: Period) -> QuerySet[Document]:
    return published_documents(period).filter(issue__isnull=True)


def own_drafts(period: Period, member: Member) -> QuerySet[Document]:
    return Document.objects.filter(period=period, author=member, status=Document.Status.DRAFT).order_by("-id")


def is_subscribed(period: Period, member: Member) -> bool:
    return Subscription.objects.filter(period=period, member=member).exists()


def subscriber_ids(period: Period) -> list[int]:
    return list(Subscription.objects.filter(period=period).values_list("member_id", flat=True))


# --- one document ------------------------------------------------------------------------------------------
def cosigners(document: Document) -> QuerySet[CoSignature]:
    return CoSignature.objects.filter(document=document).select_related("member")


def cosigner_count(document: Document) -> int:
    return CoSignature.objects.filter(document=document).count()


def has_signed(document: Document, member: Member) -> bool:
    return CoSignature.objects.filter(document=document, member=member).exists()


def revisions(document: Document) -> QuerySet[Revision]:
    return Revision.objects.filter(document=document).order_by("number")


def revision(document: Document, number: int) -> Revision | None:
    return Revision.objects.filter(document=document, number=number).first()


def responds_to(document: Document) -> QuerySet[Document]:
    return document.responds_to.select_related("author").order_by("id")


def appeals(document: Document) -> QuerySet[Appeal]:
    return Appeal.objects.filter(document=document).select_related("decided_by")


def pending_appeals(period: Period) -> QuerySet[Appeal]:
    return Appeal.objects.filter(document__period=period, status=Appeal.Status.PENDING).select_related(
        "document__author", "document__hidden_by"
    )


@dataclass
class ThreadNode:
    document: Document
    children: list[ThreadNode] = field(default_factory=list)


def thread(document: Document, *, depth: int = 4) -> list[ThreadNode]:
    """The published responses to `document`, and theirs, `depth` levels deep (two queries per level). A document
    answering several in the thread shows under the first."""
    through = Document.responds_to.through
    roots: list[ThreadNode] = []
    children_of: dict[int, list[ThreadNode]] = {document.pk: roots}
    parents = [document.pk]
    for _level in range(depth):
        if not parents:
            break
        pairs = list(
            through.objects.filter(
                to_document_id__in=parents, from_document__status=Document.Status.PUBLISHED
            ).values_list("from_document_id", "to_document_id")
        )
        new = {pk for pk, _parent in pairs if pk not in children_of}
        documents = {
            d.pk: d for d in Document.objects.filter(pk__in=new).select_related("author", "hidden_by", "caucus")
        }
        parents = []
        for pk, parent in sorted(pairs, key=lambda pair: pair[0]):
            if pk not in documents or pk in children_of:
                continue
            node = ThreadNode(documents[pk])
            children_of[parent].append(node)
            children_of[pk] = node.children
            parents.append(pk)
    return roots


def reply_answer(member: Member, answer: Document) -> rules.Answer | None:
    """The right of reply that `answer` gives `member`: None unless it is published and answers one of their own
    published documents."""
    if answer.status != Document.Status.PUBLISHED or answer.published_at is None or answer.author_id == member.pk:
        return None
    answers_theirs = answer.responds_to.filter(author=member, status=Document.Status.PUBLISHED).exists()
    if not answers_theirs:
        return None
    replied = Document.objects.filter(author=member, is_reply=True, responds_to=answer, status__in=VISIBLE).exists()
    return rules.Answer(published_at=answer.published_at, already_replied=replied)


def documents_behind(proposal_ids: list[int]) -> QuerySet[Document]:
    """Published documents that became or back these proposals (the proposal's and its ballot's pages)."""
    return (
        Document.objects.filter(proposal_id__in=proposal_ids, status=Document.Status.PUBLISHED)
        .select_related("author", "period")
        .order_by("published_at", "id")
    )


def linkable_proposals(document: Document, member: Member) -> list[tuple[int, str]]:
    """Proposals of the period's unit the document may be linked to (the member's own drafts included)."""
    rows = proposal_selectors.proposals_of_unit(document.period.unit, member)
    return [(p.pk, p.title) for p in rows[:50]]


# --- caucuses ----------------------------------------------------------------------------------------------
def caucuses_of_unit(unit: Unit) -> QuerySet[Caucus]:
    return Caucus.objects.filter(unit=unit).annotate(
        n_members=Count("memberships", filter=Q(memberships__left_at__isnull=True))
    )


def caucus_members(caucus: Caucus) -> QuerySet[CaucusMembership]:
    return CaucusMembership.objects.filter(caucus=caucus, left_at__isnull=True).select_related("member")


def caucus_documents(caucus: Caucus) -> QuerySet[Document]:
    return _listed(Document.objects.filter(caucus=caucus, status=Document.Status.PUBLISHED)).order_by("-published_at")


def is_caucus_member(caucus: Caucus, member: Member) -> bool:
    return CaucusMembership.objects.filter(caucus=caucus, member=member, left_at__isnull=True).exists()


def caucuses_of_member(member: Member, unit: Unit) -> QuerySet[Caucus]:
    return Caucus.objects.filter(
        memberships__member=member, memberships__left_at__isnull=True, unit__path__in=unit.ancestor_paths()
    )


def caucus_counts(caucus: Caucus, now: dt.datetime | None = None) -> list[tuple[dt.datetime, int]]:
    """Members at the start of each month since the caucus began, and now."""
    now = now or timezone.now()
    stretches = list(CaucusMembership.objects.filter(caucus=caucus).values_list("joined_at", "left_at"))
    return rules.members_over_time(stretches, rules.month_starts(caucus.created_at, now))
