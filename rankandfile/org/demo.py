"""The demo organization that `make demo` loads: fictional, seeded, the same every time it is built.

The Commonwealth Workers' Federation: a national body, three districts, eleven branches, about 600 members with
varied names, and three years of role history (elections, acclamations, appointments with written reasons, terms
ended early). Everything is planned in memory first, with the seat and term-limit rules of `org.domain.roles`
checked for every term, then written in one transaction: plain data with `bulk_create`, and every role change
appended to the audit chain in the order it happened, so that the chain reads as the organization's history.

Loading twice does nothing the second time: when the root unit exists, only the logins are returned again.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.audit.services import record
from rankandfile.org import services
from rankandfile.org.domain import roles as role_rules
from rankandfile.org.domain.capabilities import (
    ACCOUNTABILITY_COMMITTEE,
    CHAIR_MEETINGS,
    MANAGE_BALLOTS,
    MANAGE_MEMBERS,
    MANAGE_ROLES,
    MANAGE_UNITS,
)
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit

SEED = 2026
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (published on purpose: it is printed for anyone to try the demo)
DEMO_DOMAIN = "demo.rankandfile.org"
DEMO_URL = "http://127.0.0.1:8000"
ORGANIZATION_NAME = "Commonwealth Workers' Federation"
ROOT_SLUG = "cwf"
GENERATED_MEMBERS = 595  # plus the five member personas: 600 members

ELECTED, ACCLAIMED, APPOINTED = RoleTerm.Filled.ELECTED, RoleTerm.Filled.ACCLAIMED, RoleTerm.Filled.APPOINTED
ACTIVE, LAPSED, LEFT = Membership.Status.ACTIVE, Membership.Status.LAPSED, Membership.Status.LEFT


# --- the organization's shape -----------------------------------------------------------------------------
DISTRICTS: list[tuple[str, str, list[tuple[str, int]]]] = [
    # (name, slug, [(branch name, relative size)])
    (
        "Riverside District",
        "riverside",
        [("Millbrook", 9), ("Ashford Junction", 7), ("Kettle Bridge", 4), ("Stonehaven", 5)],
    ),
    ("Highlands District", "highlands", [("Pinecrest", 6), ("Granite Falls", 4), ("Larkspur", 3)]),
    ("Harbour District", "harbour", [("Saltmarsh", 5), ("Eastport", 8), ("Lighthouse Quay", 6), ("Brightwater", 4)]),
]


@dataclass(frozen=True)
class RoleSpec:
    key: str
    name: str
    seats: int
    term_months: int
    term_limit: int | None
    capabilities: tuple[str, ...]
    description: str
    no_nominations: float = 0.08  # chance that nobody stands for a seat at an election


BRANCH_ROLES = [
    RoleSpec(
        "chair",
        "Branch chair",
        1,
        12,
        3,
        (CHAIR_MEETINGS, MANAGE_MEMBERS),
        "Chairs branch meetings and speaks for the branch between them.",
        0.05,
    ),
    RoleSpec(
        "secretary",
        "Branch secretary",
        1,
        12,
        4,
        (MANAGE_MEMBERS, MANAGE_BALLOTS),
        "Keeps the membership list and the minutes, and runs branch ballots.",
        0.10,
    ),
    RoleSpec(
        "treasurer",
        "Branch treasurer",
        1,
        12,
        None,
        (MANAGE_MEMBERS,),
        "Keeps the branch accounts and the dues records.",
        0.18,
    ),
    RoleSpec(
        "steering",
        "Steering committee",
        3,
        12,
        3,
        (CHAIR_MEETINGS,),
        "Plans the branch's work between meetings; its members take turns chairing.",
        0.12,
    ),
]
DISTRICT_ROLES = [
    RoleSpec(
        "organizer",
        "District organizer",
        2,
        24,
        2,
        (MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_UNITS, CHAIR_MEETINGS, MANAGE_BALLOTS),
        "Supports the district's branches, founds new ones and fills casual vacancies between elections.",
        0.05,
    ),
]
NATIONAL_ROLES = [
    RoleSpec(
        "nat_chair",
        "National chair",
        1,
        24,
        2,
        (CHAIR_MEETINGS, MANAGE_UNITS, MANAGE_ROLES, MANAGE_BALLOTS),
        "Chairs the convention and the national executive.",
        0.0,
    ),
    RoleSpec(
        "nat_secretary",
        "National secretary",
        1,
        24,
        2,
        (MANAGE_UNITS, MANAGE_MEMBERS, MANAGE_ROLES, CHAIR_MEETINGS, MANAGE_BALLOTS),
        "Runs the national office: membership, units, elections and the convention.",
        0.0,
    ),
    RoleSpec(
        "nat_treasurer",
        "National treasurer",
        1,
        24,
        3,
        (MANAGE_MEMBERS,),
        "Keeps the national accounts and reports on dues to every convention.",
        0.0,
    ),
    RoleSpec(
        "executive",
        "National executive",
        7,
        24,
        3,
        (CHAIR_MEETINGS, MANAGE_BALLOTS),
        "Seven members elected by the convention to lead the Federation between conventions.",
        0.05,
    ),
    RoleSpec(
        "committee",
        "Accountability committee",
        5,
        24,
        2,
        (ACCOUNTABILITY_COMMITTEE,),
        "Independent of the officers: receives and investigates complaints of misconduct, in confidence.",
        0.10,
    ),
]


# --- the fixed demo logins --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    description: str


@dataclass(frozen=True)
class _Persona:
    key: str
    full_name: str
    branch: str  # branch name
    description: str
    pronouns: str
    founding: bool = True


PERSONAS = [
    _Persona("member", "Tomás Herrera", "Millbrook", "ordinary member of Millbrook, no role", "he/him", founding=False),
    _Persona("chair", "Grace Mensah", "Millbrook", "Branch chair, Millbrook", "she/her"),
    _Persona("organizer", "Daniel Kowalski", "Ashford Junction", "District organizer, Riverside District", "he/him"),
    _Persona("secretary", "Amira Haddad", "Eastport", "National secretary (a national officer)", "she/her"),
    _Persona("committee", "Siobhan O'Neill", "Pinecrest", "Accountability committee member (national)", "she/they"),
]
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
ADMIN_NAME = "Demo Site Operator"

# (persona, unit: branch/district name or "" for national, role key, cycle index, how filled)
PERSONA_TERMS: list[tuple[str, str, str, int, str]] = [
    ("chair", "Millbrook", "steering", 1, ACCLAIMED),
    ("chair", "Millbrook", "chair", 2, ELECTED),
    ("organizer", "Ashford Junction", "chair", 0, ELECTED),
    ("organizer", "Riverside District", "organizer", 1, ELECTED),
    ("secretary", "Eastport", "secretary", 0, ACCLAIMED),
    ("secretary", "", "nat_secretary", 1, ELECTED),
    ("committee", "", "committee", 0, ELECTED),
    ("committee", "", "committee", 1, ELECTED),
]


def demo_logins() -> list[DemoLogin]:
    logins = [DemoLogin(f"{p.key}@{DEMO_DOMAIN}", p.full_name, p.description) for p in PERSONAS]
    logins.append(DemoLogin(ADMIN_EMAIL, ADMIN_NAME, "site operator: the Django admin at /admin/ only, not a member"))
    return logins


# --- names (written for this demo; combined at random, so any likeness to a real person is chance) ---------
# culture: (weight, feminine first names, masculine first names, surnames; "Masculine/Feminine" for gendered ones)
NAMES: dict[str, tuple[int, str, str, str]] = {
    "english": (
        20,
        "Emma Olivia Charlotte Sophie Hannah Lucy Rebecca Joanne Claire Helen Sarah Rachel Katie Megan Abigail "
        "Harriet Beth Jessica Gemma Lauren Alison Nicola",
        "James Thomas William Daniel Matthew Oliver George Harry Samuel Benjamin Christopher Andrew Richard Mark "
        "Peter Jack Luke Adam Gareth Rhys Owen Craig",
        "Smith Taylor Brown Wilson Thompson Walker Wright Robinson Wood Hughes Green Hall Clarke Jackson Turner Hill "
        "Cooper Ward Harris Baker Fletcher Marsh Barker Holt Evans Davies Jenkins Pritchard Lloyd Ashworth",
    ),
    "irish_scottish": (
        8,
        "Aoife Siobhan Niamh Ciara Orla Róisín Mairéad Fiona Eilidh Catriona Sinéad Gráinne",
        "Cian Ronan Eoin Pádraig Declan Fergus Callum Angus Séamus Niall Ruairí Darragh",
        "Murphy Kelly O'Brien Byrne Walsh McCarthy Doyle Gallagher Quinn MacDonald Campbell Fraser Stewart MacLeod "
        "Sweeney Boyle O'Sullivan Reilly",
    ),
    "caribbean": (
        6,
        "Shanice Kerry-Ann Tanisha Marcia Janelle Simone Keisha Natalie Andrea Sharon",
        "Marlon Delroy Andre Courtney Dwayne Leroy Winston Desmond Kareem Jermaine",
        "Campbell Williams Francis Gordon Henry Lewis Grant Barrett Thomas Bailey Reid Forbes McKenzie Ramsay",
    ),
    "south_asian": (
        12,
        "Priya Anjali Deepa Kavya Meera Sunita Ayesha Farah Nusrat Sana Lakshmi Shreya Harpreet Rukhsana Tahmina",
        "Arjun Rahul Vikram Sanjay Imran Asif Rohan Karthik Faisal Tariq Anil Gurpreet Sandeep Rizwan Shahid",
        "Patel Sharma Singh Khan Gupta Iyer Reddy Chowdhury Rahman Hussain Malik Nair Desai Menon Ahmed Qureshi "
        "Bose Das Perera Fernando Begum Mistry",
    ),
    "hispanic": (
        9,
        "María Lucía Camila Valentina Isabel Carmen Ana Daniela Gabriela Sofía Paola Rocío Ximena Lorena",
        "José Carlos Javier Miguel Alejandro Diego Luis Andrés Mateo Santiago Rafael Esteban Joaquín Ernesto",
        "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz "
        "Morales Vargas Castillo Ortega Herrera Mendoza Navarro",
    ),
    "polish": (
        6,
        "Agnieszka Katarzyna Magdalena Zofia Joanna Ewa Małgorzata Aleksandra Natalia Dorota",
        "Piotr Krzysztof Tomasz Paweł Marek Jakub Łukasz Michał Wojciech Grzegorz",
        "Nowak Kowalski/Kowalska Wiśniewski/Wiśniewska Zieliński/Zielińska Lewandowski/Lewandowska Wójcik "
        "Kamiński/Kamińska Dąbrowski/Dąbrowska Mazur Krawczyk Piotrowski/Piotrowska Grabowski/Grabowska",
    ),
    "italian": (
        4,
        "Giulia Francesca Chiara Alessandra Federica Valentina Elena Silvia",
        "Marco Luca Giuseppe Alessandro Matteo Davide Stefano Paolo",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca Fontana",
    ),
    "lusophone": (
        4,
        "Beatriz Inês Mariana Joana Larissa Fernanda Luíza Thaís",
        "João Pedro Tiago Rui Gonçalo Felipe Rodrigo Vinícius",
        "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Almeida Carvalho Sousa Ribeiro Lima",
    ),
    "nigerian": (
        5,
        "Adaeze Chiamaka Ngozi Folake Funmilayo Yetunde Amaka Ifeoma Temitope Bisola",
        "Chinedu Emeka Oluwaseun Tunde Babatunde Ikenna Chukwuemeka Adebayo Obinna Kayode",
        "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Ogunleye Chukwu Okeke Afolabi Nwachukwu Oyelaran",
    ),
    "ghanaian": (
        3,
        "Ama Akosua Abena Efua Adwoa Esi Yaa",
        "Kwame Kofi Kwabena Yaw Kojo Kwesi Fiifi",
        "Mensah Owusu Asante Boateng Appiah Osei Agyeman Darko Acheampong Ofori",
    ),
    "arabic": (
        5,
        "Layla Yasmin Nour Rania Fatima Huda Salma Mariam Dalia Hiba",
        "Omar Karim Youssef Khalid Tarek Samir Hassan Bilal Ahmed Mahmoud Rami",
        "Khoury Mansour Saleh Nasser Aziz Hamdan Benali El-Amin Darwish Farouk Bakri Sabbagh Haddad",
    ),
    "horn_of_africa": (
        3,
        "Hodan Amina Fadumo Sagal Ifrah Hiwot Selam Meron",
        "Abdi Mohamed Abdirahman Yusuf Dawit Tesfaye Bereket Hamza",
        "Warsame Abdullahi Farah Jama Ali Bekele Haile Girma Osman Mohamud",
    ),
    "chinese": (
        4,
        "Mei Xiaoling Jing Yan Hui Ling Xinyi Qian",
        "Wei Jun Hao Ming Jian Lei Zhiwei Bo",
        "Chen Wang Li Zhang Liu Huang Zhao Wu Lin Zhou Ng Wong Chan Lau",
    ),
    "vietnamese": (
        2,
        "Linh Thảo Mai Trang Hương Ngọc",
        "Minh Tuấn Huy Quang Đức Khánh",
        "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi",
    ),
    "filipino": (
        3,
        "Maricel Jocelyn Rowena Angelica Kristine Liza",
        "Rodel Jomar Ramil Jerome Rogelio Arnel",
        "Santos Reyes Cruz Bautista Ocampo Mendoza Villanueva Aquino Dela Cruz Ramos Navarro",
    ),
    "turkish": (
        2,
        "Elif Zeynep Ayşe Merve Ebru Derya",
        "Mehmet Emre Burak Kerem Murat Cem",
        "Yılmaz Kaya Demir Şahin Çelik Aydın Öztürk Arslan Doğan",
    ),
    "greek": (
        2,
        "Eleni Katerina Sofia Dimitra Georgia",
        "Nikos Giorgos Dimitris Kostas Yannis",
        "Papadopoulos/Papadopoulou Georgiou Nikolaidis/Nikolaidou Christodoulou Konstantinou "
        "Angelopoulos/Angelopoulou Vasilakis/Vasilaki",
    ),
    "german_dutch": (
        2,
        "Anna Lena Katrin Sabine Julia Anke Femke Sanne",
        "Jonas Lukas Felix Stefan Jan Tobias Daan Pieter",
        "Müller Schmidt Schneider Fischer Weber Becker Hoffmann de Vries van Dijk Jansen Bakker Visser",
    ),
    "korean": (
        1,
        "Ji-woo Seo-yeon Min-ji Hye-jin",
        "Min-jun Seung-ho Jae-won Dong-hyun",
        "Kim Lee Park Choi Jung Kang",
    ),
    "japanese": (
        1,
        "Yuki Haruka Aiko Emi",
        "Takeshi Kenji Hiroshi Daisuke",
        "Sato Suzuki Takahashi Tanaka Watanabe Nakamura",
    ),
}
# Surnames with a particle ("De Luca", "van Dijk", "Dela Cruz") stay whole when a list is split on spaces.
_PARTICLE = re.compile(r"(?<!\S)(De|de|van|Dela) ")

EXIT_REASONS = [
    "Moved out of the area",
    "Changed jobs and no longer work in the sector",
    "Could not fit meetings around shifts and childcare",
    "Felt my views were not welcome in branch meetings",
    "Disagreed with the direction the national executive took",
    "Meetings were long and nothing seemed to change",
    "Health reasons",
    "Dues became hard to afford",
    "Retired",
    "Felt the same few people made every decision",
    "Was talked over whenever I disagreed",
    "Joined another organization closer to home",
]
STEP_DOWN_REASONS = [
    "Stepped down for health reasons.",
    "Resigned, citing work commitments after a change of shift pattern.",
    "Stepped down for family reasons.",
    "Resigned in protest after the national executive overruled the members on the dues restructure.",
    "Stepped down to care for a relative.",
    "Resigned, saying the role left no time for organizing at work.",
]
DEPARTURE_REASONS = [
    "Moved away for a new job and left the Federation.",
    "Left the Federation.",
    "Membership lapsed; the seat was declared vacant.",
]
NO_NOMINATION_REASONS = [
    "No nominations were received at the {meeting}. {first} volunteered at the following meeting and the "
    "{body} supported the appointment until the next election.",
    "The seat was left empty at the {meeting}. After an open call for volunteers in the bulletin drew one "
    "response, {first} was appointed to serve until the next election.",
    "Nobody stood at the {meeting}. Appointed so that the {role} is not left unattended; {first} agreed to "
    "stand for election at the next opportunity.",
]
TREASURER_REASONS = [
    "No nominations at the {meeting}. Appointed so that dues records and the accounts are kept in order; "
    "{first} has book-keeping experience and the branch meeting raised no objection.",
]
CASUAL_VACANCY_REASONS = [
    "Casual vacancy after {previous} stepped down. Appointed for the rest of the term; an election would have "
    "fallen within a few months of the regular one.",
    "Appointed to serve out {previous}'s term on the recommendation of the {body}, after {first} was the only "
    "member to put their name forward.",
    "Interim appointment for the remainder of the term after {previous}'s resignation; {first} had been "
    "covering the work informally and knows the records.",
]
NATIONAL_VACANCY_REASONS = [
    "Casual vacancy filled for the remainder of the term under the constitution's vacancy clause, pending the "
    "next convention; {first} was the next-placed candidate at the last election.",
    "Appointed after {previous} stood down, so that the {role} keeps its full number until the convention.",
]


# --- planning (pure Python, in memory) ---------------------------------------------------------------------
@dataclass
class _Person:
    index: int
    full_name: str
    email: str
    phone: str
    pronouns: str
    activity: float  # how likely to stand for roles; a few members stand for a great deal
    persona: str = ""


@dataclass
class _Membership:
    person: int
    unit: str  # unit path
    joined_on: dt.date
    status: str = ACTIVE
    changed_on: dt.date | None = None
    exit_reason: str = ""


@dataclass
class _Unit:
    name: str
    slug: str
    kind: str
    path: str
    parent: str | None


@dataclass
class _Role:
    unit: str  # unit path
    spec: RoleSpec
    terms: list[_Term] = field(default_factory=list)

    def spans(self) -> list[role_rules.TermSpan]:
        return [role_rules.TermSpan(t.holder, t.starts_on, t.end) for t in self.terms]


@dataclass
class _Term:
    role: _Role
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
    units: list[_Unit]
    people: list[_Person]
    memberships: list[_Membership]
    roles: list[_Role]

    def terms(self) -> list[_Term]:
        return [t for role in self.roles for t in role.terms]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L").replace("đ", "d"))
    decomposed = decomposed.replace("Đ", "D").replace("ı", "i")
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "-")).lower()


def _split_names(text: str) -> list[str]:
    """Split a list of names on spaces, keeping surnames with a particle ("De Luca", "van Dijk") whole."""
    joined = _PARTICLE.sub(lambda match: match.group(1) + "\u00a0", text)
    return [word.replace("\u00a0", " ") for word in joined.split(" ") if word]


class _Planner:
    def __init__(self, today: dt.date) -> None:
        self.rng = random.Random(SEED)
        self.today = today
        month_start = today.replace(day=1)
        self.founded_on = role_rules.add_months(month_start, -36)
        self.units: list[_Unit] = []
        self.people: list[_Person] = []
        self.memberships: list[_Membership] = []
        self.roles: list[_Role] = []
        self.by_name: dict[str, _Unit] = {}
        self.emails: set[str] = set()
        self.names: set[str] = set()
        self.person_terms: dict[int, list[_Term]] = {}
        self.memberships_of: dict[int, list[_Membership]] = {}
        self.acts: dict[int, list[dt.date]] = {}  # days on which a member appointed someone or ended a term
        self.phones = self.rng.sample(range(1000), 1000)

    # units, people and memberships ------------------------------------------------------------------------
    def plan_units(self) -> None:
        root = _Unit(ORGANIZATION_NAME, ROOT_SLUG, "national", ROOT_SLUG, None)
        self.units.append(root)
        self.by_name[""] = root
        for name, slug, branches in DISTRICTS:
            district = _Unit(name, slug, "district", f"{ROOT_SLUG}/{slug}", root.path)
            self.units.append(district)
            self.by_name[name] = district
            for branch_name, _size in branches:
                branch_slug = _ascii(branch_name.replace(" ", "-"))
                branch = _Unit(branch_name, branch_slug, "branch", f"{district.path}/{branch_slug}", district.path)
                self.units.append(branch)
                self.by_name[branch_name] = branch

    def _email(self, first: str, last: str) -> str:
        first_a, last_a = _ascii(first), _ascii(last.replace(" ", "").replace("'", ""))
        style = self.rng.choices(["dot", "joined", "initial", "underscore", "digits"], [40, 20, 15, 15, 10])[0]
        local = {
            "dot": f"{first_a}.{last_a}",
            "joined": f"{first_a}{last_a}",
            "initial": f"{first_a[0]}.{last_a}",
            "underscore": f"{first_a}_{last_a}",
            "digits": f"{first_a}.{last_a}{self.rng.randint(10, 99)}",
        }[style]
        domain = self.rng.choice(["example.org", "example.net", "example.com", "mail.example", "post.example"])
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
            culture = self.rng.choices(cultures, weights)[0]
            _w, feminine, masculine, surnames = NAMES[culture]
            gender = self.rng.choice("fm")
            first = self.rng.choice(_split_names(feminine if gender == "f" else masculine))
            if self.rng.random() < 0.1:  # mixed families: a surname from another tradition
                surnames = NAMES[self.rng.choices(cultures, weights)[0]][3]
            last = self.rng.choice(_split_names(surnames))
            if "/" in last:
                masc, fem = last.split("/")
                last = fem if gender == "f" else masc
            if self.rng.random() < 0.03:
                other = self.rng.choice(_split_names(NAMES[self.rng.choices(cultures, weights)[0]][3]))
                forms = other.split("/")
                last = f"{last}-{forms[-1] if gender == 'f' else forms[0]}"
            full = f"{first} {last}"
            if full not in self.names:
                self.names.add(full)
                return first, last, gender

    def _pronouns(self, gender: str) -> str:
        roll = self.rng.random()
        if roll < 0.03:
            return "they/them"
        if roll > 0.35:
            return ""
        if gender == "f":
            return "she/her" if self.rng.random() < 0.9 else "she/they"
        return "he/him" if self.rng.random() < 0.9 else "he/they"

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
            person = _Person(index, persona.full_name, email, self._phone(index), persona.pronouns, 0.0, persona.key)
            self.people.append(person)
            joined = self.founded_on if persona.founding else self.today - dt.timedelta(days=430)
            self.memberships.append(_Membership(index, self.by_name[persona.branch].path, joined))
        branches = [(name, size) for _d, _s, bs in DISTRICTS for name, size in bs]
        for offset in range(GENERATED_MEMBERS):
            index = len(PERSONAS) + offset
            first, last, gender = self._name()
            phone = self._phone(index) if self.rng.random() < 0.82 else ""
            activity = min(self.rng.paretovariate(1.6), 12.0)
            person = _Person(
                index, f"{first} {last}", self._email(first, last), phone, self._pronouns(gender), activity
            )
            self.people.append(person)
            branch = self.rng.choices([b for b, _ in branches], [s for _, s in branches])[0]
            founding = self.rng.random() < 0.42
            self.memberships.append(_Membership(index, self.by_name[branch].path, self._join_date(founding)))
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
            self.memberships.append(_Membership(first.person, self.rng.choice(choices), joined))

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
            self.roles.append(_Role(root.path, spec))
        for name, _slug, _branches in DISTRICTS:
            for spec in DISTRICT_ROLES:
                self.roles.append(_Role(self.by_name[name].path, spec))
        for _d, _s, branches in DISTRICTS:
            for branch, _size in branches:
                for spec in BRANCH_ROLES:
                    self.roles.append(_Role(self.by_name[branch].path, spec))
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

    def _cycles(self, role: _Role) -> list[tuple[dt.date, dt.date]]:
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

    def _meeting(self, role: _Role, day: dt.date) -> str:
        depth = role.unit.count("/")
        if depth == 0:
            return "founding convention" if day == self.founded_on else f"{day.year} convention"
        return f"{day.year} " + ("district convention" if depth == 1 else "annual general meeting")

    def _memberships_in(self, person: int, path: str) -> list[_Membership]:
        mine = self.memberships_of[person]
        return [m for m in mine if m.unit == path or m.unit.startswith(path + "/")]

    def _active_through(self, person: int, path: str, starts: dt.date, ends: dt.date) -> bool:
        """A member of the unit (or a unit inside it) since before the term, and still one when it ends."""
        return any(
            (m.joined_on <= starts - dt.timedelta(days=14) or m.joined_on <= self.founded_on)
            and (m.changed_on is None or m.changed_on >= ends)
            for m in self._memberships_in(person, path)
        )

    def _is_free(self, person: int, role: _Role, starts: dt.date, ends: dt.date) -> bool:
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
        self, person: int, role: _Role, starts: dt.date, ends: dt.date, spans: list[role_rules.TermSpan] | None = None
    ) -> bool:
        """May `person` take a seat of `role` for [starts, ends)? The seat and term-limit rules are the domain's."""
        spans = role.spans() if spans is None else spans
        return (
            self._active_through(person, role.unit, starts, ends)
            and self._is_free(person, role, starts, ends)
            and role_rules.term_limit_refusal(spans, role.spec.term_limit, person) is None
            and role_rules.seat_refusal(spans, role.spec.seats, person, starts, ends) is None
        )

    def _pick(self, role: _Role, starts: dt.date, ends: dt.date, count: int, exclude: set[int]) -> list[int]:
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

    def _add_term(self, role: _Role, holder: int, starts: dt.date, ends: dt.date, how: str, **extra: object) -> _Term:
        spans = role.spans()
        refusal = role_rules.term_limit_refusal(spans, role.spec.term_limit, holder) or role_rules.seat_refusal(
            spans, role.spec.seats, holder, starts, ends
        )
        assert refusal is None, f"demo plan breaks a role rule ({role.unit} {role.spec.name}): {refusal}"
        term = _Term(role, holder, starts, ends, how, **extra)  # type: ignore[arg-type]
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

    def _election(self, role: _Role, cycle: int, starts: dt.date, ends: dt.date, forced: list[tuple[int, str]]) -> None:
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
        self, role: _Role, after: dt.date, ends: dt.date, *, previous: _Term | None, meeting: str = ""
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
        values = {"first": first, "role": role.spec.name.lower(), "meeting": meeting, "body": body}
        if previous is not None:
            values["previous"] = self.people[previous.holder].full_name
            pool = NATIONAL_VACANCY_REASONS if role.unit == ROOT_SLUG else CASUAL_VACANCY_REASONS
        elif role.spec.key == "treasurer":
            pool = TREASURER_REASONS + NO_NOMINATION_REASONS
        else:
            pool = NO_NOMINATION_REASONS
        reason = rng.choice(pool).format(**values)
        self.acts.setdefault(appointer, []).append(starts)
        self._add_term(role, holders[0], starts, ends, APPOINTED, appointer=appointer, reason=reason)

    def _end_early(self, term: _Term) -> None:
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

    def _can_depart(self, term: _Term, day: dt.date) -> bool:
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


