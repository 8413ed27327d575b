"""Reads that cross relations. Each page's queries are fixed in number, whatever the organization's size."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from rankandfile.org.domain import api_tokens
from rankandfile.org.domain import roles as role_rules
from rankandfile.org.domain.capabilities import ACCOUNTABILITY_COMMITTEE
from rankandfile.org.models import ApiToken, Member, Membership, RoleTerm, RoleType, Unit, in_subtree


# --- a unit and its subtree: the one definition is `org.models.in_subtree` ---------------------------------------
def active_members(unit: Unit, *, joined_on_or_before: dt.date | None = None) -> QuerySet[Member]:
    """Members in good standing of `unit` or a unit inside it (a branch's members belong to its district too)."""
    return Member.objects.active_within(unit, joined_on_or_before=joined_on_or_before)


def is_active_member(member: Member, unit: Unit) -> bool:
    """An active membership of `unit` or a unit inside it."""
    return Membership.objects.active().within(unit).filter(member=member).exists()


def unit_by_id(unit_id: int) -> Unit | None:
    return Unit.objects.filter(pk=unit_id).first()


def names_by_id(
    *, member_ids: set[int], role_ids: set[int], unit_paths: set[str]
) -> tuple[dict[int, str], dict[int, str], dict[str, str]]:
    """Display names of members, role types and units (by path): for the audit log's sentences."""
    return (
        dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "full_name")),
        dict(RoleType.objects.filter(pk__in=role_ids).values_list("pk", "name")),
        dict(Unit.objects.filter(path__in=unit_paths).values_list("path", "name")),
    )


def unit_tree() -> list[Unit]:
    """All units in path order, with active member counts (one query)."""
    return list(
        Unit.objects.annotate(
            active_members=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
        ).order_by("path")
    )


def ancestors(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).order_by("depth"))


@dataclass
class RoleSeats:
    role_type: RoleType
    current: list[RoleTerm] = field(default_factory=list)
    spans: list[role_rules.TermSpan] = field(default_factory=list)  # the terms running today or later
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def appointment_ends_on(self) -> dt.date:
        """Where an appointment made today ends by default: the start of the next elected term."""
        return role_rules.next_term_start(self.spans, self.today, self.role_type.term_months)

    @property
    def vacancies(self) -> int:
        """Seats open from today to the next elected term: exactly what an appointment over that period may take
        (the seat check counts the terms already elected to start before it, not only today's holders)."""
        return role_rules.open_seats(self.spans, self.role_type.seats, self.today, self.role_type.term_months)


_ELECTED = (RoleTerm.Filled.ELECTED, RoleTerm.Filled.ACCLAIMED)


def _span(term: RoleTerm) -> role_rules.TermSpan:
    return role_rules.TermSpan(term.holder_id, term.starts_on, term.ends_on, term.how_filled in _ELECTED)


def roles_of_unit(unit: Unit) -> list[RoleSeats]:
    """Each role of the unit with its current holders, vacant seats and later terms (two queries)."""
    today = timezone.localdate()
    running = RoleTerm.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
    role_types = RoleType.objects.filter(unit=unit, retired_on__isnull=True).prefetch_related(
        Prefetch("terms", queryset=running.select_related("holder").order_by("starts_on"), to_attr="running_terms")
    )
    return [
        RoleSeats(
            rt,
            [t for t in rt.running_terms if t.starts_on <= today],
            [_span(t) for t in rt.running_terms],
            today,
        )
        for rt in role_types
    ]


def role_seats(role_type: RoleType, on: dt.date | None = None) -> RoleSeats:
    """One role's seats as `roles_of_unit` gives them (seen from `on`, default today): one query."""
    day = on or timezone.localdate()
    running = list(role_type.terms.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day)).order_by("starts_on"))
    return RoleSeats(role_type, [t for t in running if t.starts_on <= day], [_span(t) for t in running], day)


def vacancies(unit: Unit) -> list[RoleSeats]:
    return [seats for seats in roles_of_unit(unit) if seats.vacancies]


