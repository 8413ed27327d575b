"""Planning the demo in memory (no database): members, memberships and three years of role history.

Every term is checked against the seat and term-limit rules of `org.domain.roles` as it is planned; an appointment
is made only by someone who held `manage_roles` over the unit on that day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from rankandfile.demo.shape import (
    ACCLAIMED,
    ACTIVE,
    APPOINTED,
    BRANCH_ROLES,
    DEMO_DOMAIN,
    DISTRICT_ROLES,
    DISTRICTS,
    ELECTED,
    GENERATED_MEMBERS,
    LAPSED,
    LEFT,
    NATIONAL_ROLES,
    ORGANIZATION_NAME,
    PERSONA_TERMS,
    PERSONAS,
    ROOT_SLUG,
    SEED,
    RoleSpec,
)
from rankandfile.demo.texts import (
    CASUAL_VACANCY_REASONS,
    DEPARTURE_REASONS,
    EXIT_REASONS,
    NAMES,
    NATIONAL_VACANCY_REASONS,
    NO_NOMINATION_REASONS,
    SHORT_VACANCY_REASONS,
    STEP_DOWN_REASONS,
    TREASURER_REASONS,
    ascii_name,
    split_names,
)
from rankandfile.org.domain import roles as role_rules
from rankandfile.org.domain.capabilities import MANAGE_ROLES


@dataclass
class PlannedPerson:
    index: int
    full_name: str
    email: str
    phone: str
    pronouns: str
    activity: float  # how likely to stand for roles; a few members stand for a great deal
    persona: str = ""


@dataclass
class PlannedMembership:
    person: int
    unit: str  # unit path
    joined_on: dt.date
    status: str = ACTIVE
    changed_on: dt.date | None = None
    exit_reason: str = ""


@dataclass
class PlannedUnit:
    name: str
    slug: str
    kind: str
    path: str
    parent: str | None


@dataclass
class PlannedRole:
    unit: str  # unit path
    spec: RoleSpec
    terms: list[PlannedTerm] = field(default_factory=list)

    def spans(self) -> list[role_rules.TermSpan]:
        return [role_rules.TermSpan(t.holder, t.starts_on, t.end) for t in self.terms]


@dataclass
class PlannedTerm:
    role: PlannedRole
    holder: int
    starts_on: dt.date
    ends_on: dt.date
    how: str
    appointer: int | None = None
    reason: str = ""
    ended_on: dt.date | None = None
    ended_reason: str = ""
    ended_by: int | None = None

    @property
    def end(self) -> dt.date:
        return self.ended_on or self.ends_on

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day < self.end


@dataclass
class DemoPlan:
    today: dt.date
    founded_on: dt.date
    units: list[PlannedUnit]
    people: list[PlannedPerson]
    memberships: list[PlannedMembership]
    roles: list[PlannedRole]

    def terms(self) -> list[PlannedTerm]:
        return [t for role in self.roles for t in role.terms]


class _Planner:
    def __init__(self, today: dt.date) -> None:
        # Two streams: who the members are does not depend on the date; their history is laid out from it.
        self.names_rng = random.Random(SEED)
        self.rng = random.Random(f"{SEED}:history")
        self.today = today
        month_start = today.replace(day=1)
        self.founded_on = role_rules.add_months(month_start, -36)
        self.units: list[PlannedUnit] = []
        self.people: list[PlannedPerson] = []
        self.memberships: list[PlannedMembership] = []
        self.roles: list[PlannedRole] = []
        self.by_name: dict[str, PlannedUnit] = {}
        self.emails: set[str] = set()
        self.names: set[str] = set()
        self.person_terms: dict[int, list[PlannedTerm]] = {}
        self.memberships_of: dict[int, list[PlannedMembership]] = {}
        self.acts: dict[int, list[dt.date]] = {}  # days on which a member appointed someone or ended a term
        self.phones = self.names_rng.sample(range(1000), 1000)

    # units, people and memberships ------------------------------------------------------------------------
    def plan_units(self) -> None:
        root = PlannedUnit(ORGANIZATION_NAME, ROOT_SLUG, "national", ROOT_SLUG, None)
        self.units.append(root)
        self.by_name[""] = root
        for name, slug, branches in DISTRICTS:
            district = PlannedUnit(name, slug, "district", f"{ROOT_SLUG}/{slug}", root.path)
            self.units.append(district)
            self.by_name[name] = district
            for branch_name, _size in branches:
                branch_slug = ascii_name(branch_name.replace(" ", "-"))
                branch = PlannedUnit(
                    branch_name, branch_slug, "branch", f"{district.path}/{branch_slug}", district.path
                )
                self.units.append(branch)
                self.by_name[branch_name] = branch

    def _email(self, first: str, last: str) -> str:
        first_a, last_a = ascii_name(first), ascii_name(last.replace(" ", "").replace("'", ""))
        style = self.names_rng.choices(["dot", "joined", "initial", "underscore", "digits"], [40, 20, 15, 15, 10])[0]
        local = {
            "dot": f"{first_a}.{last_a}",
            "joined": f"{first_a}{last_a}",
            "initial": f"{first_a[0]}.{last_a}",
            "underscore": f"{first_a}_{last_a}",
            "digits": f"{first_a}.{last_a}{self.names_rng.randint(10, 99)}",
        }[style]
        domain = self.names_rng.choice(["example.org", "example.net", "example.com", "mail.example", "post.example"])
        email, n = f"{local}@{domain}", 2
        while email in self.emails:
            email, n = f"{local}{n}@{domain}", n + 1
        self.emails.add(email)
        return email

    def _phone(self, index: int) -> str:
        # The UK range 07700 900000–900999 is reserved for drama: these numbers reach nobody.
        return f"+44 7700 900{self.phones[index]:03d}"

    def _name(self) -> tuple[str, str, str]:
        cultures = list(NAMES)
        weights = [NAMES[c][0] for c in cultures]
        while True:
            culture = self.names_rng.choices(cultures, weights)[0]
            _w, feminine, masculine, surnames = NAMES[culture]
            gender = self.names_rng.choice("fm")
            first = self.names_rng.choice(split_names(feminine if gender == "f" else masculine))
            if self.names_rng.random() < 0.1:  # mixed families: a surname from another tradition
                surnames = NAMES[self.names_rng.choices(cultures, weights)[0]][3]
            last = self.names_rng.choice(split_names(surnames))
            if "/" in last:
                masc, fem = last.split("/")
                last = fem if gender == "f" else masc
            if self.names_rng.random() < 0.03:
                other = self.names_rng.choice(split_names(NAMES[self.names_rng.choices(cultures, weights)[0]][3]))
                forms = other.split("/")
                last = f"{last}-{forms[-1] if gender == 'f' else forms[0]}"
            full = f"{first} {last}"
            if full not in self.names:
                self.names.add(full)
                return first, last, gender

    def _pronouns(self, gender: str) -> str:
        roll = self.names_rng.random()
        if roll < 0.03:
            return "they/them"
        if roll > 0.35:
            return ""
        if gender == "f":
            return "she/her" if self.names_rng.random() < 0.9 else "she/they"
        return "he/him" if self.names_rng.random() < 0.9 else "he/they"

    def _join_date(self, founding: bool) -> dt.date:
        if founding:
            return self.founded_on
        span = (self.today - self.founded_on).days - 14
        return self.founded_on + dt.timedelta(days=self.rng.randint(1, span))

    def plan_people(self) -> None:
        for persona in PERSONAS:
            self.names.add(persona.full_name)
        for index, persona in enumerate(PERSONAS):
            email = f"{persona.key}@{DEMO_DOMAIN}"
            self.emails.add(email)
            person = PlannedPerson(
                index, persona.full_name, email, self._phone(index), persona.pronouns, 0.0, persona.key
            )
            self.people.append(person)
            joined = self.founded_on if persona.founding else self.today - dt.timedelta(days=430)
            self.memberships.append(PlannedMembership(index, self.by_name[persona.branch].path, joined))
        branches = [(name, size) for _d, _s, bs in DISTRICTS for name, size in bs]
        for offset in range(GENERATED_MEMBERS):
            index = len(PERSONAS) + offset
            first, last, gender = self._name()
            phone = self._phone(index) if self.names_rng.random() < 0.82 else ""
            activity = min(self.names_rng.paretovariate(1.6), 12.0)
            person = PlannedPerson(
                index, f"{first} {last}", self._email(first, last), phone, self._pronouns(gender), activity
            )
            self.people.append(person)
            branch = self.names_rng.choices([b for b, _ in branches], [s for _, s in branches])[0]
            founding = self.names_rng.random() < 0.42
            self.memberships.append(PlannedMembership(index, self.by_name[branch].path, self._join_date(founding)))
        self._plan_second_memberships(branches)
        self._plan_exits()

    def _plan_second_memberships(self, branches: list[tuple[str, int]]) -> None:
        """A few members also belong to a second branch, usually one in the same district (work and home)."""
        candidates = [m for m in self.memberships if not self.people[m.person].persona]
        for first in self.rng.sample(candidates, 16):
            district = first.unit.rsplit("/", 1)[0]
            same = [self.by_name[b].path for b, _ in branches if self.by_name[b].path.startswith(district + "/")]
            pool = same if self.rng.random() < 0.8 else [self.by_name[b].path for b, _ in branches]
            choices = [path for path in pool if path != first.unit]
            span = (self.today - first.joined_on).days - 30
            if span < 30:
                continue
            joined = first.joined_on + dt.timedelta(days=self.rng.randint(30, span))
            self.memberships.append(PlannedMembership(first.person, self.rng.choice(choices), joined))

    def _plan_exits(self) -> None:
        """About 8% lapsed (dues unpaid) and 5–6% left, some time after they joined."""
        lapsing, leaving = round(0.08 * len(self.people)), round(0.055 * len(self.people))
        latest_join: dict[int, dt.date] = {}
        for m in self.memberships:
            latest_join[m.person] = max(m.joined_on, latest_join.get(m.person, m.joined_on))
        eligible = [
            person
            for person, joined in sorted(latest_join.items())
            if not self.people[person].persona and (self.today - joined).days > 120
        ]
        for n, person in enumerate(self.rng.sample(eligible, lapsing + leaving)):
            start = latest_join[person] + dt.timedelta(days=90)
            day = start + dt.timedelta(days=self.rng.randint(0, (self.today - start).days - 7))
            status = LAPSED if n < lapsing else LEFT
            reason = self.rng.choice(EXIT_REASONS) if status == LEFT and self.rng.random() < 0.65 else ""
            for membership in self.memberships:
                if membership.person == person:
                    membership.status, membership.changed_on, membership.exit_reason = status, day, reason

    # role history ------------------------------------------------------------------------------------------
    def plan_roles(self) -> None:
        for membership in self.memberships:
            self.memberships_of.setdefault(membership.person, []).append(membership)
        root = self.by_name[""]
        for spec in NATIONAL_ROLES:
            self.roles.append(PlannedRole(root.path, spec))
        for name, _slug, _branches in DISTRICTS:
            for spec in DISTRICT_ROLES:
                self.roles.append(PlannedRole(self.by_name[name].path, spec))
        for _d, _s, branches in DISTRICTS:
            for branch, _size in branches:
                for spec in BRANCH_ROLES:
                    self.roles.append(PlannedRole(self.by_name[branch].path, spec))
        forced: dict[tuple[str, str, int], list[tuple[int, str]]] = {}
        persona_index = {p.key: i for i, p in enumerate(PERSONAS)}
        for key, unit_name, role_key, cycle, how in PERSONA_TERMS:
            forced.setdefault((self.by_name[unit_name].path, role_key, cycle), []).append((persona_index[key], how))
        # Higher levels first: their officers are the ones who appoint to vacancies below them.
        for role in self.roles:
            for cycle, (starts, ends) in enumerate(self._cycles(role)):
                self._election(role, cycle, starts, ends, forced.get((role.unit, role.spec.key, cycle), []))
        for (path, role_key, cycle), people in forced.items():
            role = next(r for r in self.roles if r.unit == path and r.spec.key == role_key)
            placed = {t.holder for t in role.terms}
            assert all(p in placed for p, _how in people), f"persona term not placed: {path} {role_key} {cycle}"

    def _cycles(self, role: PlannedRole) -> list[tuple[dt.date, dt.date]]:
        """Election dates of the role (the founding convention, then district conventions and branch AGMs)."""
        unit_rng = random.Random(f"{SEED}:{role.unit}")
        first = self.founded_on + dt.timedelta(days=unit_rng.randint(*self._offset(role.unit)))
        cycles = []
        k = 0
        while (starts := role_rules.add_months(first, role.spec.term_months * k)) <= self.today:
            cycles.append((starts, role_rules.add_months(first, role.spec.term_months * (k + 1))))
            k += 1
        return cycles

    def _offset(self, path: str) -> tuple[int, int]:
        depth = path.count("/")
        return [(0, 0), (21, 60), (70, 130)][depth]

    def _meeting(self, role: PlannedRole, day: dt.date) -> str:
        depth = role.unit.count("/")
        if depth == 0:
            return "founding convention" if day == self.founded_on else f"{day.year} convention"
        return f"{day.year} " + ("district convention" if depth == 1 else "annual general meeting")

    def _memberships_in(self, person: int, path: str) -> list[PlannedMembership]:
        mine = self.memberships_of[person]
        return [m for m in mine if m.unit == path or m.unit.startswith(path + "/")]

    def _active_through(self, person: int, path: str, starts: dt.date, ends: dt.date) -> bool:
        """A member of the unit (or a unit inside it) since before the term, and still one when it ends."""
        return any(
            (m.joined_on <= starts - dt.timedelta(days=14) or m.joined_on <= self.founded_on)
            and (m.changed_on is None or m.changed_on >= ends)
            for m in self._memberships_in(person, path)
        )

    def _is_free(self, person: int, role: PlannedRole, starts: dt.date, ends: dt.date) -> bool:
        """One role per unit at a time, two roles at most, and the accountability committee holds no other."""
        overlapping = [
            t for t in self.person_terms.get(person, []) if role_rules.overlaps(t.starts_on, t.end, starts, ends)
        ]
        if any(t.role.unit == role.unit for t in overlapping):
            return False
        if overlapping and (role.spec.key == "committee" or any(t.role.spec.key == "committee" for t in overlapping)):
            return False
        return len(overlapping) < 2

    def _can_hold(
        self,
        person: int,
        role: PlannedRole,
        starts: dt.date,
        ends: dt.date,
        spans: list[role_rules.TermSpan] | None = None,
    ) -> bool:
        """May `person` take a seat of `role` for [starts, ends)? The seat and term-limit rules are the domain's."""
        spans = role.spans() if spans is None else spans
        return (
            self._active_through(person, role.unit, starts, ends)
            and self._is_free(person, role, starts, ends)
            and role_rules.term_limit_refusal(spans, role.spec.term_limit, person) is None
            and role_rules.seat_refusal(spans, role.spec.seats, person, starts, ends) is None
        )

    def _pick(self, role: PlannedRole, starts: dt.date, ends: dt.date, count: int, exclude: set[int]) -> list[int]:
        spans = role.spans()
        pool = [
            p.index
            for p in self.people
            if not p.persona and p.index not in exclude and self._can_hold(p.index, role, starts, ends, spans)
        ]
        chosen: list[int] = []
        while pool and len(chosen) < count:
            person = self.rng.choices(pool, [self.people[i].activity for i in pool])[0]
            pool.remove(person)
            chosen.append(person)
        return chosen

    def _add_term(
        self, role: PlannedRole, holder: int, starts: dt.date, ends: dt.date, how: str, **extra: object
    ) -> PlannedTerm:
        spans = role.spans()
        refusal = role_rules.term_limit_refusal(spans, role.spec.term_limit, holder) or role_rules.seat_refusal(
            spans, role.spec.seats, holder, starts, ends
        )
        assert refusal is None, f"demo plan breaks a role rule ({role.unit} {role.spec.name}): {refusal}"
        term = PlannedTerm(role, holder, starts, ends, how, **extra)  # type: ignore[arg-type]
        role.terms.append(term)
        self.person_terms.setdefault(holder, []).append(term)
        return term

    def _appointer(self, path: str, day: dt.date, exclude: int) -> int | None:
        """Someone holding `manage_roles` over the unit on that day, preferring the nearest unit up the tree."""
        best: list[tuple[int, int]] = []
        for role in self.roles:
            if MANAGE_ROLES not in role.spec.capabilities or not (
                path == role.unit or path.startswith(role.unit + "/")
            ):
                continue
            best.extend((role.unit.count("/"), t.holder) for t in role.terms if t.covers(day) and t.holder != exclude)
        if not best:
            return None
        deepest = max(depth for depth, _h in best)
        return self.rng.choice(sorted(h for depth, h in best if depth == deepest))

    def _election(
        self, role: PlannedRole, cycle: int, starts: dt.date, ends: dt.date, forced: list[tuple[int, str]]
    ) -> None:
        spec, rng = role.spec, self.rng
        incumbents = [t.holder for t in role.terms if t.end == starts]
        open_seats = spec.seats - len(forced)
        standing = [
            p
            for p in incumbents
            if not self.people[p].persona and self._can_hold(p, role, starts, ends) and rng.random() < 0.6
        ][:open_seats]
        if spec.seats == 1:
            nobody = 0.45 if standing else spec.no_nominations
            new = rng.choices([0, 1, 2, 3], [nobody, 0.5, 0.3, 0.08])[0]
        else:
            new = max(0, open_seats - len(standing) + rng.choice([-1, 0, 0, 1, 1, 2, 3]))
            if rng.random() < spec.no_nominations:
                new = max(0, open_seats - len(standing) - 1)
        challengers = self._pick(role, starts, ends, new, set(standing))
        candidates = standing + challengers
        contested = forced[0][1] == ELECTED if forced else len(candidates) > open_seats
        if forced and not contested:
            candidates = candidates[:open_seats]  # the others withdrew: the persona's election was uncontested
        if len(candidates) > open_seats:
            weights = [2.0 if p in standing else 1.0 for p in candidates]
            winners: list[int] = []
            while len(winners) < open_seats:
                pick = rng.choices(candidates, weights)[0]
                weights[candidates.index(pick)] = 0.0
                winners.append(pick)
        else:
            winners = candidates
        how = ELECTED if contested else ACCLAIMED
        for persona, persona_how in forced:
            self._add_term(role, persona, starts, ends, persona_how)
        seated = [self._add_term(role, person, starts, ends, how) for person in winners]
        for _vacant in range(open_seats - len(winners)):
            self._fill_vacancy(role, starts, ends, previous=None, meeting=self._meeting(role, starts))
        for term in seated:
            if rng.random() < 0.06:
                self._end_early(term)

    def _fill_vacancy(
        self, role: PlannedRole, after: dt.date, ends: dt.date, *, previous: PlannedTerm | None, meeting: str = ""
    ) -> None:
        """A seat left empty at an election or by a resignation: appointed, by-election, or left vacant."""
        rng = self.rng
        roll = rng.random()
        starts = after + dt.timedelta(days=rng.randint(14, 75))
        if starts > self.today or (ends - starts).days < 45 or roll < 0.2:
            return  # stays vacant until the next election
        # The accountability committee answers to the members, not the officers: no appointments to it.
        if (roll < 0.45 and previous is not None) or role.spec.key == "committee":
            holders = self._pick(role, starts, ends, 1, set())
            if holders:
                self._add_term(role, holders[0], starts, ends, ELECTED)  # a by-election
            return
        holders = self._pick(role, starts, ends, 1, set())
        if not holders:
            return
        appointer = self._appointer(role.unit, starts, exclude=holders[0])
        if appointer is None:
            self._add_term(role, holders[0], starts, ends, ELECTED)
            return
        first = self.people[holders[0]].full_name.split(" ")[0]
        body = ["national executive", "district's branch chairs", "branch steering committee"][role.unit.count("/")]
        name = role.spec.name.lower()
        post = f"the post of {name}" if role.spec.seats == 1 else f"their seat on the {name}"
        values = {"first": first, "role": name, "post": post, "meeting": meeting, "body": body}
        if previous is not None:
            values["previous"] = self.people[previous.holder].full_name
            pool = NATIONAL_VACANCY_REASONS if role.unit == ROOT_SLUG else CASUAL_VACANCY_REASONS
            if role.unit != ROOT_SLUG and (ends - starts).days <= 150:
                pool = SHORT_VACANCY_REASONS
        elif role.spec.key == "treasurer":
            pool = TREASURER_REASONS + NO_NOMINATION_REASONS
        else:
            pool = NO_NOMINATION_REASONS
        reason = rng.choice(pool).format(**values)
        self.acts.setdefault(appointer, []).append(starts)
        self._add_term(role, holders[0], starts, ends, APPOINTED, appointer=appointer, reason=reason)

    def _end_early(self, term: PlannedTerm) -> None:
        rng = self.rng
        length = (term.ends_on - term.starts_on).days
        day = term.starts_on + dt.timedelta(days=rng.randint(60, length - 45))
        if day > self.today - dt.timedelta(days=7):
            return
        # Whoever appointed someone or ended a term on or after that day must still have held their role then.
        if any(acted >= day for acted in self.acts.get(term.holder, [])):
            return
        if rng.random() < 0.4 and self._can_depart(term, day):
            reason = rng.choice(DEPARTURE_REASONS)
            status = LAPSED if "lapsed" in reason else LEFT
            exit_reason = "" if status == LAPSED else rng.choice(EXIT_REASONS[:6])
            for membership in self.memberships:
                if membership.person == term.holder and (membership.changed_on is None or membership.changed_on > day):
                    membership.status, membership.changed_on, membership.exit_reason = status, day, exit_reason
        else:
            reason = rng.choice(STEP_DOWN_REASONS)
        term.ended_on, term.ended_reason = day, reason
        term.ended_by = self._appointer(term.role.unit, day, exclude=term.holder)
        if term.ended_by is not None:
            self.acts.setdefault(term.ended_by, []).append(day)
        self._fill_vacancy(term.role, day, term.ends_on, previous=term)

    def _can_depart(self, term: PlannedTerm, day: dt.date) -> bool:
        """Leaving is possible only if nothing already planned has the member serving after that day."""
        if any(t.end > day for t in self.person_terms[term.holder] if t is not term):
            return False
        return all(m.joined_on < day for m in self.memberships if m.person == term.holder)

    def plan(self) -> DemoPlan:
        self.plan_units()
        self.plan_people()
        self.plan_roles()
        return DemoPlan(self.today, self.founded_on, self.units, self.people, self.memberships, self.roles)


def plan_demo(today: dt.date | None = None) -> DemoPlan:
    """The whole demo organization as plain data. The same `today` always gives the same plan."""
    return _Planner(today or timezone.localdate()).plan()
