"""The audit log in plain language: one sentence per entry, from its action, actor and payload.

Pure: the selector looks up the names (members, roles, units) the payload refers to by id and passes them in
`names`; an action without a sentence of its own reads "<actor>: <action>". A sentence never says more than the
entry holds, and the log page still shows the entry's number and hash for checking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# What the filter by kind offers: the first word of the action.
KINDS: dict[str, str] = {
    "role": "Roles",
    "unit": "Units",
    "member": "Members",
    "membership": "Memberships",
    "ballot": "Ballots",
    "election": "Elections",
    "meeting": "Meetings",
    "proposal": "Proposals",
    "amendment": "Amendments",
    "rules": "Decision rules",
    "login": "Logins",
    "two_factor": "Second factor",
    "api_token": "API tokens",
}


@dataclass(frozen=True)
class Names:
    """Display names of what payloads refer to: member ids, role ids, unit paths."""

    members: Mapping[int, str]
    roles: Mapping[int, str]
    units: Mapping[str, str]

    def member(self, member_id: Any) -> str:
        return self.members.get(int(member_id), f"member {member_id}") if str(member_id).isdigit() else "someone"

    def role(self, role_id: Any) -> str:
        return self.roles.get(int(role_id), "a role") if str(role_id).isdigit() else "a role"

    def unit(self, path: Any) -> str:
        return self.units.get(str(path), str(path or "a unit"))


def _quote(text: Any) -> str:
    return f": “{text}”" if text else ""


def _role_term(verb: str) -> Callable[[str, Mapping[str, Any], Names], str]:
    def sentence(actor: str, p: Mapping[str, Any], n: Names) -> str:
        role, unit, holder = n.role(p.get("role")), n.unit(p.get("unit")), n.member(p.get("holder"))
        start = f", from {p['starts_on']}" if p.get("starts_on") else ""
        if verb == "appointed":
            return f"{actor} appointed {holder} as {role} of {unit}{start}{_quote(p.get('reason'))}"
        return f"{holder} was {verb} {role} of {unit}{start}."

    return sentence


SENTENCES: dict[str, Callable[[str, Mapping[str, Any], Names], str]] = {
    "role.appointed": _role_term("appointed"),
    "role.elected": _role_term("elected"),
    "role.acclaimed": _role_term("acclaimed as"),
    "role.end": lambda a, p, n: f"{a} ended a role term on {p.get('on')}{_quote(p.get('reason'))}",
    "role.define": lambda a, p, n: f"{a} defined the role {p.get('name')} in {n.unit(p.get('unit'))}.",
    "unit.create": lambda a, p, n: f"{a} created the unit {p.get('name')}.",
    "unit.rename": lambda a, p, n: f"{a} renamed the unit {p.get('from')} to {p.get('to')}.",
    "unit.move": lambda a, p, n: f"{a} moved the unit {p.get('from')} to {p.get('to')}.",
    "unit.dissolve": lambda a, p, n: f"{a} dissolved a unit on {p.get('on')}.",
    "member.invite": lambda a, p, n: f"{a} invited a member to {n.unit(p.get('unit'))}.",
    "member.join": lambda a, p, n: f"{a} joined {n.unit(p.get('unit'))}.",
    "member.import": lambda a, p, n: f"{a} imported members into {n.unit(p.get('unit'))}.",
    "membership.status": lambda a, p, n: f"{a} set a membership's status to {p.get('status')}.",
    "ballot.open": lambda a, p, n: f"{a} opened a ballot.",
    "ballot.close": lambda a, p, n: f"{a} closed a ballot: {p.get('cast')} of {p.get('eligible')} ballots cast.",
    "ballot.publish": lambda a, p, n: "The ballot box was published.",
    "election.open": lambda a, p, n: f"{a} opened nominations for an election.",
    "election.nominations_closed": lambda a, p, n: f"{a} closed nominations.",
    "meeting.open": lambda a, p, n: f"{a} opened a meeting.",
    "meeting.close": lambda a, p, n: f"{a} closed a meeting.",
    "meeting.minutes_approve": lambda a, p, n: f"{a} recorded the approval of minutes.",
    "login.failed": lambda a, p, n: "A login failed (wrong email or password).",
    "login.locked": lambda a, p, n: (
        f"Logins were paused for {p.get('minutes')} minutes after {p.get('failures')} failures ({p.get('scope')})."
    ),
    "two_factor.enrol": lambda a, p, n: f"{a} set up a second factor.",
    "api_token.create": lambda a, p, n: f"{a} made an API token.",
    "api_token.revoke": lambda a, p, n: f"{a} revoked an API token.",
}


def sentence(action: str, actor: str, payload: Mapping[str, Any], names: Names) -> str:
    actor = actor or "The system"
    describe = SENTENCES.get(action)
    if describe is not None:
        try:
            return describe(actor, payload, names)
        except (KeyError, TypeError, ValueError):
            pass  # an older entry's payload: fall back to the plain form
    if action.startswith("proposal."):
        return f"{actor} set a proposal's status to {action.split('.', 1)[1].replace('_', ' ')}."
    return f"{actor}: {action.replace('_', ' ')}."


def kind_of(action: str) -> str:
    return action.split(".", 1)[0]