def role_history_of_unit(unit: Unit, limit: int = 200, *, begun_only: bool = False) -> list[RoleTerm]:
    """The unit's terms, newest first. `begun_only` leaves out terms that start in the future (an election's
    winners before their term): they are not yet a change, and the full history labels them "starts on …"."""
    terms = RoleTerm.objects.filter(role_type__unit=unit)
    if begun_only:
        terms = terms.filter(starts_on__lte=timezone.localdate())
    return list(
        terms.select_related("role_type", "holder", "appointed_by").order_by("-starts_on", "role_type__name")[:limit]
    )


def role_history_of_member(member: Member) -> list[RoleTerm]:
    return list(
        RoleTerm.objects.filter(holder=member).select_related("role_type__unit", "appointed_by").order_by("-starts_on")
    )


def directory_page(
    unit: Unit, *, page: int | str = 1, query: str = "", status: str = "active", per_page: int = 50
) -> Page:
    """One page of the unit's directory: memberships of this unit and the units inside it, by member name.

    Four queries in all (count, the page's ids, its rows, the current roles of its members) whatever the unit's
    size. At 100,000 memberships the cost is the sort (docs/performance.md), so the sort carries ids only, not
    whole rows, and pages past the middle are read from the end in reverse order: the last page costs what the
    first does. The subtree and the search are subqueries over units and members, not filters on a join.
    """
    memberships = Membership.objects.filter(unit__in=Unit.objects.subtree(unit).values("pk"))
    if status:
        memberships = memberships.filter(status=status)
    if query:
        memberships = memberships.filter(
            Q(member__in=Member.objects.filter(full_name__icontains=query).values("pk"))
            | Q(unit__in=Unit.objects.filter(name__icontains=query).values("pk"))
        )
    # (name, member, unit path) is a total order: (member, unit) is unique, so reversing it is exact.
    ids = memberships.order_by("member__full_name", "member_id", "unit__path").values_list("pk", flat=True)
    paginator = Paginator(ids, per_page)
    page_obj = paginator.get_page(page)
    start = (page_obj.number - 1) * per_page
    stop = min(start + per_page, paginator.count)
    if start > paginator.count // 2:
        from_end = paginator.count - stop
        page_ids = list(ids.reverse()[from_end : from_end + stop - start])[::-1]
    else:
        page_ids = list(ids[start:stop])
    by_id = Membership.objects.select_related("member", "unit").in_bulk(page_ids)
    rows = [by_id[pk] for pk in page_ids if pk in by_id]
    _attach_roles(rows)
    page_obj.object_list = rows  # type: ignore[assignment]  # the page of ids becomes the page of rows
    return page_obj


@dataclass
class DirectorySlice:
    """A page of the directory read by keyset: the members after (or before) a given one, or from a letter on."""

    rows: list[Membership]
    count: int  # memberships in the whole listing
    next_after: int | None  # the member to continue after, when there are more
    previous_before: int | None  # the member to go back before, when there are earlier ones
    letter: str = ""


# Up to this many memberships a listing is sorted outright; beyond it the page is read in name order from the
# members' (full_name, id) index, stopping after one page: the cost no longer depends on how deep the page is.
SORT_OUTRIGHT_UP_TO = 3000
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _listing(unit: Unit, status: str, query: str) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(unit__in=Unit.objects.subtree(unit).values("pk"))
    if status:
        memberships = memberships.filter(status=status)
    if query:
        memberships = memberships.filter(
            Q(member__in=Member.objects.filter(full_name__icontains=query).values("pk"))
            | Q(unit__in=Unit.objects.filter(name__icontains=query).values("pk"))
        )
    return memberships


Keyset = Callable[[str], Q]  # the page's condition on members, given the path to the member ("" or "member__")


