"""Every write to the organization goes through here: one transaction each, audited where it matters.

One module per concern: units, members (memberships, invitations, profiles), roles (types and terms), tokens,
two_factor (the second factor at login; import it as a module), and importing (the CSV member import, all or
nothing: docs/import.md).
"""

from rankandfile.org.services.importing import (
    ImportProblem,
    ImportReport,
    import_members,
    unit_for_path,
)
from rankandfile.org.services.members import (
    accept_invitation,
    find_invitation,
    invite_member,
    set_membership_status,
    update_profile,
)
from rankandfile.org.services.roles import (
    create_role_type,
    end_term,
    fill_seat,
)
from rankandfile.org.services.tokens import (
    create_api_token,
    member_for_api_token,
    revoke_api_token,
)
from rankandfile.org.services.units import (
    create_unit,
    dissolve_unit,
    move_unit,
    rename_unit,
)

__all__ = [
    "ImportProblem",
    "ImportReport",
    "accept_invitation",
    "create_api_token",
    "create_role_type",
    "create_unit",
    "dissolve_unit",
    "end_term",
    "fill_seat",
    "find_invitation",
    "import_members",
    "invite_member",
    "member_for_api_token",
    "move_unit",
    "rename_unit",
    "revoke_api_token",
    "set_membership_status",
    "unit_for_path",
    "update_profile",
]
