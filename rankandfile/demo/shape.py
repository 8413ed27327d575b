"""The demo organization's shape: its units, the roles of each kind of unit, and the fixed demo logins."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from rankandfile.org.domain.capabilities import (
    ACCOUNTABILITY_COMMITTEE,
    CHAIR_MEETINGS,
    MANAGE_BALLOTS,
    MANAGE_BULLETIN,
    MANAGE_MEMBERS,
    MANAGE_ROLES,
    MANAGE_UNITS,
)
from rankandfile.org.models import Membership, RoleTerm

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
        (CHAIR_MEETINGS, MANAGE_UNITS, MANAGE_ROLES, MANAGE_BALLOTS, MANAGE_BULLETIN),
        "Chairs the convention and the national executive.",
        0.0,
    ),
    RoleSpec(
        "nat_secretary",
        "National secretary",
        1,
        24,
        2,
        (MANAGE_UNITS, MANAGE_MEMBERS, MANAGE_ROLES, CHAIR_MEETINGS, MANAGE_BALLOTS, MANAGE_BULLETIN),
        "Runs the national office: membership, units, elections, the convention and its discussion bulletin.",
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
class Persona:
    key: str
    full_name: str
    branch: str  # branch name
    description: str
    pronouns: str
    founding: bool = True


# Descriptions are marked for translation here and translated when printed (demo_logins).
PERSONAS = [
    Persona("member", "Tomás Herrera", "Millbrook", N_("ordinary member of Millbrook, no role"), "he/him", False),
    Persona("chair", "Grace Mensah", "Millbrook", N_("branch chair of Millbrook"), "she/her"),
    Persona("organizer", "Daniel Kowalski", "Ashford Junction", N_("district organizer, Riverside District"), "he/him"),
    Persona("secretary", "Amira Haddad", "Eastport", N_("national secretary (a national officer)"), "she/her"),
    Persona("committee", "Siobhan O'Neill", "Pinecrest", N_("accountability committee member"), "she/they"),
]
ADMIN_DESCRIPTION = N_("site operator: the Django admin at /admin/ only, not a member")
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
    logins = [DemoLogin(f"{p.key}@{DEMO_DOMAIN}", p.full_name, gettext(p.description)) for p in PERSONAS]
    logins.append(DemoLogin(ADMIN_EMAIL, ADMIN_NAME, gettext(ADMIN_DESCRIPTION)))
    return logins
