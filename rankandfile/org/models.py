"""The organization: units, members, memberships, roles and role terms (DESIGN §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rankandfile.org.domain.capabilities import CAPABILITY_CHOICES


def in_subtree(unit: Unit | str, via: str = "") -> Q:
    """The condition "`unit` or a unit inside it" (a branch's members belong to its district too), on the unit
    reached through `via`: "" for units themselves, "unit__" from a membership or a role type, "memberships__unit__"
    from a member. One indexed prefix match on the materialized path; `unit` may be given by its path."""
    path = unit if isinstance(unit, str) else unit.path
    return Q(**{f"{via}path": path}) | Q(**{f"{via}path__startswith": path + "/"})


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit | str) -> UnitQuerySet:
        """`unit` and every unit inside it."""
        return self.filter(in_subtree(unit))


class Unit(models.Model):
    """A node of the organization's tree: the national body, a district, a branch, a committee…"""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, help_text=_("Used in the unit's path, e.g. 'north'."))
    kind = models.CharField(_("kind"), max_length=40, blank=True, help_text=_("e.g. national, district, branch"))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialized path of slugs ("national/north/leeds"): subtree queries are one indexed prefix match.
    path = models.CharField(max_length=1000, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    description = models.TextField(_("description"), blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["path"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["parent", "slug"], name="unit_unique_slug_in_parent"),
            models.UniqueConstraint(fields=["slug"], condition=Q(parent__isnull=True), name="unit_unique_root_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:unit", args=[self.pk])

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    def is_within(self, unit: Unit) -> bool:
        """This unit is `unit` or a unit inside it (no query)."""
        return self.path == unit.path or self.path.startswith(unit.path + "/")

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit and every ancestor, from the root down."""
        parts = self.path.split("/")
        return ["/".join(parts[: i + 1]) for i in range(len(parts))]


class MemberManager(BaseUserManager["Member"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Member:
        if not email:
            raise ValueError("An email address is required")
        member = self.model(email=self.normalize_email(email).lower(), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> Member:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def active_within(self, unit: Unit, *, joined_on_or_before: dt.date | None = None) -> models.QuerySet[Member]:
        """Members whose account is active and who hold an active membership of `unit` or a unit inside it (joined
        on or before the given day, if one is given): one condition on one membership row each."""
        joined = {} if joined_on_or_before is None else {"memberships__joined_on__lte": joined_on_or_before}
        return self.filter(
            in_subtree(unit, "memberships__unit__"),
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
            **joined,
        ).distinct()


class Member(AbstractBaseUser, PermissionsMixin):
    """A person with a login. Membership of units is separate: one member may belong to several units."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("site operator"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering: ClassVar[list[str]] = ["full_name", "id"]
        # Lists of members sort by name; at 100,000 members the index spares the sort (docs/performance.md).
        indexes: ClassVar[list[Any]] = [models.Index(fields=["full_name", "id"], name="member_name_order")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("org:member", args=[self.pk])

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.ACTIVE)

    def within(self, unit: Unit) -> MembershipQuerySet:
        """Memberships of `unit` or of a unit inside it."""
        return self.filter(in_subtree(unit, "unit__"))


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        LAPSED = "lapsed", _("lapsed")
        LEFT = "left", _("left")
        SUSPENDED = "suspended", _("suspended")

    class EndKind(models.TextChoices):
        """How a membership ended (no expulsion without due process: org/services/members.py)."""

        LEFT_SELF = "left_self", _("left, by their own action")
        LEFT_RECORDED = "left_recorded", _("left, recorded by an officer")
        LAPSED = "lapsed", _("lapsed under the dues rule")
        SUSPENDED = "suspended", _("suspended by a case decision")
        EXPELLED = "expelled", _("expelled by a case decision")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("joined on"), default=dt.date.today)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, blank=True)
    # Empty while active; insights count exits by kind.
    end_kind = models.CharField(_("how it ended"), max_length=16, choices=EndKind.choices, blank=True)
    # A member told that an officer recorded them as having left may contest it; the contest stays on record.
    contested_at = models.DateTimeField(_("contested at"), null=True, blank=True)
    contest_text = models.TextField(_("contest"), blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["unit__path", "member__full_name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["member", "unit"], name="membership_unique_member_unit"),
        ]
        # Covers the directory's subtree filter and its join to members (docs/performance.md).
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["unit", "status", "member"], name="membership_unit_status_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.unit} ({self.status})"


class RoleType(models.Model):
    """A role of a unit (chair, organizer, treasurer, accountability committee…) and what it allows."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_types")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    term_months = models.PositiveSmallIntegerField(_("term length (months)"), default=12)
    term_limit = models.PositiveSmallIntegerField(
        _("term limit"), null=True, blank=True, help_text=_("Most terms one member may hold; empty for no limit.")
    )
    capabilities = models.JSONField(_("capabilities granted"), default=list, blank=True)
    retired_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["unit__path", "name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["unit", "name"], name="roletype_unique_name_in_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def capability_labels(self) -> list[str]:
        labels = dict(CAPABILITY_CHOICES)
        return [str(labels.get(c, c)) for c in self.capabilities]


class RoleTermQuerySet(models.QuerySet["RoleTerm"]):
    def current(self, on: dt.date | None = None) -> RoleTermQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)


class RoleTerm(models.Model):
    """One member holding one seat of a role for a term. Kept for ever: role history is public to members."""

    class Filled(models.TextChoices):
        ELECTED = "elected", _("elected")
        ACCLAIMED = "acclaimed", _("acclaimed")
        APPOINTED = "appointed", _("appointed")

    role_type = models.ForeignKey(RoleType, on_delete=models.PROTECT, related_name="terms")
    holder = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="role_terms")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    how_filled = models.CharField(_("how filled"), max_length=10, choices=Filled.choices)
    appointed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments_made"
    )
    reason = models.TextField(_("reason"), blank=True)
    # The election ballot that filled the seat; becomes a foreign key when the ballots app lands.
    ballot_ref = models.BigIntegerField(null=True, blank=True)
    ended_early_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleTermQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-starts_on", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=~Q(how_filled="appointed") | (Q(appointed_by__isnull=False) & ~Q(reason="")),
                name="roleterm_appointment_needs_appointer_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="roleterm_ends_after_start",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["holder", "starts_on"], name="roleterm_holder_start")]

    def __str__(self) -> str:
        return f"{self.holder} as {self.role_type.name}"

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on > day)


class Invitation(models.Model):
    """An emailed link that lets a person set a password and join a unit. Only the token's hash is stored."""

    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="invitations_sent")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.unit}"


class ApiToken(models.Model):
    """A member's personal API token. The secret is shown once; only its SHA-256 is stored.

    It works until it expires or is revoked, only for the routes of its scopes (org.domain.api_tokens), and only
    while the member's password is the one it was made under (`password_stamp`): a password change ends every
    token, as it ends every session.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    password_stamp = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
