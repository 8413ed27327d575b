"""Confidential cases (DESIGN §7). What is stored in clear is metadata only: the unit, the category, the state, the
dates and who holds a sealed key. Everything a complainant or the committee writes is ciphertext (docs/security.md,
"Confidential cases").

No model here has a link to the member who filed: a named complainant's name is inside the sealed complaint.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from rankandfile.cases.domain.workflow import Sanction as SanctionKind
from rankandfile.cases.domain.workflow import State
from rankandfile.org.models import Member, Unit


class Category(models.Model):
    """Kinds of complaint, configurable per organization (harassment, sexual misconduct, …)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    """One row: the organization's deadlines and retention, and the receipt hash's salt and cost (fixed once made,
    so that every receipt stays findable)."""

    acknowledge_days = models.PositiveSmallIntegerField(default=7)
    decide_days = models.PositiveSmallIntegerField(default=60)
    retention_years = models.PositiveSmallIntegerField(default=6)
    receipt_salt = models.BinaryField(max_length=16)
    receipt_opslimit = models.PositiveIntegerField()
    receipt_memlimit = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return "case policy"


class CommitteeKey(models.Model):
    """A committee member's X25519 key pair; the private key only under their case passphrase (Argon2id)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="case_key")
    public_key = models.BinaryField(max_length=32)
    sealed_private_key = models.BinaryField()
    salt = models.BinaryField(max_length=16)
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"case key of member {self.member_id}"


class Case(models.Model):
    class Channel(models.TextChoices):
        MEMBER = "member", _("a member, on the site")
        PUBLIC = "public", _("the public intake page")
        RECORDED = "recorded", _("recorded by the committee (paper, phone)")

    reference = models.CharField(max_length=12, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=16, choices=[(s.value, s.value) for s in State], default=State.RECEIVED)
    received_on = models.DateField()
    acknowledge_by = models.DateField()
    decide_by = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    delete_after = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    # The complainant's way back in: the receipt's Argon2id lookup hash, and the case key under the receipt's key.
    receipt_hash = models.CharField(max_length=64, unique=True)
    complainant_key = models.BinaryField()  # generation 1; later ones: ComplainantKey
    # The public half of the key pair derived from the receipt (later generations are sealed to it); null for a case
    # filed before key generations, until the complainant next comes back with the receipt.
    complainant_public_key = models.BinaryField(max_length=32, null=True, blank=True)
    # The case key's newest generation: a new one each time a holder leaves the committee or recuses.
    key_generation = models.PositiveSmallIntegerField(default=1)
    # {"text", "named": [member ids], "others": free text, "filed_by": member id or null} under the case key.
    sealed_complaint = models.BinaryField()
    appeal_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["received_on", "id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["unit", "received_on"], name="case_unit_received")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED


class SealedKey(models.Model):
    """One generation of the case key sealed (SealedBox) to one member's public key. Deleting the rows is how a
    member loses it; a new generation, sealed to those who remain, is how what follows stays out of their reach."""

    class Purpose(models.TextChoices):
        COMMITTEE = "committee", _("committee")
        APPEAL = "appeal", _("appeal body")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sealed_keys")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.COMMITTEE)
    generation = models.PositiveSmallIntegerField(default=1)
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["case", "member", "generation"], name="sealedkey_one_per_member_and_generation"
            ),
        ]

    def __str__(self) -> str:
        return f"key {self.generation} of {self.case} for member {self.member_id}"


class ComplainantKey(models.Model):
    """A later generation of the case key (2, 3, …) sealed to the complainant's public key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="complainant_keys")
    generation = models.PositiveSmallIntegerField()
    sealed = models.BinaryField()

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["case", "generation"], name="complainantkey_one_per_generation"),
        ]

    def __str__(self) -> str:
        return f"complainant's key {self.generation} of {self.case}"


class Recusal(models.Model):
    """A committee member who never gets this case's key: named in the complaint, or who declared a conflict."""

    class Kind(models.TextChoices):
        NAMED = "named", _("named in the complaint")
        DECLARED = "declared", _("declared a conflict")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sealed_reason = models.BinaryField(null=True, blank=True)  # under the case key
    key_generation = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["case", "member"], name="recusal_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"recusal of member {self.member_id} from {self.case}"


class Entry(models.Model):
    """One thing written on a case: a note, an interview record, a message either way, a decision."""

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        INTERVIEW = "interview", _("interview record")
        TO_COMPLAINANT = "to_complainant", _("message to the complainant")
        FROM_COMPLAINANT = "from_complainant", _("message from the complainant")
        DECISION = "decision", _("decision")
        APPEAL = "appeal", _("appeal")
        APPEAL_DECISION = "appeal_decision", _("appeal decision")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sealed_body = models.BinaryField()
    key_generation = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case}"

    @property
    def complainant_sees(self) -> bool:
        return self.kind in {self.Kind.TO_COMPLAINANT, self.Kind.FROM_COMPLAINANT}


class Attachment(models.Model):
    """A file, encrypted as it arrived (secretstream) under its own key, which is sealed with the case key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    storage_name = models.CharField(max_length=100, unique=True)  # random: says nothing of the file
    sealed_meta = models.BinaryField()  # {"name", "content_type", "file_key" (hex)} under the case key
    key_generation = models.PositiveSmallIntegerField(default=1)
    size = models.PositiveBigIntegerField()
    from_complainant = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"attachment {self.pk} of {self.case}"


class Sanction(models.Model):
    """A sanction the decision applied through the org's services (the org records the case's reference)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sanctions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=[(s.value, s.value) for s in SanctionKind])
    applied_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.kind} of member {self.member_id} ({self.case})"


class RetainedFigure(models.Model):
    """What is left of a case deleted after its retention period: only what the aggregate figures count."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    days_to_acknowledge = models.PositiveIntegerField(null=True, blank=True)
    days_to_decide = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"figure of a deleted case ({self.unit_id}, {self.received_on})"