# --- writing ------------------------------------------------------------------------------------------------
class DemoConflict(Exception):
    """The database holds some of the demo's accounts but not the demo organization: refuse to mix them."""


@dataclass(frozen=True)
class DemoResult:
    created: bool
    logins: list[DemoLogin]
    counts: dict[str, int]


def demo_root() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True, slug=ROOT_SLUG).first()


def load_demo(*, today: dt.date | None = None) -> DemoResult:
    """Create the demo organization in one transaction, or do nothing if it is already there."""
    with transaction.atomic():
        created = demo_root() is None
        if created:
            _write(plan_demo(today))
        counts = demo_counts()
    return DemoResult(created=created, logins=demo_logins(), counts=counts)


def demo_counts() -> dict[str, int]:
    root = demo_root()
    if root is None:
        return {}
    units = Unit.objects.filter(Q(pk=root.pk) | Q(path__startswith=root.path + "/"))
    memberships = Counter(Membership.objects.filter(unit__in=units).values_list("status", flat=True))
    terms = RoleTerm.objects.filter(role_type__unit__in=units)
    filled = Counter(terms.values_list("how_filled", flat=True))
    return {
        "districts": units.filter(kind="district").count(),
        "branches": units.filter(kind="branch").count(),
        "members": Member.objects.filter(memberships__unit__in=units).distinct().count(),
        "memberships_active": memberships[ACTIVE],
        "memberships_lapsed": memberships[LAPSED],
        "memberships_left": memberships[LEFT],
        "role_types": RoleType.objects.filter(unit__in=units).count(),
        "terms_elected": filled[ELECTED],
        "terms_acclaimed": filled[ACCLAIMED],
        "terms_appointed": filled[APPOINTED],
        "terms_ended_early": terms.exclude(ended_early_reason="").count(),
        "audit_entries": AuditEntry.objects.count(),
    }


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(19, 0)))