def _after(name: str, pk: int, *, backwards: bool) -> Keyset:
    """Members strictly after (name, pk) in name order, or strictly before it going backwards. The redundant
    bound on the name alone lets the database seek in the (full_name, id) index."""
    more, most = ("lt", "lte") if backwards else ("gt", "gte")

    def where(to: str) -> Q:
        return Q(**{f"{to}full_name__{most}": name}) & (
            Q(**{f"{to}full_name__{more}": name}) | Q(**{f"{to}full_name": name, f"{to}id__{more}": pk})
        )

    return where


def _names(lookup: str, letter: str) -> Keyset:
    return lambda to: Q(**{f"{to}full_name__{lookup}": letter})


def _by_member(unit: Unit, status: str, query: str) -> QuerySet[Membership]:
    """The listing's memberships with its filters as joins, for looking up the memberships of given members: each
    member's are found from the (member, unit) index and their units checked by path. As a subquery on the unit
    (`_listing`), SQLite probes the (unit, status, member) index once per unit of the subtree for every member:
    1,000 probes per member of a page at the national directory (docs/performance.md)."""
    memberships = Membership.objects.filter(in_subtree(unit, via="unit__"))
    if status:
        memberships = memberships.filter(status=status)
    if query:
        memberships = memberships.filter(Q(member__full_name__icontains=query) | Q(unit__name__icontains=query))
    return memberships


def _member_keys(
    listing: QuerySet[Membership],
    by_member: QuerySet[Membership],
    count: int,
    where: Keyset,
    *,
    backwards: bool,
    limit: int,
) -> list[int]:
    """Up to `limit` member ids of the listing in name order (reversed going backwards) satisfying `where`."""
    sign = "-" if backwards else ""
    if count <= SORT_OUTRIGHT_UP_TO:
        keys = (
            listing.filter(where("member__"))
            .values_list("member__full_name", "member_id")
            .distinct()
            .order_by(f"{sign}member__full_name", f"{sign}member_id")
        )
        return [member_id for _name, member_id in keys[:limit]]
    members = Member.objects.filter(where("")).filter(Exists(by_member.filter(member=OuterRef("pk"))))
    return list(members.order_by(f"{sign}full_name", f"{sign}id").values_list("pk", flat=True)[:limit])


COUNT_SECONDS = 60


def _count(listing: QuerySet[Membership], unit: Unit, status: str, query: str) -> int:
    """The listing's size, kept a minute: counting 100,000 memberships is the one cost of a page that grows with
    the unit (about 20 ms on SQLite), and a total a minute old is as good to a reader as an exact one."""
    key = "directory-count:" + hashlib.sha256(f"{unit.pk}\0{status}\0{query}".encode()).hexdigest()
    count = cache.get(key)
    if not isinstance(count, int):
        count = listing.count()
        cache.set(key, count, COUNT_SECONDS)
    return count


def directory_slice(
    unit: Unit,
    *,
    after: int | None = None,
    before: int | None = None,
    letter: str = "",
    query: str = "",
    status: str = "active",
    per_page: int = 50,
) -> DirectorySlice:
    """One page of the unit's directory by keyset: `per_page` members (with each of their memberships in the
    unit and the units inside it) after the member `after`, before the member `before`, or from `letter` on.

    At most six queries whatever the depth: the anchor's name, the count, the page's members, their memberships,
    their current roles (and, for a letter, whether anyone comes before it). A deep page costs what the first
    does: it is read from the name index starting at the anchor, never by skipping rows (docs/performance.md).
    """
    listing, by_member = _listing(unit, status, query), _by_member(unit, status, query)
    count = _count(listing, unit, status, query)
    anchor_id = after or before
    anchor = Member.objects.filter(pk=anchor_id).values_list("full_name", "pk").first() if anchor_id else None
    letter = letter.strip()[:1].upper()
    backwards = bool(anchor and before and not after)
    if anchor:
        where = _after(anchor[0], anchor[1], backwards=backwards)
    elif letter:
        where = _names("gte", letter)
    else:
        where = lambda to: Q()  # noqa: E731
    keys = _member_keys(listing, by_member, count, where, backwards=backwards, limit=per_page + 1)
    has_more = len(keys) > per_page
    keys = keys[:per_page]
    if backwards:
        keys.reverse()
        earlier, later = has_more, True
    else:
        later = has_more
        earlier = bool(anchor) or (
            bool(letter)
            and bool(_member_keys(listing, by_member, count, _names("lt", letter), backwards=True, limit=1))
        )
    rank = {member_id: i for i, member_id in enumerate(keys)}
    # The page's memberships, found from its members (the listing's own filters, as joins: SQLite would otherwise
    # read the whole subtree's memberships to find fifty).
    mine = by_member.filter(member_id__in=keys)
    rows = sorted(mine.select_related("member", "unit"), key=lambda m: (rank[m.member_id], m.unit.path))
    _attach_roles(rows)
    return DirectorySlice(
        rows=rows,
        count=count,
        next_after=keys[-1] if keys and later else None,
        previous_before=keys[0] if keys and earlier else None,
        letter=letter if not anchor else "",
    )


