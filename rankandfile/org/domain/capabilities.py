"""What a role can allow. Each view and service names the capability it needs (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Iterable

MANAGE_UNITS = "manage_units"
MANAGE_MEMBERS = "manage_members"
MANAGE_ROLES = "manage_roles"
CHAIR_MEETINGS = "chair_meetings"
MANAGE_BALLOTS = "manage_ballots"
ACCOUNTABILITY_COMMITTEE = "accountability_committee"
HEAR_APPEALS = "hear_appeals"
MANAGE_BULLETIN = "manage_bulletin"

# Labels stay plain strings here (no Django import); templates translate them.
CAPABILITY_CHOICES: list[tuple[str, str]] = [
    (MANAGE_UNITS, "Create, rename, move and dissolve units"),
    (MANAGE_MEMBERS, "See contact details, invite and import members, change membership status"),
    (MANAGE_ROLES, "Define roles and appoint or end role terms"),
    (CHAIR_MEETINGS, "Chair and run meetings"),
    (MANAGE_BALLOTS, "Open and close ballots"),
    (ACCOUNTABILITY_COMMITTEE, "Serve on the accountability committee (confidential cases)"),
    (HEAR_APPEALS, "Hear appeals against case decisions (receives a case's key only when it is appealed)"),
    (MANAGE_BULLETIN, "Run discussion bulletin periods: schedule issues, publish, moderate under the code of conduct"),
]
ALL_CAPABILITIES = frozenset(code for code, _label in CAPABILITY_CHOICES)

# Whoever holds one of these anywhere, or is a site operator, logs in with a second factor (docs/security.md):
# they see contacts, change who holds power, open and close ballots, or read confidential cases.
SECOND_FACTOR_CAPABILITIES = frozenset(
    {MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_BALLOTS, ACCOUNTABILITY_COMMITTEE, HEAR_APPEALS}
)


def unknown_capabilities(codes: list[str]) -> list[str]:
    return [code for code in codes if code not in ALL_CAPABILITIES]


def needs_second_factor(capabilities: Iterable[str], *, is_staff: bool) -> bool:
    return is_staff or not SECOND_FACTOR_CAPABILITIES.isdisjoint(capabilities)