def _write(plan: DemoPlan) -> None:
    emails = [p.email for p in plan.people] + [ADMIN_EMAIL]
    taken = list(Member.objects.filter(email__in=emails).values_list("email", flat=True)[:3])
    if taken:
        raise DemoConflict(
            f"the database already has the account(s) {', '.join(taken)} but no demo organization; "
            "load the demo into a fresh database."
        )
    # Units through the service, so their creation opens the audit chain like any other unit's.
    units: dict[str, Unit] = {}
    for planned in plan.units:
        parent = units[planned.parent] if planned.parent else None
        units[planned.path] = services.create_unit(
            actor=None, parent=parent, name=planned.name, slug=planned.slug, kind=planned.kind
        )
    role_types = RoleType.objects.bulk_create(
        [
            RoleType(
                unit=units[role.unit],
                name=role.spec.name,
                description=role.spec.description,
                seats=role.spec.seats,
                term_months=role.spec.term_months,
                term_limit=role.spec.term_limit,
                capabilities=list(role.spec.capabilities),
            )
            for role in plan.roles
        ]
    )
    for role, role_type in zip(plan.roles, role_types, strict=True):
        payload = {"unit": role.unit, "name": role_type.name, "capabilities": role_type.capabilities}
        record("role.define", obj=role_type, payload={**payload, "seats": role_type.seats})

    # Only the demo logins can log in; one hash serves them all, as they share the published password.
    login_hash = make_password(DEMO_PASSWORD)
    members = Member.objects.bulk_create(
        [
            Member(
                email=p.email,
                full_name=p.full_name,
                phone=p.phone,
                pronouns=p.pronouns,
                date_joined=_aware(min(m.joined_on for m in plan.memberships if m.person == p.index)),
                password=login_hash if p.persona else f"{UNUSABLE_PASSWORD_PREFIX}{secrets.token_hex(20)}",
            )
            for p in plan.people
        ]
        + [
            Member(
                email=ADMIN_EMAIL,
                full_name=ADMIN_NAME,
                is_staff=True,
                is_superuser=True,
                date_joined=_aware(plan.founded_on),
                password=login_hash,
            )
        ]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                member=members[m.person],
                unit=units[m.unit],
                status=m.status,
                joined_on=m.joined_on,
                status_changed_on=m.changed_on,
                left_on=m.changed_on if m.status == LEFT else None,
                exit_reason=m.exit_reason,
            )
            for m in plan.memberships
        ]
    )
    role_type_of = {id(role): role_type for role, role_type in zip(plan.roles, role_types, strict=True)}
    planned_terms = sorted(plan.terms(), key=lambda t: (t.starts_on, t.role.unit, t.role.spec.name, t.holder))
    terms = RoleTerm.objects.bulk_create(
        [
            RoleTerm(
                role_type=role_type_of[id(t.role)],
                holder=members[t.holder],
                starts_on=t.starts_on,
                ends_on=t.end,
                how_filled=t.how,
                appointed_by=members[t.appointer] if t.appointer is not None else None,
                reason=t.reason,
                ended_early_reason=t.ended_reason,
            )
            for t in planned_terms
        ]
    )
    _record_history(plan, planned_terms, terms, memberships, members)