def _attach_roles(rows: list[Membership]) -> None:
    roles: dict[int, list[str]] = defaultdict(list)
    current = (
        RoleTerm.objects.current()
        .filter(holder_id__in={m.member_id for m in rows})
        .values_list("holder_id", "role_type__name", "role_type__unit__name")
    )
    for holder_id, role_name, unit_name in current:
        roles[holder_id].append(f"{role_name}, {unit_name}")
    for membership in rows:
        membership.current_roles = roles.get(membership.member_id, [])  # type: ignore[attr-defined]  # for display


def memberships_of(member: Member) -> list[Membership]:
    return list(member.memberships.select_related("unit").order_by("unit__path"))


def units_of_member(member: Member) -> list[Unit]:
    """The units of the member's active memberships and every unit above them (a branch member belongs to its
    district too): where the home page looks for what needs them. One query."""
    paths = {
        path
        for unit_path in Membership.objects.filter(member=member, status=Membership.Status.ACTIVE).values_list(
            "unit__path", flat=True
        )
        for path in Unit(path=unit_path).ancestor_paths()
    }
    return list(Unit.objects.filter(path__in=paths, dissolved_on__isnull=True)) if paths else []


def candidates_for_role(role_type: RoleType) -> QuerySet[Member]:
    return active_members(role_type.unit).order_by("full_name")


def movable_parents(unit: Unit, allowed: QuerySet[Unit]) -> QuerySet[Unit]:
    return allowed.exclude(in_subtree(unit)).filter(dissolved_on__isnull=True)


def home_summary(member: Member) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "memberships": memberships_of(member),
        "current_terms": list(RoleTerm.objects.current(today).filter(holder=member).select_related("role_type__unit")),
    }


def active_api_tokens(member: Member) -> list[ApiToken]:
    """Tokens that still work: not revoked, not expired, made under the current password."""
    return list(
        member.api_tokens.filter(
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            password_stamp=api_tokens.password_stamp(member.password),
        )
    )


def accountability_committee() -> list[Member]:
    """Current holders of the root unit's accountability-committee roles (the organization-wide committee).

    Capabilities are a JSON list, filtered here rather than in SQL so the query is the same on SQLite."""
    terms = (
        RoleTerm.objects.current()
        .filter(role_type__unit__parent__isnull=True, role_type__retired_on__isnull=True, holder__is_active=True)
        .select_related("holder", "role_type")
        .order_by("holder__full_name")
    )
    holders: dict[int, Member] = {}
    for term in terms:
        if ACCOUNTABILITY_COMMITTEE in (term.role_type.capabilities or []):
            holders.setdefault(term.holder_id, term.holder)
    return list(holders.values())


def account_with_password(email: str) -> Member | None:
    """The account of this address if it has a password: an invitation link must never set that one."""
    member = Member.objects.filter(email=email.strip().lower()).first()
    return member if member is not None and member.has_usable_password() else None


def active_member(member_id: object) -> Member | None:
    """An active account by id (a login waiting for its second factor), or None."""
    if not isinstance(member_id, int):
        return None
    return Member.objects.filter(pk=member_id, is_active=True).first()
