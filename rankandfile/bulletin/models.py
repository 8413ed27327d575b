"""The discussion bulletin (DESIGN §6, docs/bulletin.md): periods, numbered issues, documents with revisions and
co-signers, responses as threads, caucuses with public membership, moderation with appeals, subscriptions.

Full-text search needs a column and an index that Django's model does not describe (migration 0002): on PostgreSQL
a generated `tsvector` column `search` with a GIN index, on SQLite an FTS5 table `bulletin_document_fts` kept in
step by triggers. Only `selectors.documents_search` reads them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Period(models.Model):
    """A discussion period of a unit ("2027 convention discussion"), with its deadlines and rules."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="bulletin_periods")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it is for"), blank=True)
    code_of_conduct = models.TextField(
        _("code of conduct"),
        help_text=_("Published with the period; moderators may hide a document only under it, citing it."),
    )
    submissions_close_at = models.DateTimeField(_("submissions close at"))
    responses_close_at = models.DateTimeField(_("responses close at"))
    word_limit = models.PositiveIntegerField(_("word limit per document"), default=3000, help_text=_("0: no limit"))
    min_cosigners = models.PositiveSmallIntegerField(_("co-signers a document needs before it is published"), default=0)
    reply_days = models.PositiveSmallIntegerField(
        _("days for a right of reply"),
        default=7,
        help_text=_("An answered author may publish one reply within this many days of the answer."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-submissions_close_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletin:period", args=[self.pk])


class Issue(models.Model):
    """A numbered issue of a period, published on its date (by the task worker) or by an editor."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField()
    publish_at = models.DateTimeField(_("publish at"))
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["period", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["period", "number"], name="bulletin_issue_unique_number"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["published_at", "publish_at"], name="issue_due")]

    def __str__(self) -> str:
        return f"{self.period} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("bulletin:issue", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Caucus(models.Model):
    """A caucus or platform of a unit: a statement, a public membership list, documents signed by it."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="caucuses")
    name = models.CharField(_("name"), max_length=120)
    statement = models.TextField(_("statement"), help_text=_("Markdown."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "id"]
        verbose_name_plural = "caucuses"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["unit", "name"], name="caucus_unique_name_in_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("bulletin:caucus", args=[self.pk])


class CaucusMembership(models.Model):
    """One stretch of membership of a caucus; leaving ends it (kept, for the counts over time)."""

    caucus = models.ForeignKey(Caucus, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caucus_memberships")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["joined_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["caucus", "member"], condition=Q(left_at__isnull=True), name="caucus_one_current_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.caucus}"


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("Markdown: *emphasis*, lists, links, headings."))
    # The sanitized HTML of `text`, rendered by the service that saves the text: an issue page shows dozens of
    # long documents and must not render Markdown on every view (benchmarks/bulletin.py).
    html = models.TextField(editable=False, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bulletin_documents")
    caucus = models.ForeignKey(
        Caucus, verbose_name=_("signed by the caucus"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents",
    )  # fmt: skip
    responds_to = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="responses", verbose_name=_("responds to")
    )
    is_reply = models.BooleanField(default=False, help_text="Published under the right of reply.")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    revision = models.PositiveIntegerField(default=1)
    word_count = models.PositiveIntegerField(default=0)
    proposal = models.ForeignKey(
        "proposals.Proposal", verbose_name=_("became or backs the proposal"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="bulletin_documents",
    )  # fmt: skip
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["period", "status"], name="document_period_status"),
            models.Index(fields=["issue", "published_at"], name="document_issue"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletin:document", args=[self.pk])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Revision(models.Model):
    """Every text a document has had, kept; the page shows the diff from the one before."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["document", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["document", "number"], name="bulletin_revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.document} r{self.number}"


class CoSignature(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="cosignatures")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["signed_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["document", "member"], name="bulletin_cosignature_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} signs {self.document}"


class Appeal(models.Model):
    """The author's appeal against the hiding of their document, decided by another moderator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        UPHELD = "upheld", _("hiding upheld")
        REVERSED = "reversed", _("hiding reversed: shown again")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="appeals")
    text = models.TextField(_("why the document should be shown"))
    # The hiding appealed against, kept here: a reversal clears it from the document, never from the record.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="pending"), name="appeal_one_pending_per_document"
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal on {self.document}"


class Subscription(models.Model):
    """A member who wants each published issue of the period by email (notifications kind bulletin.issue)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="subscriptions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["period", "member"], name="bulletin_subscription_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} reads {self.period}"