def _record_history(
    plan: DemoPlan,
    planned_terms: list[_Term],
    terms: list[RoleTerm],
    memberships: list[Membership],
    members: list[Member],
) -> None:
    """Append every role change and membership change to the audit chain, in the order they happened."""
    events: list[tuple[dt.date, int, int]] = []  # (day, kind, index); on one day, endings come before starts
    for i, t in enumerate(planned_terms):
        events.append((t.starts_on, 2, i))
        if t.ended_on is not None:
            events.append((t.ended_on, 0, i))
    for j, m in enumerate(plan.memberships):
        if m.changed_on is not None:
            events.append((m.changed_on, 1, j))
    for day, kind, index in sorted(events):
        if kind == 1:
            planned_membership, membership = plan.memberships[index], memberships[index]
            steward = _holder_with(plan, MANAGE_MEMBERS, planned_membership.unit, day, planned_membership.person)
            record(
                "membership.status",
                actor=members[steward] if steward is not None else None,
                obj=membership,
                payload={"member": membership.member_id, "unit": membership.unit_id, "status": membership.status},
            )
            continue
        t, term = planned_terms[index], terms[index]
        if kind == 0:
            assert t.ended_on is not None
            record(
                "role.end",
                actor=members[t.ended_by] if t.ended_by is not None else None,
                obj=term,
                payload={"on": t.ended_on.isoformat(), "reason": t.ended_reason},
            )
            continue
        record(
            f"role.{t.how}",
            actor=members[t.appointer] if t.appointer is not None else None,
            obj=term,
            payload={
                "role": term.role_type_id,
                "unit": t.role.unit,
                "holder": term.holder_id,
                "starts_on": t.starts_on.isoformat(),
                "ends_on": t.ends_on.isoformat(),
                "reason": t.reason,
            },
        )


def _holder_with(plan: DemoPlan, capability: str, path: str, day: dt.date, exclude: int) -> int | None:
    """The member nearest the unit who held `capability` over it on that day (for the audit entry's actor)."""
    found = [
        (-role.unit.count("/"), role.spec.name, t.holder)
        for role in plan.roles
        if capability in role.spec.capabilities and (path == role.unit or path.startswith(role.unit + "/"))
        for t in role.terms
        if t.covers(day) and t.holder != exclude
    ]
    return min(found)[2] if found else None
