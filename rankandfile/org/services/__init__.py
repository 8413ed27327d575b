"""Every write to the organization goes through here: one transaction each, audited where it matters.

One module per concern: units, members (memberships, invitations, profiles), roles (types and terms), tokens,
two_factor (the second factor at login; import it as a module), and importing (the CSV member import, all or
nothing: docs/import.md).
"""

from rankandfile.org.services.departures import departure_handler_register, departures_record
from rankandfile.org.services.importing import (
    ImportProblem,
    ImportReport,
    members_import,
    unit_for_path,
)
from rankandfile.org.services.members import (
    invitation_accept,
    invitation_find,
    member_invite,
    membership_contest,
    membership_leave,
    membership_reinstate,
    membership_sanction,
    membership_set_status,
    profile_update,
    term_remove,
)
from rankandfile.org.services.roles import (
    role_type_create,
    seat_fill,
    term_end,
    term_recall,
)
from rankandfile.org.services.tokens import (
    api_token_create,
    api_token_revoke,
    member_for_api_token,
)
from rankandfile.org.services.units import (
    unit_create,
    unit_dissolve,
    unit_move,
    unit_rename,
)

__all__ = [
    "ImportProblem",
    "ImportReport",
    "api_token_create",
    "api_token_revoke",
    "departure_handler_register",
    "departures_record",
    "invitation_accept",
    "invitation_find",
    "member_for_api_token",
    "member_invite",
    "members_import",
    "membership_contest",
    "membership_leave",
    "membership_reinstate",
    "membership_sanction",
    "membership_set_status",
    "profile_update",
    "role_type_create",
    "seat_fill",
    "term_end",
    "term_recall",
    "term_remove",
    "unit_create",
    "unit_dissolve",
    "unit_for_path",
    "unit_move",
    "unit_rename",
]
