"""Who gets what at every URL of the project (issue 2: the permission matrix).

Every URL pattern reachable from `rankandfile.urls` (through every include) and every WebSocket route in
`rankandfile.routing` needs an entry below, saying how to build its URL from the `org` fixture and what each
persona gets. A new URL without an entry fails `test_it_has_an_entry_for_every_url_pattern`, so whoever adds a page
also states its rule here. The Django admin's own patterns are left to Django; the admin is tested separately
below (staff only, no confidential content).

Personas (rankandfile/testing.py): anonymous; alice, an ordinary member of Leeds; bob, chair of Leeds
(chair_meetings, manage_members); carol, organizer of the North district (manage_members/roles/units over North,
Leeds and York); dave, national secretary (every capability but the committee's, everywhere); erin, on the national
accountability committee; frank, whose Leeds membership has lapsed; otto, a site operator (is_staff) with no role;
yuri, an officer of another unit: a York member holding every capability, all from a role in York
(`other_unit_officer`, issue 9). Over anything of Leeds, North or National yuri may do no more than otto.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rankandfile.org import services
from rankandfile.org.domain.api_tokens import SCOPES
from rankandfile.org.middleware import EXEMPT_VIEWS
from rankandfile.testing import SmallOrg, build_small_org, log_in, other_unit_officer, rows_shared_by_tests

PERSONAS = ("anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "otto", "yuri")
OTHER_UNIT_OFFICER = "yuri"  # not in SmallOrg: built by other_unit_officer(org)

# Outcomes, as the test classifies each response.
OK = "200 ok"
CREATED = "201 created"
REDIRECT = "redirect elsewhere"
LOGIN = "redirect to login"
UNAUTHORIZED = "401 unauthorized"
FORBIDDEN = "403 forbidden"
NOT_FOUND = "404 not found"
NOT_ALLOWED = "405 method not allowed"

MISSING_ID = 987654


def expect(default: str, **overrides: str) -> dict[str, str]:
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


# Common rules, named once.
PUBLIC = expect(OK)
LOGGED_IN = expect(OK, anonymous=LOGIN)
MEMBERS = expect(OK, anonymous=LOGIN, frank=FORBIDDEN)
MEMBERS_MISSING = expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN)
POST_ONLY = expect(NOT_ALLOWED, anonymous=LOGIN)
# manage_members over Leeds: bob (Leeds chair), carol (North), dave (national).
MANAGE_MEMBERS_LEEDS = expect(FORBIDDEN, anonymous=LOGIN, bob=OK, carol=OK, dave=OK)
# manage_units / manage_roles over Leeds or York: carol (North), dave (national).
MANAGE_IN_NORTH = expect(FORBIDDEN, anonymous=LOGIN, carol=OK, dave=OK)
# The same over York itself, where yuri's role is.
MANAGE_IN_YORK = expect(FORBIDDEN, anonymous=LOGIN, carol=OK, dave=OK, yuri=OK)
MANAGE_AT_NATIONAL = expect(FORBIDDEN, anonymous=LOGIN, dave=OK)
API_MEMBERS = expect(OK, anonymous=UNAUTHORIZED, frank=FORBIDDEN)
API_MEMBERS_MISSING = expect(NOT_FOUND, anonymous=UNAUTHORIZED, frank=FORBIDDEN)


@dataclass(frozen=True)
class Case:
    label: str
    url: Callable[[SmallOrg], str]
    expected: dict[str, str]
    method: str = "get"
    data: Callable[[SmallOrg], dict[str, Any]] | None = None
    api: bool = False  # authenticate with a bearer token instead of a session
    json: bool = False


def get(label: str, url: Callable[[SmallOrg], str], expected: dict[str, str]) -> Case:
    return Case(label, url, expected)


def post(
    label: str,
    url: Callable[[SmallOrg], str],
    expected: dict[str, str],
    data: Callable[[SmallOrg], dict[str, Any]] | None = None,
) -> Case:
    return Case(label, url, expected, method="post", data=data)


def api_get(label: str, path: Callable[[SmallOrg], str], expected: dict[str, str]) -> Case:
    return Case(label, lambda o: "/api/v1" + path(o), expected, api=True)


def password_reset_link(o: SmallOrg) -> str:
    uid = urlsafe_base64_encode(force_bytes(o.alice.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(o.alice)])


def invitation_link(o: SmallOrg) -> str:
    _invitation, raw = services.member_invite(actor=o.bob, unit=o.leeds, email="new.person@example.org")
    return reverse("org:accept_invitation", args=[raw])


def invitation_link_for_alice(o: SmallOrg) -> str:
    _invitation, raw = services.member_invite(actor=o.carol, unit=o.york, email=o.alice.email)
    return reverse("org:accept_invitation", args=[raw])


def alice_token_revoke(o: SmallOrg) -> str:
    token, _raw = services.api_token_create(member=o.alice, name="sync")
    return reverse("org:token_revoke", args=[token.pk])


def appointment(o: SmallOrg) -> dict[str, Any]:
    return {"holder_id": o.alice.pk, "reason": "Second organizer seat was vacant after the AGM."}


# --- meetings: a Leeds branch meeting chaired by bob, open, with two agenda items ---
def leeds_meeting(o: SmallOrg, *, is_open: bool = True) -> Any:
    import datetime as dt

    from django.utils import timezone

    from rankandfile.meetings import services as meeting_services

    meeting = meeting_services.meeting_create(
        actor=o.bob,
        unit=o.leeds,
        title="Leeds branch meeting",
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        mode="online",
        online_link="https://meet.example.org/leeds",
        chair=o.bob,
        agenda=["Rent strike", "Any other business"],
    )
    if is_open:
        meeting_services.meeting_open(actor=o.bob, meeting=meeting)
    return meeting


def meeting_url(name: str, *extra: Any, is_open: bool = True) -> Callable[[SmallOrg], str]:
    def build(o: SmallOrg) -> str:
        return reverse(f"meetings:{name}", args=[leeds_meeting(o, is_open=is_open).pk, *extra])

    build.__name__ = f"meeting_url_{name}"
    return build


def meeting_item_url(name: str) -> Callable[[SmallOrg], str]:
    def build(o: SmallOrg) -> str:
        meeting = leeds_meeting(o)
        return reverse(f"meetings:{name}", args=[meeting.pk, meeting.items.last().pk])

    build.__name__ = f"meeting_item_url_{name}"
    return build


def leeds_check_in_link(o: SmallOrg) -> str:
    meeting = leeds_meeting(o)
    return reverse("meetings:check_in_code", args=[meeting.pk, meeting.checkin_code])


def leeds_meeting_ws(o: SmallOrg) -> str:
    return f"/ws/meetings/{leeds_meeting(o).pk}/"


# Members of Leeds (alice, bob, erin) and those who may chair its meetings (bob; carol over North; dave national).
TAKE_PART_LEEDS = expect(OK, anonymous=LOGIN, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN)
RUN_LEEDS = expect(FORBIDDEN, anonymous=LOGIN, bob=OK, carol=OK, dave=OK)
# Actions answer a browser (no htmx) with a redirect back, whether the service accepted or refused.
TAKE_PART_ACTION = expect(REDIRECT, anonymous=LOGIN, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN)
RUN_ACTION = expect(FORBIDDEN, anonymous=LOGIN, bob=REDIRECT, carol=REDIRECT, dave=REDIRECT)
MEETING_MISSING = MEMBERS_MISSING


# --- proposals and ballots: alice's proposal in Leeds; Leeds ballots (roll: alice, bob, erin) set up by dave ---
def alice_proposal(o: SmallOrg, *, submitted: bool = True) -> Any:
    from rankandfile.proposals import services as proposal_services

    proposal = proposal_services.proposal_create(
        actor=o.alice, unit=o.leeds, title="Rent strike fund", text="The branch sets up a *strike fund*."
    )
    if submitted:
        proposal_services.proposal_submit(actor=o.alice, proposal=proposal)
    return proposal


def proposal_url(name: str, *extra: Any, submitted: bool = True) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return reverse(f"proposals:{name}", args=[alice_proposal(o, submitted=submitted).pk, *extra])

    url.__name__ = f"proposal_{name}"
    return url


def bob_amendment_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        from rankandfile.proposals import services as proposal_services

        amendment = proposal_services.amendment_propose(
            actor=o.bob, proposal=alice_proposal(o), text="The branch sets up a *strike fund* of £500."
        )
        return reverse(f"proposals:{name}", args=[amendment.pk])

    url.__name__ = f"amendment_{name}"
    return url


def bob_amendment_ballot_url(o: SmallOrg, unit: Any) -> str:
    from rankandfile.proposals import services as proposal_services

    amendment = proposal_services.amendment_propose(
        actor=o.bob, proposal=alice_proposal(o), text="The branch sets up a *strike fund* of £500."
    )
    return reverse("ballots:create", args=[unit.pk]) + f"?amendment={amendment.pk}"


def question_ballot_form(o: SmallOrg) -> dict[str, Any]:
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    return {"title": "Amend?", "method": "yes-no", "threshold": "majority", "mode": "remote", "cutoff_on": today}


def a_receipt(o: SmallOrg) -> dict[str, Any]:
    return {"receipt": "0" * 64, "nonce": ""}


def leeds_ballot(o: SmallOrg, status: str = "open") -> Any:
    """An IRV election ballot in Leeds: a draft, open (nobody voted), or closed after bob voted."""
    import datetime as dt

    from django.utils import timezone

    from rankandfile.ballots import services as ballot_services
    from rankandfile.ballots.tests.helpers import draft_ballot

    ballot = draft_ballot(o)
    if status != "draft":
        ballot = ballot_services.ballot_open(
            actor=o.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(days=3)
        )
    if status == "closed":
        ballot_services.ballot_cast(voter=o.bob, ballot=ballot, names=["Ann", "Ben"])
        ballot = ballot_services.ballot_close(actor=o.dave, ballot=ballot)
    return ballot


def ballot_url(name: str, status: str = "open") -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return reverse(f"ballots:{name}", args=[leeds_ballot(o, status).pk])

    url.__name__ = f"{status}_ballot_{name}"
    return url


def leeds_election(o: SmallOrg) -> Any:
    import datetime as dt

    from django.utils import timezone

    from rankandfile.ballots.services import elections

    return elections.election_create(
        actor=o.dave,
        role_type=o.chair_role,
        seats=1,
        method="irv",
        nominations_close_at=timezone.now() + dt.timedelta(days=2),
        term_starts_on=timezone.localdate() + dt.timedelta(days=60),
    )


def election_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return reverse(f"ballots:{name}", args=[leeds_election(o).pk])

    url.__name__ = f"election_{name}"
    return url


def alice_nomination_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        from rankandfile.ballots.services import elections

        nomination = elections.nomination_create(actor=o.bob, election=leeds_election(o), nominee=o.alice)
        return reverse(f"ballots:{name}", args=[nomination.pk])

    url.__name__ = f"nomination_{name}"
    return url


def ballot_ws(status: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return f"/ws/ballots/{leeds_ballot(o, status).pk}/"

    return url


# Leeds members in good standing (on the roll of a Leeds ballot): alice, bob, erin.
LEEDS_MEMBERS = expect(FORBIDDEN, anonymous=LOGIN, alice=OK, bob=OK, erin=OK)
MANAGE_BALLOTS = expect(FORBIDDEN, anonymous=LOGIN, dave=OK)
MANAGE_BALLOTS_ACTION = expect(FORBIDDEN, anonymous=LOGIN, dave=REDIRECT)
MEMBERS_ACTION = expect(REDIRECT, anonymous=LOGIN, frank=FORBIDDEN)
LEEDS_ACTION = expect(FORBIDDEN, anonymous=LOGIN, alice=REDIRECT, bob=REDIRECT, erin=REDIRECT)
# Not on the roll: carol (York), dave (York), otto (York) get the ballot page back with the reason (422).
ROLL_ACTION = expect("422", anonymous=LOGIN, alice=OK, bob=OK, erin=OK, frank=FORBIDDEN)
DRAFT_ONLY_MANAGERS = expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, dave=OK)
NOT_PUBLISHED = expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN)
API_ROLL_CAST = expect("422", anonymous=UNAUTHORIZED, alice=CREATED, bob=CREATED, erin=CREATED, frank=FORBIDDEN)


# --- notifications: alice's own notification; the signed unsubscribe link (no login) ---
def alice_notification_url(o: SmallOrg) -> str:
    from rankandfile.notifications.models import Notification

    notification = Notification.objects.create(
        member=o.alice, kind="ballot.opened", object_id=1, title="Vote now", link="/", delivery="immediately"
    )
    return reverse("notifications:open", args=[notification.pk])


def unsubscribe_link(o: SmallOrg) -> str:
    from rankandfile.notifications.services import unsubscribe_token

    return reverse("notifications:unsubscribe", args=[unsubscribe_token(o.alice.pk, "ballot.opened")])


def alice_membership_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        from rankandfile.org.models import Membership

        return reverse(f"org:{name}", args=[Membership.objects.get(member=o.alice, unit=o.leeds).pk])

    url.__name__ = f"alice_{name}"
    return url


# --- confidential cases: a Leeds case with a file, filed once erin (national committee) set her passphrase ---
def leeds_case(o: SmallOrg) -> Any:
    from rankandfile.cases.models import CommitteeKey
    from rankandfile.cases.tests.helpers import file_case, set_passphrase

    if not CommitteeKey.objects.filter(member=o.erin).exists():
        set_passphrase(o.erin)
    return file_case(o).case


def case_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return reverse(f"cases:{name}", args=[leeds_case(o).reference])

    url.__name__ = f"case_{name}"
    return url


def case_file_url(o: SmallOrg) -> str:
    from rankandfile.cases import services as case_services
    from rankandfile.cases.models import Attachment
    from rankandfile.cases.uploads import seal_stream

    case = leeds_case(o)
    upload = seal_stream(io.BytesIO(b"%PDF-1.4 statement"), name="statement.pdf", content_type="application/pdf")
    case_services.policy_get()
    Attachment.objects.create(case=case, storage_name=upload.storage_name, sealed_meta=b"", size=upload.size)
    return reverse("cases:file", args=[case.reference, case.attachments.get().pk])


def a_note(o: SmallOrg) -> dict[str, Any]:
    return {"kind": "note", "text": "A note.", "to": "acknowledged"}


# Whoever sits on a committee or an appeal body somewhere: erin (national), yuri (York's all-capability role).
CASE_KEYHOLDERS = expect(FORBIDDEN, anonymous=LOGIN, erin=OK, yuri=OK)
LEEDS_COMMITTEE = expect(NOT_FOUND, anonymous=LOGIN, erin=OK)
LEEDS_COMMITTEE_ACTION = expect(NOT_FOUND, anonymous=LOGIN, erin=REDIRECT)
# The organization's case settings: the committee of its top unit (erin); yuri's York committee role is not enough.
TOP_COMMITTEE = expect(FORBIDDEN, anonymous=LOGIN, erin=OK)


def case_category_url(o: SmallOrg) -> str:
    from rankandfile.cases.tests.helpers import category

    return reverse("cases:category", args=[category().pk])


def case_policy(o: SmallOrg) -> dict[str, Any]:
    return {"action": "policy", "acknowledge_days": 5, "decide_days": 45, "retention_years": 7}


def api_post(label: str, path: Callable[[SmallOrg], str], expected: dict[str, str], data: Any = None) -> Case:
    return Case(label, lambda o: "/api/v1" + path(o), expected, method="post", data=data, api=True, json=True)


# The API's own rules, as the pages': members of Leeds (alice, bob, erin) create there; chair_meetings over Leeds
# (bob, carol, dave) runs its meetings; whoever may take part in a Leeds meeting reads it.
API_LEEDS_CREATE = expect(FORBIDDEN, anonymous=UNAUTHORIZED, alice=CREATED, bob=CREATED, erin=CREATED)
API_RUN_LEEDS = expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob=OK, carol=OK, dave=OK)
API_TAKE_PART_LEEDS = expect(OK, anonymous=UNAUTHORIZED, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN)


def no_body(o: SmallOrg) -> dict[str, Any]:
    return {}


def api_meeting_item(o: SmallOrg) -> tuple[int, int]:
    meeting = leeds_meeting(o)
    return meeting.pk, meeting.items.last().pk


# Pattern name → the cases that pin down its rule. Keep one entry per pattern; several cases where the rule has
# edges (another unit, a missing object, the wrong method).
def frank_exit_link(o: SmallOrg) -> str:
    """The exit survey link frank (whose Leeds membership lapsed) was sent: anyone holding it may answer."""
    from rankandfile.insights import services as insights_services
    from rankandfile.org.models import Membership

    membership = Membership.objects.get(member=o.frank, unit=o.leeds)
    _invitation, raw = insights_services.exit_survey_offer(membership=membership, send=False)
    return reverse("insights:exit_survey", args=[raw])


MATRIX: dict[str, list[Case]] = {
    "home": [get("home", lambda o: reverse("home"), LOGGED_IN)],
    # --- accounts (django.contrib.auth views, email login form) ---
    "login": [get("login page", lambda o: reverse("login"), expect(REDIRECT, anonymous=OK))],
    "logout": [
        post("log out", lambda o: reverse("logout"), expect(REDIRECT)),
        get("log out by GET is refused", lambda o: reverse("logout"), expect(NOT_ALLOWED)),
    ],
    "password_change": [get("change password", lambda o: reverse("password_change"), LOGGED_IN)],
    "password_change_done": [get("password changed", lambda o: reverse("password_change_done"), LOGGED_IN)],
    "password_reset": [get("ask for a reset", lambda o: reverse("password_reset"), PUBLIC)],
    "password_reset_done": [get("reset sent", lambda o: reverse("password_reset_done"), PUBLIC)],
    "password_reset_confirm": [
        # A valid link redirects to the set-password form (Django keeps the token out of the URL from there on).
        get("valid reset link", password_reset_link, expect(REDIRECT)),
        get("bad reset link", lambda o: reverse("password_reset_confirm", args=["MQ", "bad-token"]), PUBLIC),
    ],
    "password_reset_complete": [get("reset complete", lambda o: reverse("password_reset_complete"), PUBLIC)],
    # --- the second factor (rankandfile/org/account_views.py) ---
    # Without a login waiting for its code the page sends anonymous visitors to log in; a verified session goes
    # on to `next`; a member not enrolled (alice, frank) to the setup page.
    "two_factor_verify": [get("code page", lambda o: reverse("two_factor_verify"), expect(REDIRECT))],
    "two_factor_setup": [get("enrolment page", lambda o: reverse("two_factor_setup"), LOGGED_IN)],
    "recovery_codes": [
        # New codes only from a session that used its second factor: the enrolled officers here; alice and frank,
        # not enrolled, are sent to the code page, which sends them on to enrol.
        post(
            "new recovery codes",
            lambda o: reverse("recovery_codes"),
            expect(OK, anonymous=LOGIN, alice=REDIRECT, frank=REDIRECT),
        ),
        get("new recovery codes by GET", lambda o: reverse("recovery_codes"), POST_ONLY),
    ],
    # --- audit ---
    "audit:log": [get("audit log", lambda o: reverse("audit:log"), MEMBERS)],
    # Signed heads are for anyone, so outside parties can keep them (audit/access.py).
    "audit:heads": [get("signed heads", lambda o: reverse("audit:heads"), PUBLIC)],
    "audit:heads_feed": [get("signed heads as Atom", lambda o: reverse("audit:heads_feed"), PUBLIC)],
    "audit:head_publish": [
        post(
            "publish the head now",
            lambda o: reverse("audit:head_publish"),
            # Any unit's committee may sign the one organization-wide head now (yuri sits on York's): it only
            # publishes what the chain already holds, and does nothing when nothing was added since.
            expect(FORBIDDEN, anonymous=LOGIN, erin=REDIRECT, otto=REDIRECT, yuri=REDIRECT),
        ),
        get("publish by GET", lambda o: reverse("audit:head_publish"), POST_ONLY),
    ],
    # --- organization pages ---
    "org:units": [get("unit tree", lambda o: reverse("org:units"), MEMBERS)],
    "org:unit": [
        get("unit page", lambda o: reverse("org:unit", args=[o.leeds.pk]), MEMBERS),
        get("missing unit", lambda o: reverse("org:unit", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:directory": [
        get("Leeds directory", lambda o: reverse("org:directory", args=[o.leeds.pk]), MEMBERS),
        get("national directory", lambda o: reverse("org:directory", args=[o.national.pk]), MEMBERS),
        get("missing unit", lambda o: reverse("org:directory", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:unit_history": [
        get("Leeds role history", lambda o: reverse("org:unit_history", args=[o.leeds.pk]), MEMBERS),
        get("missing unit", lambda o: reverse("org:unit_history", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:unit_create": [
        get("new unit in Leeds", lambda o: reverse("org:unit_create", args=[o.leeds.pk]), MANAGE_IN_NORTH),
        get("new unit in national", lambda o: reverse("org:unit_create", args=[o.national.pk]), MANAGE_AT_NATIONAL),
        get("missing unit", lambda o: reverse("org:unit_create", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:unit_rename": [
        get("rename York", lambda o: reverse("org:unit_rename", args=[o.york.pk]), MANAGE_IN_YORK),
        get("rename Leeds", lambda o: reverse("org:unit_rename", args=[o.leeds.pk]), MANAGE_IN_NORTH),
        get("rename national", lambda o: reverse("org:unit_rename", args=[o.national.pk]), MANAGE_AT_NATIONAL),
    ],
    "org:unit_move": [
        # The form offers only new parents where the mover also holds manage_units (checked again on POST).
        get("move Leeds", lambda o: reverse("org:unit_move", args=[o.leeds.pk]), MANAGE_IN_NORTH),
        # Only dave holds manage_units over National; carol and yuri get the form back with the choice refused.
        post(
            "move York under National",
            lambda o: reverse("org:unit_move", args=[o.york.pk]),
            expect(FORBIDDEN, anonymous=LOGIN, carol=OK, dave=REDIRECT, yuri=OK),
            data=lambda o: {"new_parent": o.national.pk},
        ),
        get("missing unit", lambda o: reverse("org:unit_move", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:unit_dissolve": [
        post(
            "dissolve York",
            lambda o: reverse("org:unit_dissolve", args=[o.york.pk]),
            expect(FORBIDDEN, anonymous=LOGIN, carol=REDIRECT, dave=REDIRECT, yuri=REDIRECT),
        ),
        post(
            "dissolve Leeds",
            lambda o: reverse("org:unit_dissolve", args=[o.leeds.pk]),
            expect(FORBIDDEN, anonymous=LOGIN, carol=REDIRECT, dave=REDIRECT),
        ),
        get("dissolve by GET", lambda o: reverse("org:unit_dissolve", args=[o.york.pk]), POST_ONLY),
    ],
    "org:role_type_create": [
        get("define a Leeds role", lambda o: reverse("org:role_type_create", args=[o.leeds.pk]), MANAGE_IN_NORTH),
        get(
            "define a national role",
            lambda o: reverse("org:role_type_create", args=[o.national.pk]),
            MANAGE_AT_NATIONAL,
        ),
    ],
    "org:invite": [
        get("invite to Leeds", lambda o: reverse("org:invite", args=[o.leeds.pk]), MANAGE_MEMBERS_LEEDS),
        get("invite to York", lambda o: reverse("org:invite", args=[o.york.pk]), MANAGE_IN_YORK),
    ],
    "org:import": [
        get("import into Leeds", lambda o: reverse("org:import", args=[o.leeds.pk]), MANAGE_MEMBERS_LEEDS),
        get("import into York", lambda o: reverse("org:import", args=[o.york.pk]), MANAGE_IN_YORK),
        get("import into national", lambda o: reverse("org:import", args=[o.national.pk]), MANAGE_AT_NATIONAL),
        get("missing unit", lambda o: reverse("org:import", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:appoint": [
        get("appoint a Leeds chair", lambda o: reverse("org:appoint", args=[o.chair_role.pk]), MANAGE_IN_NORTH),
        get(
            "appoint a national secretary",
            lambda o: reverse("org:appoint", args=[o.secretary_role.pk]),
            MANAGE_AT_NATIONAL,
        ),
        get("missing role", lambda o: reverse("org:appoint", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:term_end": [
        get(
            "end the Leeds chair's term",
            lambda o: reverse("org:term_end", args=[o.bob.role_terms.get().pk]),
            MANAGE_IN_NORTH,
        ),
        get(
            "end the national secretary's term",
            lambda o: reverse("org:term_end", args=[o.dave.role_terms.get().pk]),
            MANAGE_AT_NATIONAL,
        ),
        get("missing term", lambda o: reverse("org:term_end", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:member": [
        get("a member's profile", lambda o: reverse("org:member", args=[o.bob.pk]), MEMBERS),
        get("a former member's profile", lambda o: reverse("org:member", args=[o.frank.pk]), MEMBERS),
        get("missing member", lambda o: reverse("org:member", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "org:my_profile": [get("my profile", lambda o: reverse("org:my_profile"), LOGGED_IN)],
    "org:token_create": [
        post("create a token", lambda o: reverse("org:token_create"), expect(REDIRECT, anonymous=LOGIN)),
        get("create a token by GET", lambda o: reverse("org:token_create"), POST_ONLY),
    ],
    "org:token_revoke": [
        post("revoke alice's token", alice_token_revoke, expect(NOT_FOUND, anonymous=LOGIN, alice=REDIRECT)),
    ],
    "org:accept_invitation": [
        get("valid invitation", invitation_link, PUBLIC),
        # To an address with an account: only its owner, logged in, may join (others are told to log in as it).
        post(
            "accept an invitation for alice's address",
            invitation_link_for_alice,
            expect(OK, alice=REDIRECT),
            data=lambda o: {"full_name": "Mallory", "password1": "x" * 12, "password2": "x" * 12},
        ),
        get(
            "unknown invitation", lambda o: reverse("org:accept_invitation", args=["no-such-token"]), expect(NOT_FOUND)
        ),
    ],
    # --- meetings (issue 4) ---
    "meetings:unit_meetings": [
        get("Leeds meetings", lambda o: reverse("meetings:unit_meetings", args=[o.leeds.pk]), TAKE_PART_LEEDS),
        get("missing unit", lambda o: reverse("meetings:unit_meetings", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "meetings:create": [
        get("new Leeds meeting", lambda o: reverse("meetings:create", args=[o.leeds.pk]), RUN_LEEDS),
        get("new national meeting", lambda o: reverse("meetings:create", args=[o.national.pk]), MANAGE_AT_NATIONAL),
    ],
    "meetings:meeting": [
        get("member view", meeting_url("meeting"), TAKE_PART_LEEDS),
        get("missing meeting", lambda o: reverse("meetings:meeting", args=[MISSING_ID]), MEETING_MISSING),
    ],
    "meetings:chair": [get("chair console", meeting_url("chair"), RUN_LEEDS)],
    "meetings:chair_controls": [get("the chair's controls", meeting_url("chair_controls"), RUN_LEEDS)],
    "meetings:projector": [get("projector (shows the check-in code)", meeting_url("projector"), RUN_LEEDS)],
    "meetings:qr": [get("check-in QR code", meeting_url("qr"), RUN_LEEDS)],
    "meetings:live": [
        get("live fragments", meeting_url("live"), TAKE_PART_LEEDS),
        get("missing meeting", lambda o: reverse("meetings:live", args=[MISSING_ID]), MEETING_MISSING),
    ],
    "meetings:me": [get("my panel", meeting_url("me"), TAKE_PART_LEEDS)],
    "meetings:edit": [get("edit meeting", meeting_url("edit"), RUN_LEEDS)],
    "meetings:rules": [get("speaking rules", meeting_url("rules"), RUN_LEEDS)],
    "meetings:check_in": [
        post("check in", meeting_url("check_in"), TAKE_PART_ACTION),
        get("check in by GET", meeting_url("check_in"), POST_ONLY),
    ],
    "meetings:check_in_code": [
        get("QR check-in link", leeds_check_in_link, TAKE_PART_LEEDS),
        get(
            "wrong code",
            meeting_url("check_in_code", "not-the-code"),
            expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN),
        ),
    ],
    "meetings:hand_raise": [
        post("raise a hand", meeting_url("hand_raise"), TAKE_PART_ACTION, data=lambda o: {"stance": "for"}),
        get("raise by GET", meeting_url("hand_raise"), POST_ONLY),
    ],
    "meetings:hand_withdraw": [post("withdraw a hand", meeting_url("hand_withdraw"), TAKE_PART_ACTION)],
    "meetings:speech_summary": [
        post(
            "summarize a missing speech",
            meeting_url("speech_summary"),
            expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN),
            data=lambda o: {"speech_id": MISSING_ID, "summary": "x"},
        )
    ],
    "meetings:dissent": [get("attach a dissent", meeting_url("dissent"), TAKE_PART_LEEDS)],
    "meetings:open": [post("open the meeting", meeting_url("open", is_open=False), RUN_ACTION)],
    "meetings:close": [post("close the meeting", meeting_url("close"), RUN_ACTION)],
    "meetings:item_add": [post("add an item", meeting_url("item_add"), RUN_ACTION, data=lambda o: {"title": "Budget"})],
    "meetings:item_move": [
        post("move an item up", meeting_item_url("item_move"), RUN_ACTION, data=lambda o: {"direction": "up"})
    ],
    "meetings:item_select": [post("take up an item", meeting_item_url("item_select"), RUN_ACTION)],
    "meetings:attendance_add": [post("check a member in", meeting_url("attendance_add"), RUN_ACTION)],
    "meetings:speaker_add": [post("add a speaker", meeting_url("speaker_add"), RUN_ACTION)],
    "meetings:speaker_lookup": [
        get("names to add as a speaker", meeting_url("speaker_lookup"), RUN_LEEDS),
        get(
            "names on a missing meeting",
            lambda o: reverse("meetings:speaker_lookup", args=[MISSING_ID]),
            MEETING_MISSING,
        ),
    ],
    "meetings:request_insert": [post("insert a speaker", meeting_url("request_insert"), RUN_ACTION)],
    "meetings:request_move": [post("move a request", meeting_url("request_move"), RUN_ACTION)],
    "meetings:request_remove": [post("remove a request", meeting_url("request_remove"), RUN_ACTION)],
    "meetings:speech_next": [
        post("call the next speaker", meeting_url("speech_next"), RUN_ACTION),
        get("call by GET", meeting_url("speech_next"), POST_ONLY),
    ],
    "meetings:speech_pause": [post("pause the speech", meeting_url("speech_pause"), RUN_ACTION)],
    "meetings:speech_resume": [post("resume the speech", meeting_url("speech_resume"), RUN_ACTION)],
    "meetings:speech_end": [post("end the speech", meeting_url("speech_end"), RUN_ACTION)],
    "meetings:speech_extend": [post("extend the speech", meeting_url("speech_extend"), RUN_ACTION)],
    "meetings:speech_note": [
        post(
            "note on a missing speech",
            meeting_url("speech_note"),
            expect(FORBIDDEN, anonymous=LOGIN, bob=NOT_FOUND, carol=NOT_FOUND, dave=NOT_FOUND),
            data=lambda o: {"speech_id": MISSING_ID},
        )
    ],
    "meetings:motion_add": [
        post("put a motion", meeting_url("motion_add"), RUN_ACTION, data=lambda o: {"text": "That we"})
    ],
    "meetings:motion_count": [
        post(
            "count a missing motion",
            meeting_url("motion_count"),
            expect(FORBIDDEN, anonymous=LOGIN, bob=NOT_FOUND, carol=NOT_FOUND, dave=NOT_FOUND),
            data=lambda o: {"motion_id": MISSING_ID},
        )
    ],
    "meetings:minutes": [
        get("minutes", meeting_url("minutes"), TAKE_PART_LEEDS),
        get("missing meeting", lambda o: reverse("meetings:minutes", args=[MISSING_ID]), MEETING_MISSING),
    ],
    "meetings:minutes_md": [get("minutes in Markdown", meeting_url("minutes_md"), TAKE_PART_LEEDS)],
    "meetings:minutes_edit": [get("edit the minutes' narrative", meeting_url("minutes_edit"), RUN_LEEDS)],
    "meetings:minutes_approve": [post("approve earlier minutes", meeting_url("minutes_approve"), RUN_ACTION)],
    # --- proposals ---
    "proposals:list": [
        get("Leeds proposals", lambda o: reverse("proposals:list", args=[o.leeds.pk]), MEMBERS),
        get("missing unit", lambda o: reverse("proposals:list", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "proposals:create": [
        get("propose in Leeds", lambda o: reverse("proposals:create", args=[o.leeds.pk]), LEEDS_MEMBERS)
    ],
    "proposals:rules": [
        get("Leeds decision rules", lambda o: reverse("proposals:rules", args=[o.leeds.pk]), MANAGE_BALLOTS)
    ],
    "proposals:detail": [
        get("a submitted proposal", proposal_url("detail"), MEMBERS),
        get(
            "alice's draft",
            proposal_url("detail", submitted=False),
            expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, alice=OK),
        ),
        get("missing proposal", lambda o: reverse("proposals:detail", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "proposals:live": [get("live signatures", proposal_url("live"), MEMBERS)],
    "proposals:edit": [
        get("edit alice's proposal", proposal_url("edit"), expect(FORBIDDEN, anonymous=LOGIN, alice=OK))
    ],
    "proposals:submit": [
        post(
            "submit alice's draft",
            proposal_url("submit", submitted=False),
            expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, alice=REDIRECT),
        ),
        get("submit by GET", proposal_url("submit"), POST_ONLY),
    ],
    "proposals:withdraw": [
        post("withdraw alice's proposal", proposal_url("withdraw"), expect(FORBIDDEN, anonymous=LOGIN, alice=REDIRECT))
    ],
    "proposals:agenda": [
        # chair_meetings over Leeds: bob (chair), carol (North), dave (national).
        post("put on the agenda", proposal_url("agenda"), RUN_ACTION),
    ],
    # Co-signing and amendment actions: the service refuses, with a message, what the rule does not allow (the
    # author co-signing, a stranger accepting an amendment); members outside Leeds cannot co-sign at all.
    "proposals:sign": [post("co-sign", proposal_url("sign"), LEEDS_ACTION)],
    "proposals:unsign": [post("withdraw a signature", proposal_url("unsign"), MEMBERS_ACTION)],
    "proposals:counter": [get("file a counter-proposal", proposal_url("counter"), LEEDS_MEMBERS)],
    "proposals:amend": [get("propose an amendment", proposal_url("amend"), LEEDS_MEMBERS)],
    "proposals:revision": [
        get("first revision", proposal_url("revision", 1), MEMBERS),
        get("missing revision", proposal_url("revision", 99), MEMBERS_MISSING),
    ],
    "proposals:amendment": [
        get("bob's amendment", bob_amendment_url("amendment"), MEMBERS),
        get("missing amendment", lambda o: reverse("proposals:amendment", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "proposals:amendment_accept": [post("accept an amendment", bob_amendment_url("amendment_accept"), MEMBERS_ACTION)],
    "proposals:amendment_withdraw": [
        post("withdraw an amendment", bob_amendment_url("amendment_withdraw"), MEMBERS_ACTION)
    ],
    # --- ballots (manage_ballots in Leeds: dave only) ---
    "ballots:list": [
        get("Leeds ballots", lambda o: reverse("ballots:list", args=[o.leeds.pk]), MEMBERS),
        get("missing unit", lambda o: reverse("ballots:list", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "ballots:create": [
        get("new question in Leeds", lambda o: reverse("ballots:create", args=[o.leeds.pk]), MANAGE_BALLOTS),
        get(
            "new choice on a proposal",
            lambda o: reverse("ballots:create", args=[o.leeds.pk]) + f"?kind=choice&proposal={alice_proposal(o).pk}",
            MANAGE_BALLOTS,
        ),
        # A York ballot never decides a Leeds proposal or amendment (issue 9): not even dave may set one up.
        get(
            "a York ballot on a Leeds proposal",
            lambda o: reverse("ballots:create", args=[o.york.pk]) + f"?proposal={alice_proposal(o).pk}",
            expect(FORBIDDEN, anonymous=LOGIN, dave=NOT_FOUND, yuri=NOT_FOUND),
        ),
        post(
            "a York ballot on a Leeds amendment",
            lambda o: bob_amendment_ballot_url(o, o.york),
            expect(FORBIDDEN, anonymous=LOGIN, dave=NOT_FOUND, yuri=NOT_FOUND),
            data=question_ballot_form,
        ),
    ],
    "ballots:detail": [
        get("an open ballot", ballot_url("detail"), MEMBERS),
        get("a draft ballot", ballot_url("detail", "draft"), DRAFT_ONLY_MANAGERS),
        get("missing ballot", lambda o: reverse("ballots:detail", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "ballots:review": [
        post("review a ranking", ballot_url("review"), ROLL_ACTION, data=lambda o: {"rank-1": "1", "rank-2": "2"}),
        get("review by GET", ballot_url("review"), POST_ONLY),
    ],
    "ballots:cast": [
        post("cast a ranking", ballot_url("cast"), ROLL_ACTION, data=lambda o: {"mark": ["2", "1"]}),
        get("cast by GET", ballot_url("cast"), POST_ONLY),
    ],
    "ballots:live": [get("the live count", ballot_url("live"), MEMBERS)],
    "ballots:projector": [get("projector", ballot_url("projector"), MEMBERS)],
    "ballots:console": [
        get("console of an open ballot", ballot_url("console"), MANAGE_BALLOTS),
        get(
            "console of a draft",
            ballot_url("console", "draft"),
            expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, dave=OK),
        ),
    ],
    "ballots:alternatives": [
        post(
            "change alternatives",
            ballot_url("alternatives", "draft"),
            expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, dave=REDIRECT),
        )
    ],
    "ballots:open": [
        post(
            "open a draft",
            ballot_url("open", "draft"),
            expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, dave=REDIRECT),
            data=lambda o: {"closes_at": "2099-01-01T12:00"},
        ),
    ],
    "ballots:close": [post("close an open ballot", ballot_url("close"), MANAGE_BALLOTS_ACTION)],
    "ballots:results": [
        get("results of a closed ballot", ballot_url("results", "closed"), MEMBERS),
        get("results of an open ballot (hidden)", ballot_url("results"), MEMBERS),
    ],
    "ballots:box": [
        get("the box of a closed ballot", ballot_url("box", "closed"), MEMBERS),
        get("the box of an open ballot", ballot_url("box"), NOT_PUBLISHED),
    ],
    "ballots:box_download": [
        get("download a closed box", ballot_url("box_download", "closed"), MEMBERS),
        get("download an open box", ballot_url("box_download"), NOT_PUBLISHED),
    ],
    "ballots:receipt_check": [
        get("check a receipt", ballot_url("receipt_check", "closed"), MEMBERS),
        post("check a receipt by POST", ballot_url("receipt_check", "closed"), MEMBERS, data=a_receipt),
        get("check before close: when the box will be published", ballot_url("receipt_check"), MEMBERS),
    ],
    "ballots:my_receipt": [
        # The receipt page after a reload: shows no vote (the tab keeps the receipt); the ballot page's rule.
        get("my receipt of an open ballot", ballot_url("my_receipt"), MEMBERS),
        get("my receipt of a draft", ballot_url("my_receipt", "draft"), DRAFT_ONLY_MANAGERS),
    ],
    "ballots:election_create": [
        get(
            "election for Leeds chair",
            lambda o: reverse("ballots:election_create", args=[o.chair_role.pk]),
            MANAGE_BALLOTS,
        ),
        get("missing role", lambda o: reverse("ballots:election_create", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "ballots:election": [
        get("an election", election_url("election"), MEMBERS),
        get("missing election", lambda o: reverse("ballots:election", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "ballots:nominate": [
        # Members of Leeds nominate (here alice, who is nominated once by each persona's request).
        post("nominate alice", election_url("nominate"), LEEDS_ACTION, data=lambda o: {"nominee": o.alice.pk}),
    ],
    "ballots:close_nominations": [post("close nominations", election_url("close_nominations"), MANAGE_BALLOTS_ACTION)],
    "ballots:nomination_accept": [
        get(
            "alice accepts her nomination",
            alice_nomination_url("nomination_accept"),
            expect(NOT_FOUND, anonymous=LOGIN, alice=OK),
        ),
    ],
    "ballots:nomination_withdraw": [
        post(
            "alice withdraws",
            alice_nomination_url("nomination_withdraw"),
            expect(NOT_FOUND, anonymous=LOGIN, alice=REDIRECT),
        ),
    ],
    # --- notifications (issue 12): every account reads its own; others' are 404; unsubscribing needs no login ---
    "notifications:list": [get("my notifications", lambda o: reverse("notifications:list"), LOGGED_IN)],
    "notifications:open": [
        get("open alice's notification", alice_notification_url, expect(NOT_FOUND, anonymous=LOGIN, alice=REDIRECT)),
        get(
            "missing notification",
            lambda o: reverse("notifications:open", args=[MISSING_ID]),
            expect(NOT_FOUND, anonymous=LOGIN),
        ),
    ],
    "notifications:read_all": [
        post("mark all read", lambda o: reverse("notifications:read_all"), expect(REDIRECT, anonymous=LOGIN)),
        get("mark all read by GET", lambda o: reverse("notifications:read_all"), POST_ONLY),
    ],
    "notifications:settings": [get("notification settings", lambda o: reverse("notifications:settings"), LOGGED_IN)],
    "notifications:unsubscribe": [
        get("a signed unsubscribe link", unsubscribe_link, PUBLIC),
        get(
            "a forged unsubscribe link",
            lambda o: reverse("notifications:unsubscribe", args=["eyJtIjoxLCJrIjoiYmFsbG90Lm9wZW5lZCJ9:forged"]),
            expect(NOT_FOUND),
        ),
    ],
    # --- insights: the same figures for every member in good standing; surveys need manage_ballots ---
    "insights:index": [get("every unit side by side", lambda o: reverse("insights:index"), MEMBERS)],
    "insights:definitions": [get("definitions", lambda o: reverse("insights:definitions"), MEMBERS)],
    "insights:mine": [get("my own figures", lambda o: reverse("insights:mine"), MEMBERS)],
    "insights:unit": [
        get("Leeds insights", lambda o: reverse("insights:unit", args=[o.leeds.pk]), MEMBERS),
        get("York insights", lambda o: reverse("insights:unit", args=[o.york.pk]), MEMBERS),
        get("missing unit", lambda o: reverse("insights:unit", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "insights:unit_csv": [
        get("Leeds insights CSV", lambda o: reverse("insights:unit_csv", args=[o.leeds.pk]), MEMBERS),
        get("missing unit", lambda o: reverse("insights:unit_csv", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "insights:survey_new": [
        get("climate survey in Leeds", lambda o: reverse("insights:survey_new", args=[o.leeds.pk]), MANAGE_BALLOTS),
        get("missing unit", lambda o: reverse("insights:survey_new", args=[MISSING_ID]), MEMBERS_MISSING),
    ],
    "insights:exit_survey": [
        get("exit survey link", frank_exit_link, PUBLIC),
        get("unknown link", lambda o: reverse("insights:exit_survey", args=["no-such-link"]), expect(NOT_FOUND)),
    ],
    # --- API (bearer tokens; 401 without one) ---
    "api:openapi-json": [get("OpenAPI schema", lambda o: "/api/v1/openapi.json", PUBLIC)],
    "api:openapi-view": [get("API docs", lambda o: "/api/v1/docs", PUBLIC)],
    "api:api-root": [get("API root", lambda o: "/api/v1/", expect(NOT_FOUND))],
    "api:list_units": [api_get("units", lambda o: "/units", API_MEMBERS)],
    "api:unit_insights": [
        api_get("Leeds insights", lambda o: f"/units/{o.leeds.pk}/insights", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/insights", API_MEMBERS_MISSING),
    ],
    "api:my_insights": [api_get("my own figures", lambda o: "/insights/me", API_MEMBERS)],
    # Outside parties without a token have the public page and feed (audit:heads, audit:heads_feed).
    "api:audit_heads": [api_get("signed heads", lambda o: "/audit/heads", API_MEMBERS)],
    "api:audit_public_keys": [api_get("audit public keys", lambda o: "/audit/public-keys", API_MEMBERS)],
    "api:get_unit": [
        api_get("a unit", lambda o: f"/units/{o.leeds.pk}", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}", API_MEMBERS_MISSING),
    ],
    "api:unit_members": [
        api_get("a unit's members", lambda o: f"/units/{o.leeds.pk}/members", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/members", API_MEMBERS_MISSING),
    ],
    "api:unit_roles": [
        api_get("a unit's roles", lambda o: f"/units/{o.leeds.pk}/roles", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/roles", API_MEMBERS_MISSING),
    ],
    "api:unit_terms": [
        api_get("a unit's role history", lambda o: f"/units/{o.leeds.pk}/terms", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/terms", API_MEMBERS_MISSING),
    ],
    "api:get_member": [
        api_get("a member", lambda o: f"/members/{o.bob.pk}", API_MEMBERS),
        api_get("missing member", lambda o: f"/members/{MISSING_ID}", API_MEMBERS_MISSING),
    ],
    "api:member_memberships": [
        api_get("a member's units", lambda o: f"/members/{o.bob.pk}/memberships", API_MEMBERS),
        api_get("missing member", lambda o: f"/members/{MISSING_ID}/memberships", API_MEMBERS_MISSING),
    ],
    "api:member_terms": [
        api_get("a member's role history", lambda o: f"/members/{o.bob.pk}/terms", API_MEMBERS),
        api_get("missing member", lambda o: f"/members/{MISSING_ID}/terms", API_MEMBERS_MISSING),
    ],
    "api:appoint": [
        Case(
            "appoint alice as second North organizer",
            lambda o: f"/api/v1/roles/{o.organizer_role.pk}/appointments",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, carol=CREATED, dave=CREATED),
            method="post",
            data=appointment,
            api=True,
            json=True,
        ),
        Case(
            "appoint to a missing role",
            lambda o: f"/api/v1/roles/{MISSING_ID}/appointments",
            API_MEMBERS_MISSING,
            method="post",
            data=appointment,
            api=True,
            json=True,
        ),
    ],
    "api:unit_proposals": [
        api_get("Leeds proposals", lambda o: f"/units/{o.leeds.pk}/proposals", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/proposals", API_MEMBERS_MISSING),
    ],
    "api:get_proposal": [
        api_get("a proposal", lambda o: f"/proposals/{alice_proposal(o).pk}", API_MEMBERS),
        api_get("missing proposal", lambda o: f"/proposals/{MISSING_ID}", API_MEMBERS_MISSING),
    ],
    "api:sign_proposal": [
        # Members of Leeds other than the author co-sign; the author is refused (422), other units 403.
        api_post(
            "co-sign alice's proposal",
            lambda o: f"/proposals/{alice_proposal(o).pk}/sign",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, alice="422", bob=CREATED, erin=CREATED),
        ),
    ],
    "api:unsign_proposal": [
        api_post(
            "withdraw a signature never given",
            lambda o: f"/proposals/{alice_proposal(o).pk}/unsign",
            expect("422", anonymous=UNAUTHORIZED, frank=FORBIDDEN),
        ),
    ],
    "api:unit_ballots": [
        api_get("Leeds ballots", lambda o: f"/units/{o.leeds.pk}/ballots", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/ballots", API_MEMBERS_MISSING),
    ],
    "api:get_ballot": [
        api_get("an open ballot", lambda o: f"/ballots/{leeds_ballot(o).pk}", API_MEMBERS),
        api_get(
            "a draft",
            lambda o: f"/ballots/{leeds_ballot(o, 'draft').pk}",
            expect(NOT_FOUND, anonymous=UNAUTHORIZED, frank=FORBIDDEN, dave=OK),
        ),
    ],
    "api:cast_ballot": [
        api_post(
            "cast a ranking",
            lambda o: f"/ballots/{leeds_ballot(o).pk}/cast",
            API_ROLL_CAST,
            data=lambda o: {"marks": ["Ben", "Ann"]},
        ),
    ],
    "api:open_ballot": [
        api_post(
            "open a draft",
            lambda o: f"/ballots/{leeds_ballot(o, 'draft').pk}/open",
            expect(NOT_FOUND, anonymous=UNAUTHORIZED, frank=FORBIDDEN, dave=OK),
            data=lambda o: {"closes_at": "2099-01-01T12:00:00Z"},
        ),
    ],
    "api:close_ballot": [
        api_post(
            "close an open ballot",
            lambda o: f"/ballots/{leeds_ballot(o).pk}/close",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, dave=OK),
        ),
    ],
    "api:ballot_results": [
        api_get(
            "results of a closed ballot", lambda o: f"/ballots/{leeds_ballot(o, 'closed').pk}/results", API_MEMBERS
        ),
        api_get("missing ballot", lambda o: f"/ballots/{MISSING_ID}/results", API_MEMBERS_MISSING),
    ],
    # A member leaves, or contests an exit recorded for them, only on their own membership (alice's Leeds one here).
    "org:membership_leave": [
        post(
            "leave Leeds", alice_membership_url("membership_leave"), expect(NOT_FOUND, anonymous=LOGIN, alice=REDIRECT)
        ),
        get("leave by GET", alice_membership_url("membership_leave"), expect(NOT_ALLOWED, anonymous=LOGIN)),
    ],
    "org:membership_contest": [
        post(
            "contest an exit",
            alice_membership_url("membership_contest"),
            expect(NOT_FOUND, anonymous=LOGIN, alice=REDIRECT),
        ),
    ],
    # --- confidential cases (issue 11; rankandfile/cases/access.py). A Leeds case goes to erin's national committee;
    # everyone else, officers and the operator included, gets 404 on it (and the attempt is recorded). yuri holds
    # the committee's capability in York only: he reaches the committee's own pages, never a Leeds case.
    # rankandfile/cases/tests/test_case_permissions.py repeats this for the issue's nine personas.
    "cases:report": [get("report a concern", lambda o: reverse("cases:report"), PUBLIC)],
    "cases:public_report": [
        get("public intake of Leeds", lambda o: reverse("cases:public_report", args=[o.leeds.pk]), PUBLIC),
        get(
            "public intake of a missing unit",
            lambda o: reverse("cases:public_report", args=[MISSING_ID]),
            expect(NOT_FOUND),
        ),
    ],
    "cases:figures": [get("case figures of Leeds", lambda o: reverse("cases:figures", args=[o.leeds.pk]), MEMBERS)],
    "cases:receipt": [get("enter a receipt", lambda o: reverse("cases:receipt"), PUBLIC)],
    "cases:mine": [get("my case without a receipt", lambda o: reverse("cases:mine"), expect(REDIRECT))],
    "cases:mine_message": [
        post("a message without a receipt", lambda o: reverse("cases:mine_message"), expect(NOT_FOUND))
    ],
    "cases:mine_appeal": [
        post("an appeal without a receipt", lambda o: reverse("cases:mine_appeal"), expect(NOT_FOUND))
    ],
    "cases:mine_file": [
        get("a file without a receipt", lambda o: reverse("cases:mine_file", args=[1]), expect(NOT_FOUND))
    ],
    "cases:mine_leave": [post("forget the receipt", lambda o: reverse("cases:mine_leave"), expect(REDIRECT))],
    "cases:list": [get("the committee's cases", lambda o: reverse("cases:list"), CASE_KEYHOLDERS)],
    "cases:key": [get("the case passphrase", lambda o: reverse("cases:key"), CASE_KEYHOLDERS)],
    "cases:key_lock": [post("lock the case key", lambda o: reverse("cases:key_lock"), expect(REDIRECT))],
    "cases:record": [get("record a paper complaint", lambda o: reverse("cases:record"), CASE_KEYHOLDERS)],
    "cases:case": [
        get("a Leeds case", case_url("case"), LEEDS_COMMITTEE),
        get(
            "a missing case", lambda o: reverse("cases:case", args=["C-0000-0000"]), expect(NOT_FOUND, anonymous=LOGIN)
        ),
    ],
    "cases:entry_add": [post("add a note", case_url("entry_add"), LEEDS_COMMITTEE_ACTION, data=a_note)],
    "cases:move": [
        post("acknowledge", case_url("move"), LEEDS_COMMITTEE_ACTION, data=lambda o: {"to": "acknowledged"})
    ],
    "cases:decide": [post("decide", case_url("decide"), LEEDS_COMMITTEE_ACTION, data=a_note)],
    "cases:recuse": [
        post("declare a conflict", case_url("recuse"), LEEDS_COMMITTEE_ACTION, data=lambda o: {"reason": "x"})
    ],
    "cases:appeal": [post("record an appeal", case_url("appeal"), LEEDS_COMMITTEE_ACTION, data=a_note)],
    "cases:appeal_decide": [post("decide an appeal", case_url("appeal_decide"), LEEDS_COMMITTEE_ACTION, data=a_note)],
    "cases:file": [get("a file of a Leeds case (locked: to the key page)", case_file_url, LEEDS_COMMITTEE_ACTION)],
    "cases:settings": [
        get("the case settings", lambda o: reverse("cases:settings"), TOP_COMMITTEE),
        post(
            "set the case deadlines",
            lambda o: reverse("cases:settings"),
            expect(FORBIDDEN, anonymous=LOGIN, erin=REDIRECT),
            data=case_policy,
        ),
    ],
    "cases:category": [
        get("rename a case category", case_category_url, TOP_COMMITTEE),
        get(
            "a missing case category",
            lambda o: reverse("cases:category", args=[MISSING_ID]),
            expect(FORBIDDEN, anonymous=LOGIN, erin=NOT_FOUND),
        ),
    ],
    "api:case_figures": [
        api_get("case figures of Leeds", lambda o: f"/units/{o.leeds.pk}/case-figures", API_MEMBERS),
        api_get("case figures of a missing unit", lambda o: f"/units/{MISSING_ID}/case-figures", API_MEMBERS_MISSING),
    ],
    "api:ballot_box": [
        api_get("the box of a closed ballot", lambda o: f"/ballots/{leeds_ballot(o, 'closed').pk}/box", API_MEMBERS),
        api_get(
            "the box of an open ballot",
            lambda o: f"/ballots/{leeds_ballot(o).pk}/box",
            expect(NOT_FOUND, anonymous=UNAUTHORIZED, frank=FORBIDDEN),
        ),
    ],
    # --- the API does what the pages do (issue 12): each write with the page's rule and refusals ---
    "api:end_term": [
        api_post(
            "end the Leeds chair's term",
            lambda o: f"/terms/{o.bob.role_terms.get().pk}/end",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, carol=OK, dave=OK),
            data=lambda o: {"reason": "Moved to York."},
        ),
        api_post(
            "missing term", lambda o: f"/terms/{MISSING_ID}/end", API_MEMBERS_MISSING, data=lambda o: {"reason": "x"}
        ),
    ],
    "api:create_role_type": [
        api_post(
            "define a Leeds role",
            lambda o: f"/units/{o.leeds.pk}/roles",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, carol=CREATED, dave=CREATED),
            data=lambda o: {"name": "Treasurer", "capabilities": ["manage_ballots"]},
        ),
    ],
    "api:create_proposal": [
        api_post(
            "propose in Leeds",
            lambda o: f"/units/{o.leeds.pk}/proposals",
            API_LEEDS_CREATE,
            data=lambda o: {"title": "Night buses", "text": "The branch asks for night buses."},
        ),
    ],
    "api:create_counter_proposal": [
        api_post(
            "counter alice's proposal",
            lambda o: f"/proposals/{alice_proposal(o).pk}/counter-proposals",
            API_LEEDS_CREATE,
            data=lambda o: {"title": "A smaller fund", "text": "A fund of £100."},
        ),
    ],
    "api:revise_proposal": [
        api_post(
            "edit alice's proposal",
            lambda o: f"/proposals/{alice_proposal(o).pk}/revisions",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, alice=CREATED),
            data=lambda o: {"title": "Rent strike fund", "text": "A fund of £200."},
        ),
    ],
    "api:submit_proposal": [
        api_post(
            "submit alice's draft",
            lambda o: f"/proposals/{alice_proposal(o, submitted=False).pk}/submit",
            expect(NOT_FOUND, anonymous=UNAUTHORIZED, frank=FORBIDDEN, alice=OK),
        ),
    ],
    "api:withdraw_proposal": [
        api_post(
            "withdraw alice's proposal",
            lambda o: f"/proposals/{alice_proposal(o).pk}/withdraw",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, alice=OK),
        ),
    ],
    "api:put_proposal_on_agenda": [
        api_post(
            "put on the agenda", lambda o: f"/proposals/{alice_proposal(o).pk}/agenda", API_RUN_LEEDS, data=no_body
        ),
    ],
    "api:proposal_amendments": [
        api_get("amendments of a proposal", lambda o: f"/proposals/{alice_proposal(o).pk}/amendments", API_MEMBERS),
        api_get("missing proposal", lambda o: f"/proposals/{MISSING_ID}/amendments", API_MEMBERS_MISSING),
    ],
    "api:propose_amendment": [
        # The author does not amend her own proposal (she edits it): refused with the service's reason.
        api_post(
            "amend alice's proposal",
            lambda o: f"/proposals/{alice_proposal(o).pk}/amendments",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, alice="422", bob=CREATED, erin=CREATED),
            data=lambda o: {"text": "The branch sets up a *strike fund* of £300."},
        ),
    ],
    "api:get_amendment": [
        api_get(
            "bob's amendment", lambda o: "/amendments/" + bob_amendment_url("amendment")(o).split("/")[-2], API_MEMBERS
        ),
        api_get("missing amendment", lambda o: f"/amendments/{MISSING_ID}", API_MEMBERS_MISSING),
    ],
    "api:accept_amendment": [
        api_post(
            "accept bob's amendment",
            lambda o: "/amendments/" + bob_amendment_url("amendment")(o).split("/")[-2] + "/accept",
            expect("422", anonymous=UNAUTHORIZED, frank=FORBIDDEN, alice=OK),
        ),
    ],
    "api:withdraw_amendment": [
        api_post(
            "withdraw bob's amendment",
            lambda o: "/amendments/" + bob_amendment_url("amendment")(o).split("/")[-2] + "/withdraw",
            expect("422", anonymous=UNAUTHORIZED, frank=FORBIDDEN, bob=OK),
        ),
    ],
    "api:get_decision_rules": [
        api_get("Leeds decision rules", lambda o: f"/units/{o.leeds.pk}/decision-rules", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/decision-rules", API_MEMBERS_MISSING),
    ],
    "api:set_decision_rules": [
        api_post(
            "set Leeds decision rules",
            lambda o: f"/units/{o.leeds.pk}/decision-rules",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, dave=OK),
            data=lambda o: {"counter_cosigners": 3, "choice_method": "schulze"},
        ),
    ],
    "api:create_ballot": [
        api_post(
            "a question in Leeds",
            lambda o: f"/units/{o.leeds.pk}/ballots",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, dave=CREATED),
            data=lambda o: {"title": "Affiliate to the trades council?"},
        ),
        # As on the page: a York ballot never decides a Leeds proposal, not even dave's or yuri's.
        api_post(
            "a York ballot on a Leeds proposal",
            lambda o: f"/units/{o.york.pk}/ballots",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, dave=NOT_FOUND, yuri=NOT_FOUND),
            data=lambda o: {"title": "Fund?", "proposal_id": alice_proposal(o).pk},
        ),
    ],
    "api:set_ballot_alternatives": [
        # The draft election ballot has no alternatives to change: the service says so (422) to its manager.
        api_post(
            "change a draft's alternatives",
            lambda o: f"/ballots/{leeds_ballot(o, 'draft').pk}/alternatives",
            expect(NOT_FOUND, anonymous=UNAUTHORIZED, frank=FORBIDDEN, dave="422"),
            data=lambda o: {"alternative_ids": []},
        ),
    ],
    "api:unit_elections": [
        api_get("Leeds elections", lambda o: f"/units/{o.leeds.pk}/elections", API_MEMBERS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/elections", API_MEMBERS_MISSING),
    ],
    "api:get_election": [
        api_get("an election", lambda o: f"/elections/{leeds_election(o).pk}", API_MEMBERS),
        api_get("missing election", lambda o: f"/elections/{MISSING_ID}", API_MEMBERS_MISSING),
    ],
    "api:create_election": [
        api_post(
            "an election for Leeds chair (the defaults)",
            lambda o: f"/roles/{o.chair_role.pk}/elections",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, dave=CREATED),
            data=no_body,
        ),
        api_post("missing role", lambda o: f"/roles/{MISSING_ID}/elections", API_MEMBERS_MISSING, data=no_body),
    ],
    "api:nominate": [
        api_post(
            "nominate alice",
            lambda o: f"/elections/{leeds_election(o).pk}/nominations",
            API_LEEDS_CREATE,
            data=lambda o: {"nominee_id": o.alice.pk},
        ),
    ],
    "api:close_nominations": [
        # Before the deadline: refused with the reason (everyone gets the whole period).
        api_post(
            "close nominations early",
            lambda o: f"/elections/{leeds_election(o).pk}/close-nominations",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, dave="422"),
        ),
    ],
    "api:accept_nomination": [
        api_post(
            "alice accepts",
            lambda o: "/nominations/" + alice_nomination_url("nomination_accept")(o).split("/")[-3] + "/accept",
            expect(NOT_FOUND, anonymous=UNAUTHORIZED, alice=OK),
            data=lambda o: {"statement": "I will publish every decision within a week."},
        ),
    ],
    "api:withdraw_nomination": [
        api_post(
            "alice declines",
            lambda o: "/nominations/" + alice_nomination_url("nomination_withdraw")(o).split("/")[-3] + "/withdraw",
            expect(NOT_FOUND, anonymous=UNAUTHORIZED, alice=OK),
        ),
    ],
    "api:unit_meetings": [
        api_get("Leeds meetings", lambda o: f"/units/{o.leeds.pk}/meetings", API_TAKE_PART_LEEDS),
        api_get("missing unit", lambda o: f"/units/{MISSING_ID}/meetings", API_MEMBERS_MISSING),
    ],
    "api:get_meeting": [
        api_get("a Leeds meeting", lambda o: f"/meetings/{leeds_meeting(o).pk}", API_TAKE_PART_LEEDS),
        api_get("missing meeting", lambda o: f"/meetings/{MISSING_ID}", API_MEMBERS_MISSING),
    ],
    "api:create_meeting": [
        api_post(
            "call a Leeds meeting",
            lambda o: f"/units/{o.leeds.pk}/meetings",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob=CREATED, carol=CREATED, dave=CREATED),
            data=lambda o: {
                "title": "Branch meeting",
                "starts_at": "2099-01-01T19:00:00Z",
                "mode": "online",
                "online_link": "https://meet.example.org/leeds",
                "agenda": ["Rent strike"],
            },
        ),
    ],
    "api:open_meeting": [
        api_post("open a meeting", lambda o: f"/meetings/{leeds_meeting(o, is_open=False).pk}/open", API_RUN_LEEDS),
    ],
    "api:close_meeting": [
        api_post("close a meeting", lambda o: f"/meetings/{leeds_meeting(o).pk}/close", API_RUN_LEEDS)
    ],
    "api:add_agenda_item": [
        api_post(
            "add an item",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/items",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob=CREATED, carol=CREATED, dave=CREATED),
            data=lambda o: {"title": "Budget"},
        ),
    ],
    "api:move_agenda_item": [
        api_post(
            "move an item up",
            lambda o: "/meetings/{}/items/{}/move".format(*api_meeting_item(o)),
            API_RUN_LEEDS,
            data=lambda o: {"direction": "up"},
        ),
    ],
    "api:select_agenda_item": [
        api_post(
            "take up an item", lambda o: "/meetings/{}/items/{}/select".format(*api_meeting_item(o)), API_RUN_LEEDS
        ),
    ],
    "api:check_in": [
        api_post("check in", lambda o: f"/meetings/{leeds_meeting(o).pk}/check-in", API_TAKE_PART_LEEDS, data=no_body),
    ],
    "api:raise_hand": [
        api_post(
            "raise a hand",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/hand",
            expect(CREATED, anonymous=UNAUTHORIZED, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN),
            data=lambda o: {"stance": "for"},
        ),
    ],
    "api:withdraw_hand": [
        api_post(
            "withdraw a hand never raised",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/hand/withdraw",
            expect("422", anonymous=UNAUTHORIZED, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN),
        ),
    ],
    "api:add_attendance": [
        api_post(
            "check alice in",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/attendance",
            API_RUN_LEEDS,
            data=lambda o: {"member_id": o.alice.pk},
        ),
    ],
    "api:add_speaker": [
        api_post(
            "add alice to the list",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/speakers",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob=CREATED, carol=CREATED, dave=CREATED),
            data=lambda o: {"member_id": o.alice.pk, "stance": "for"},
        ),
    ],
    "api:next_speaker": [
        api_post(
            "call the next speaker of an empty list",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/speech/next",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob="422", carol="422", dave="422"),
        ),
    ],
    "api:end_speech": [
        api_post(
            "end a speech when nobody speaks",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/speech/end",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob="422", carol="422", dave="422"),
        ),
    ],
    "api:meeting_motions": [
        api_get("motions", lambda o: f"/meetings/{leeds_meeting(o).pk}/motions", API_TAKE_PART_LEEDS),
    ],
    "api:add_motion": [
        api_post(
            "put a motion",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/motions",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob=CREATED, carol=CREATED, dave=CREATED),
            data=lambda o: {"text": "That the branch backs the rent strike."},
        ),
    ],
    "api:count_motion": [
        api_post(
            "count a missing motion",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/motions/{MISSING_ID}/count",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob=NOT_FOUND, carol=NOT_FOUND, dave=NOT_FOUND),
            data=lambda o: {"votes_for": 3, "votes_against": 1},
        ),
    ],
    "api:add_dissent": [
        # Only those who attended attach a dissent: nobody checked in here, so the service refuses (422).
        api_post(
            "attach a dissent",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/dissents",
            expect("422", anonymous=UNAUTHORIZED, frank=FORBIDDEN, otto=FORBIDDEN, yuri=FORBIDDEN),
            data=lambda o: {"text": "I said the fund was too small."},
        ),
    ],
    "api:approve_minutes": [
        api_post(
            "approve minutes that are not waiting",
            lambda o: f"/meetings/{leeds_meeting(o).pk}/minutes/approve",
            expect(FORBIDDEN, anonymous=UNAUTHORIZED, bob="422", carol="422", dave="422"),
            data=lambda o: {"minutes_of_id": MISSING_ID},
        ),
    ],
}


# --- recall (issue 15): alice's petition against bob, chair of Leeds (the roll: alice, bob, erin) ---
def alice_recall_petition(o: SmallOrg) -> Any:
    from rankandfile.org.models import RoleTerm
    from rankandfile.recall import selectors as recall_selectors
    from rankandfile.recall import services as recall_services

    term = RoleTerm.objects.get(holder=o.bob, role_type=o.chair_role)
    existing = recall_selectors.active_petition_for(term)
    if existing is not None:  # the WebSocket test builds the URL once per persona
        return existing
    return recall_services.petition_start(actor=o.alice, term=term, statement="Bob ignored the branch's decisions.")


def recall_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return reverse(f"recall:{name}", args=[alice_recall_petition(o).pk])

    url.__name__ = f"recall_{name}"
    return url


def bob_term_recall(o: SmallOrg) -> str:
    from rankandfile.org.models import RoleTerm

    return reverse("recall:start", args=[RoleTerm.objects.get(holder=o.bob, role_type=o.chair_role).pk])


# Members of Leeds and officers over it see petitions; York's members and officers (otto, yuri) get 404.
SEE_LEEDS_RECALLS = expect(OK, anonymous=LOGIN, frank=FORBIDDEN, otto=NOT_FOUND, yuri=NOT_FOUND)
SIGN_LEEDS_RECALL = expect(
    FORBIDDEN, anonymous=LOGIN, alice=REDIRECT, bob=REDIRECT, erin=REDIRECT, otto=NOT_FOUND, yuri=NOT_FOUND
)
MATRIX.update(
    {
        "recall:list": [
            get("Leeds recalls", lambda o: reverse("recall:list", args=[o.leeds.pk]), SEE_LEEDS_RECALLS),
            get("missing unit", lambda o: reverse("recall:list", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "recall:rules": [
            get(
                "the organization's recall rules",
                lambda o: reverse("recall:rules", args=[o.national.pk]),
                MANAGE_AT_NATIONAL,
            ),
            get(
                "no rules of a branch",
                lambda o: reverse("recall:rules", args=[o.leeds.pk]),
                expect(FORBIDDEN, anonymous=LOGIN, dave=NOT_FOUND),
            ),
        ],
        "recall:start": [
            get(
                "start a petition against bob",
                bob_term_recall,
                expect(
                    OK,
                    anonymous=LOGIN,
                    bob=FORBIDDEN,
                    carol=FORBIDDEN,
                    dave=FORBIDDEN,
                    frank=FORBIDDEN,
                    otto=NOT_FOUND,
                    yuri=NOT_FOUND,
                ),
            ),
            get("missing term", lambda o: reverse("recall:start", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "recall:detail": [
            get("alice's petition", recall_url("detail"), SEE_LEEDS_RECALLS),
            get("missing petition", lambda o: reverse("recall:detail", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "recall:live": [get("live progress", recall_url("live"), SEE_LEEDS_RECALLS)],
        "recall:sign": [
            post("sign", recall_url("sign"), SIGN_LEEDS_RECALL),
            get("sign by GET", recall_url("sign"), POST_ONLY),
        ],
        "recall:unsign": [
            post(
                "withdraw a signature",
                recall_url("unsign"),
                expect(REDIRECT, anonymous=LOGIN, frank=FORBIDDEN, otto=NOT_FOUND, yuri=NOT_FOUND),
            ),
        ],
        "recall:respond": [
            get(
                "bob's response",
                recall_url("respond"),
                expect(FORBIDDEN, anonymous=LOGIN, bob=OK, otto=NOT_FOUND, yuri=NOT_FOUND),
            ),
        ],
    }
)


def api_recall(suffix: str = "") -> Callable[[SmallOrg], str]:
    def path(o: SmallOrg) -> str:
        return f"/recall-petitions/{alice_recall_petition(o).pk}{suffix}"

    path.__name__ = f"api_recall{suffix.replace('/', '_')}"
    return path


def bob_term_api(o: SmallOrg) -> str:
    from rankandfile.org.models import RoleTerm

    return f"/terms/{RoleTerm.objects.get(holder=o.bob, role_type=o.chair_role).pk}/recall-petitions"


# The recall API (issue 15) keeps the pages' rules: York's member and officer (otto, yuri) get 404, as on the pages.
API_SEE_LEEDS_RECALLS = expect(OK, anonymous=UNAUTHORIZED, frank=FORBIDDEN, otto=NOT_FOUND, yuri=NOT_FOUND)
API_RECALL_OUTSIDERS = {"anonymous": UNAUTHORIZED, "frank": FORBIDDEN, "otto": NOT_FOUND, "yuri": NOT_FOUND}
MATRIX.update(
    {
        "api:unit_recall_petitions": [
            api_get("Leeds recall petitions", lambda o: f"/units/{o.leeds.pk}/recall-petitions", API_SEE_LEEDS_RECALLS),
            api_get("missing unit", lambda o: f"/units/{MISSING_ID}/recall-petitions", API_MEMBERS_MISSING),
        ],
        "api:get_recall_petition": [
            api_get("alice's petition", api_recall(), API_SEE_LEEDS_RECALLS),
            api_get("missing petition", lambda o: f"/recall-petitions/{MISSING_ID}", API_MEMBERS_MISSING),
        ],
        "api:start_recall_petition": [
            # Members of Leeds but bob himself; officers over Leeds who are not its members are refused (403).
            api_post(
                "start a petition against bob",
                bob_term_api,
                expect(FORBIDDEN, **API_RECALL_OUTSIDERS, alice=CREATED, erin=CREATED),
                data=lambda o: {"statement": "Bob ignored the branch's decisions."},
            ),
            api_post(
                "missing term",
                lambda o: f"/terms/{MISSING_ID}/recall-petitions",
                API_MEMBERS_MISSING,
                data=lambda o: {"statement": "x"},
            ),
        ],
        "api:sign_recall_petition": [
            # alice signed when she started it and bob is the officer named: the service refuses both (422).
            api_post(
                "sign alice's petition",
                api_recall("/sign"),
                expect(FORBIDDEN, **API_RECALL_OUTSIDERS, alice="422", bob="422", erin=CREATED),
            ),
        ],
        "api:unsign_recall_petition": [
            api_post(
                "withdraw a signature",
                api_recall("/unsign"),
                expect("422", **API_RECALL_OUTSIDERS, alice=OK),
            ),
        ],
        "api:respond_to_recall_petition": [
            api_post(
                "bob's response",
                api_recall("/response"),
                expect(FORBIDDEN, **API_RECALL_OUTSIDERS, bob=OK),
                data=lambda o: {"response": "I followed the line the branch set."},
            ),
        ],
    }
)

# WebSocket route (its name, or its pattern when unnamed) → the cases for it. Each case gives the path and, per
# persona, whether the connection is accepted. The meetings work adds its routes here.
WEBSOCKET_MATRIX: dict[str, list[tuple[str, Callable[[SmallOrg], str], dict[str, bool]]]] = {
    "meeting_ws": [
        (
            "follow a Leeds meeting live",
            leeds_meeting_ws,
            {p: p in {"alice", "bob", "carol", "dave", "erin"} for p in PERSONAS},
        ),
        ("a missing meeting", lambda o: f"/ws/meetings/{MISSING_ID}/", dict.fromkeys(PERSONAS, False)),
    ],
    "ballot_ws": [
        (
            "the live count of an open Leeds ballot",
            ballot_ws("open"),
            {p: p not in {"anonymous", "frank"} for p in PERSONAS},
        ),
        ("a draft ballot", ballot_ws("draft"), {p: p == "dave" for p in PERSONAS}),
    ],
    "proposal_ws": [
        (
            "live signatures of alice's proposal",
            lambda o: f"/ws/proposals/{alice_proposal(o).pk}/",
            {p: p not in {"anonymous", "frank"} for p in PERSONAS},
        ),
    ],
}

WEBSOCKET_MATRIX["recall_ws"] = [
    (
        "live progress of alice's recall petition",
        lambda o: f"/ws/recalls/{alice_recall_petition(o).pk}/",
        {p: p not in {"anonymous", "frank", "otto", "yuri"} for p in PERSONAS},
    ),
]

ADMIN_NAMESPACE = "admin"
# The models the Django admin may show. None holds confidential content; adding one here needs that review.
ADMIN_MODELS_ALLOWED = {
    "auth.group",
    "org.unit",
    "org.member",
    "org.membership",
    "org.roletype",
    "org.roleterm",
    "meetings.meeting",  # view only: titles, times, places and status; no speeches, notes or dissents
    "ballots.ballot",  # view only: title, kind, method, status and dates; never contents, receipts or voters
    "ballots.election",  # view only: role, seats, method, status
    "proposals.proposal",  # view only: texts that every member can read anyway
}


# --- bulletin: a Leeds discussion period set up by dave (manage_bulletin), alice's documents in it ---
def leeds_discussion(o: SmallOrg) -> Any:
    from rankandfile.bulletin.tests.helpers import leeds_period

    return leeds_period(o)


def alice_document(o: SmallOrg, status: str = "submitted") -> Any:
    from rankandfile.bulletin import services as bulletin_services
    from rankandfile.bulletin.tests.helpers import published, submitted

    period = leeds_discussion(o)
    if status == "draft":
        return bulletin_services.document_create(actor=o.alice, period=period, title="Draft", text="Not yet.")
    if status == "published":
        return published(o, period, o.alice)
    return submitted(o, period, o.alice)


def bulletin_url(name: str, status: str = "submitted", *extra: Any) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return reverse(f"bulletin:{name}", args=[alice_document(o, status).pk, *extra])

    url.__name__ = f"{status}_document_{name}"
    return url


def period_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        return reverse(f"bulletin:{name}", args=[leeds_discussion(o).pk])

    url.__name__ = f"period_{name}"
    return url


def leeds_issue_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        from rankandfile.bulletin.tests.helpers import an_issue

        return reverse(f"bulletin:{name}", args=[an_issue(o, leeds_discussion(o)).pk])

    url.__name__ = f"issue_{name}"
    return url


def leeds_caucus_url(name: str) -> Callable[[SmallOrg], str]:
    def url(o: SmallOrg) -> str:
        from rankandfile.bulletin import services as bulletin_services

        caucus = bulletin_services.caucus_create(actor=o.bob, unit=o.leeds, name="Rank and File", statement="Us.")
        return reverse(f"bulletin:{name}", args=[caucus.pk])

    url.__name__ = f"caucus_{name}"
    return url


def feed_with_alice_key(o: SmallOrg) -> str:
    from rankandfile.bulletin.feeds import feed_key

    period = leeds_discussion(o)
    return reverse("bulletin:feed", args=[period.pk]) + f"?key={feed_key(o.alice, period)}"


def appeal_hidden_by_erin(o: SmallOrg) -> str:
    """Erin (a Leeds bulletin editor here) hid alice's document; alice appealed. Dave may decide, erin not."""
    from rankandfile.bulletin import services as bulletin_services
    from rankandfile.org.models import Member, RoleType
    from rankandfile.testing import give_role

    editors = RoleType.objects.create(
        unit=o.leeds, name="Bulletin editors", seats=3, term_months=12, capabilities=["manage_bulletin"]
    )
    give_role(o.erin, editors)
    erin = Member.objects.get(pk=o.erin.pk)  # not the fixture's object: its capabilities may be cached already
    document = alice_document(o, "published")
    bulletin_services.document_hide(actor=erin, document=document, reason="Names a member's home address.")
    appeal = bulletin_services.appeal_file(actor=o.alice, document=document, text="It is the branch office.")
    return reverse("bulletin:appeal_decide", args=[appeal.pk])


MANAGE_BULLETIN_LEEDS = expect(FORBIDDEN, anonymous=LOGIN, dave=OK)
MANAGE_BULLETIN_ACTION = expect(FORBIDDEN, anonymous=LOGIN, dave=REDIRECT)
ALICE_ONLY = expect(FORBIDDEN, anonymous=LOGIN, alice=OK)
ALICE_ACTION = expect(FORBIDDEN, anonymous=LOGIN, alice=REDIRECT)
API_ALICE_DRAFT = expect(NOT_FOUND, anonymous=UNAUTHORIZED, frank=FORBIDDEN, alice=OK)

MATRIX.update(
    {
        "bulletin:unit": [
            get("Leeds bulletin", lambda o: reverse("bulletin:unit", args=[o.leeds.pk]), MEMBERS),
            get("missing unit", lambda o: reverse("bulletin:unit", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "bulletin:period_create": [
            get(
                "open a Leeds period",
                lambda o: reverse("bulletin:period_create", args=[o.leeds.pk]),
                MANAGE_BULLETIN_LEEDS,
            ),
            get(
                "open a York period",
                lambda o: reverse("bulletin:period_create", args=[o.york.pk]),
                expect(FORBIDDEN, anonymous=LOGIN, dave=OK, yuri=OK),
            ),
        ],
        "bulletin:caucus_create": [
            get("found a Leeds caucus", lambda o: reverse("bulletin:caucus_create", args=[o.leeds.pk]), LEEDS_MEMBERS)
        ],
        "bulletin:search": [
            get("search page", lambda o: reverse("bulletin:search"), MEMBERS),
            get("search for a word", lambda o: reverse("bulletin:search") + "?q=strike+fund", MEMBERS),
        ],
        "bulletin:period": [
            get("a Leeds period", period_url("period"), MEMBERS),
            get("missing period", lambda o: reverse("bulletin:period", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "bulletin:period_edit": [get("edit the period", period_url("period_edit"), MANAGE_BULLETIN_LEEDS)],
        "bulletin:issue_create": [get("schedule an issue", period_url("issue_create"), MANAGE_BULLETIN_LEEDS)],
        "bulletin:subscribe": [
            post("subscribe", period_url("subscribe"), MEMBERS_ACTION, data=lambda o: {"subscribed": "1"}),
            get("subscribe by GET", period_url("subscribe"), POST_ONLY),
        ],
        "bulletin:feed": [
            get("the period's Atom feed", period_url("feed"), MEMBERS),
            # A feed reader has no session: the personal key in the address stands in for it.
            get("the feed with alice's key", feed_with_alice_key, expect(OK, frank=FORBIDDEN)),
        ],
        "bulletin:document_create": [get("write in Leeds", period_url("document_create"), LEEDS_MEMBERS)],
        "bulletin:issue": [
            get("an issue", leeds_issue_url("issue"), MEMBERS),
            get("missing issue", lambda o: reverse("bulletin:issue", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "bulletin:issue_print": [get("printable digest", leeds_issue_url("issue_print"), MEMBERS)],
        "bulletin:issue_publish": [
            post("publish an issue now", leeds_issue_url("issue_publish"), MANAGE_BULLETIN_ACTION),
            get("publish by GET", leeds_issue_url("issue_publish"), POST_ONLY),
        ],
        "bulletin:document": [
            get("a submitted document", bulletin_url("document"), MEMBERS),
            get(
                "alice's draft",
                bulletin_url("document", "draft"),
                expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, alice=OK),
            ),
            get("missing document", lambda o: reverse("bulletin:document", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "bulletin:document_edit": [get("edit alice's document", bulletin_url("document_edit"), ALICE_ONLY)],
        "bulletin:document_submit": [
            post(
                "submit alice's draft",
                bulletin_url("document_submit", "draft"),
                expect(NOT_FOUND, anonymous=LOGIN, frank=FORBIDDEN, alice=REDIRECT),
            ),
        ],
        "bulletin:document_withdraw": [
            post("withdraw alice's document", bulletin_url("document_withdraw"), ALICE_ACTION)
        ],
        "bulletin:document_sign": [post("co-sign", bulletin_url("document_sign"), LEEDS_ACTION)],
        "bulletin:document_unsign": [post("withdraw a signature", bulletin_url("document_unsign"), MEMBERS_ACTION)],
        "bulletin:document_place": [post("place in an issue", bulletin_url("document_place"), MANAGE_BULLETIN_ACTION)],
        "bulletin:document_propose": [
            post("make it a proposal", bulletin_url("document_propose", "published"), ALICE_ACTION)
        ],
        "bulletin:document_link": [
            post(
                "link to a proposal",
                bulletin_url("document_link", "published"),
                expect(FORBIDDEN, anonymous=LOGIN, alice=REDIRECT, dave=REDIRECT),
            ),
        ],
        "bulletin:document_hide": [
            get("hide a document", bulletin_url("document_hide", "published"), MANAGE_BULLETIN_LEEDS)
        ],
        "bulletin:document_appeal": [get("appeal", bulletin_url("document_appeal", "published"), ALICE_ONLY)],
        "bulletin:revision": [
            get("first revision", bulletin_url("revision", "submitted", 1), MEMBERS),
            get("missing revision", bulletin_url("revision", "submitted", 99), MEMBERS_MISSING),
        ],
        "bulletin:appeal_decide": [
            post(
                "decide an appeal",
                appeal_hidden_by_erin,
                MANAGE_BULLETIN_ACTION,
                data=lambda o: {"decision": "reverse", "reason": "The address is the branch office."},
            ),
        ],
        "bulletin:caucus": [
            get("a Leeds caucus", leeds_caucus_url("caucus"), MEMBERS),
            get("missing caucus", lambda o: reverse("bulletin:caucus", args=[MISSING_ID]), MEMBERS_MISSING),
        ],
        "bulletin:caucus_join": [post("join a caucus", leeds_caucus_url("caucus_join"), LEEDS_ACTION)],
        "bulletin:caucus_leave": [post("leave a caucus", leeds_caucus_url("caucus_leave"), MEMBERS_ACTION)],
        "api:get_period": [
            api_get("a period", lambda o: f"/bulletin/periods/{leeds_discussion(o).pk}", API_MEMBERS),
            api_get("missing period", lambda o: f"/bulletin/periods/{MISSING_ID}", API_MEMBERS_MISSING),
        ],
        "api:period_documents": [
            api_get(
                "published documents", lambda o: f"/bulletin/periods/{leeds_discussion(o).pk}/documents", API_MEMBERS
            ),
        ],
        "api:get_document": [
            api_get("a submitted document", lambda o: f"/bulletin/documents/{alice_document(o).pk}", API_MEMBERS),
            api_get("alice's draft", lambda o: f"/bulletin/documents/{alice_document(o, 'draft').pk}", API_ALICE_DRAFT),
        ],
        "api:search_documents": [api_get("search", lambda o: "/bulletin/search?q=strike", API_MEMBERS)],
        "api:sign_document": [
            api_post(
                "co-sign alice's document",
                lambda o: f"/bulletin/documents/{alice_document(o).pk}/sign",
                expect(FORBIDDEN, anonymous=UNAUTHORIZED, alice="422", bob=CREATED, erin=CREATED),
            ),
        ],
    }
)


# --- walking the URL configuration -------------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    route: str
    name: str


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield Pattern(prefix + str(pattern.pattern), full or prefix + str(pattern.pattern))


def project_patterns() -> list[Pattern]:
    return [
        p
        for p in walk(get_resolver().url_patterns)
        if not (p.name.startswith(ADMIN_NAMESPACE + ":") or p.route.startswith("admin/"))
    ]


def websocket_routes() -> list[str]:
    from rankandfile.routing import websocket_urlpatterns

    return [p.name for p in walk(list(websocket_urlpatterns))]


# --- running a case ------------------------------------------------------------------------------------------
def classify(response: Any) -> str:
    if response.status_code in {301, 302, 303, 307, 308}:
        login_url = resolve_url("login")
        return LOGIN if response["Location"].startswith(login_url + "?next=") else REDIRECT
    return {
        200: OK,
        201: CREATED,
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        405: NOT_ALLOWED,
    }.get(response.status_code, str(response.status_code))


def member_of(org: SmallOrg, persona: str) -> Any:
    if persona == OTHER_UNIT_OFFICER:
        return other_unit_officer(org)
    return getattr(org, persona, None)


@dataclass(frozen=True)
class Logins:
    """Each persona's ways in, made once for the cases that share an organization: a logged-in session (with the
    second factor for those who need one, as the login gives it) and an API token with every scope. What a case
    does to them (a logout, a revoked token) is rolled back with the case's savepoint."""

    session_keys: dict[str, str]
    tokens: dict[str, str]

    @classmethod
    def make(cls, org: SmallOrg) -> Logins:
        session_keys, tokens = {}, {}
        for persona in PERSONAS:
            if (member := member_of(org, persona)) is not None:
                client = Client()
                log_in(client, member)
                session_keys[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
                _token, tokens[persona] = services.api_token_create(member=member, name="matrix", scopes=SCOPES)
        return cls(session_keys, tokens)


def request_as(client: Client, persona: str, case: Case, *, org: SmallOrg, logins: Logins, url: str) -> str:
    """One persona's request, on a client shared by the case's personas (its middleware is loaded once)."""
    client.cookies.clear()
    headers: dict[str, str] = {}
    if persona in logins.session_keys:
        if case.api:
            headers["Authorization"] = f"Bearer {logins.tokens[persona]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = logins.session_keys[persona]
    data = case.data(org) if case.data else {}  # per request: an upload is read by the request that sends it
    if case.method == "get":
        response = client.get(url, headers=headers)
    elif case.json:
        response = client.post(url, data, content_type="application/json", headers=headers)
    else:
        response = client.post(url, data, headers=headers)
    return classify(response)


def all_cases() -> Iterator[Any]:
    for name, cases in MATRIX.items():
        for case in cases:
            yield pytest.param(case, id=f"{name}: {case.label}")


def test_it_has_an_entry_for_every_url_pattern() -> None:
    names = {p.name for p in project_patterns()}
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URL patterns without a permission-matrix entry (add them to MATRIX): {missing}"


def test_it_has_no_entry_for_a_url_that_is_gone() -> None:
    names = {p.name for p in project_patterns()}
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"MATRIX entries for URL patterns that no longer exist: {stale}"


def test_it_walks_into_included_url_configurations() -> None:
    names = {p.name for p in project_patterns()}
    # One from each include: auth, audit, the API and the org app.
    assert {"password_reset_confirm", "audit:log", "api:appoint", "org:directory"} <= names


def test_it_has_an_entry_for_every_websocket_route() -> None:
    missing = sorted(set(websocket_routes()) - set(WEBSOCKET_MATRIX))
    assert not missing, f"WebSocket routes without a permission-matrix entry (add to WEBSOCKET_MATRIX): {missing}"
    stale = sorted(set(WEBSOCKET_MATRIX) - set(websocket_routes()))
    assert not stale, f"WEBSOCKET_MATRIX entries for routes that no longer exist: {stale}"


@pytest.fixture(scope="class")
def _matrix_org(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[SmallOrg, Logins]]:
    """The organization every case meets, and each persona's session and token, built once per test process
    instead of once per case, in a transaction rolled back when the class below is done."""
    with rows_shared_by_tests(django_db_blocker, tmp_path_factory.getbasetemp()):
        org = build_small_org()
        other_unit_officer(org)
        yield org, Logins.make(org)


@pytest.fixture
def matrix_org(_matrix_org: tuple[SmallOrg, Logins], db: Any) -> SmallOrg:
    org, _logins = _matrix_org
    for persona_field in dataclasses.fields(org):
        getattr(org, persona_field.name).refresh_from_db()
    return org


@pytest.fixture
def matrix_logins(_matrix_org: tuple[SmallOrg, Logins]) -> Logins:
    return _matrix_org[1]


class TestEveryPersonaAtEveryUrl:
    """The cases share one organization (`_matrix_org`); the tests after the class build their own."""

    @pytest.mark.parametrize("case", list(all_cases()))
    def test_it_gives_each_persona_what_the_rule_says(
        self, matrix_org: SmallOrg, matrix_logins: Logins, case: Case
    ) -> None:
        org = matrix_org
        url = case.url(org)  # the objects it names are made once, in the test's transaction
        client = Client()
        got: dict[str, str] = {}
        for persona in PERSONAS:
            # Each persona's request runs in a savepoint rolled back afterwards, so writes (dissolving a unit,
            # appointing, logging out) by one persona do not change what the next one meets.
            with transaction.atomic():
                got[persona] = request_as(client, persona, case, org=org, logins=matrix_logins, url=url)
                transaction.set_rollback(True)
        wrong = {p: f"expected {case.expected[p]}, got {got[p]}" for p in PERSONAS if got[p] != case.expected[p]}
        assert not wrong, f"{case.label} ({case.method.upper()} {case.url.__name__}): {wrong}"


# --- WebSockets -------------------------------------------------------------------------------------------------
def all_websocket_cases() -> Iterator[Any]:
    for name, cases in WEBSOCKET_MATRIX.items():
        for label, path, expected in cases:
            yield pytest.param(path, expected, id=f"{name}: {label}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "expected"), list(all_websocket_cases()))
async def test_it_lets_each_persona_subscribe_as_the_rule_says(
    path: Callable[[SmallOrg], str], expected: dict[str, bool]
) -> None:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from rankandfile.asgi import application
    from rankandfile.testing import build_small_org

    org = await sync_to_async(build_small_org)()
    await sync_to_async(other_unit_officer)(org)
    for persona in PERSONAS:
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        member = await sync_to_async(member_of)(org, persona)
        if member is not None:
            client = Client()
            await sync_to_async(client.force_login)(member)
            cookie = f"sessionid={client.cookies['sessionid'].value}"
            headers.append((b"cookie", cookie.encode()))
        url = await sync_to_async(path)(org)
        communicator = WebsocketCommunicator(application, url, headers=headers)
        connected, _subprotocol = await communicator.connect()
        await communicator.disconnect()
        assert connected == expected[persona], f"{persona} at {url}: expected connected={expected[persona]}"


# --- an officer of another unit: contact details ----------------------------------------------------------------
def test_an_officer_of_another_unit_sees_no_contact_details_of_leeds(org: SmallOrg) -> None:
    """Pages answer yuri 200 (members see names and units everywhere); contact details stay with Leeds's managers."""
    from rankandfile.org.models import Member

    Member.objects.filter(pk=org.alice.pk).update(phone="+44 113 496 0000")
    pages = [
        reverse("org:member", args=[org.alice.pk]),
        reverse("org:directory", args=[org.leeds.pk]),
        f"/api/v1/members/{org.alice.pk}",
        f"/api/v1/units/{org.leeds.pk}/members",
    ]

    def shown(member: Any) -> list[bool]:
        client = Client()
        log_in(client, member)
        _token, raw = services.api_token_create(member=member, name="contacts")
        seen = []
        for page in pages:
            headers = {"Authorization": f"Bearer {raw}"} if page.startswith("/api/") else {}
            response = client.get(page, headers=headers)
            assert response.status_code == 200, page
            text = response.content.decode()
            seen.append("alice.member@example.org" in text or "496 0000" in text)
        return seen

    assert shown(org.bob) == [True] * len(pages)  # the Leeds chair (manage_members over Leeds)
    assert shown(other_unit_officer(org)) == [False] * len(pages)


# --- the Django admin -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "otto"])
def test_it_refuses_the_admin_to_everyone_but_site_staff(org: SmallOrg, persona: str) -> None:
    client = Client()
    member = member_of(org, persona)
    if member is not None:
        log_in(client, member)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get("/admin/org/member/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_opens_the_admin_to_site_staff(org: SmallOrg) -> None:
    client = Client()
    log_in(client, org.otto)
    assert client.get("/admin/").status_code == 200


def test_it_registers_no_model_with_confidential_content_in_the_admin() -> None:
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered <= ADMIN_MODELS_ALLOWED, f"review for confidential content: {registered - ADMIN_MODELS_ALLOWED}"
    # The audit chain's payloads, invitation and API token hashes stay out of the admin.
    assert not registered & {"audit.auditentry", "audit.chainhead", "org.invitation", "org.apitoken"}
    # No case model at all (issue 11): site staff see no case, party, category or complainant.
    assert not {name for name in registered if name.startswith("cases.")}


def test_it_shows_no_secret_on_any_admin_page(org: SmallOrg) -> None:
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rankandfile.audit.models import AuditEntry
    from rankandfile.org.models import ApiToken, Invitation, Member
    from rankandfile.testing import enrol_second_factor

    services.api_token_create(member=org.alice, name="sync")
    services.member_invite(actor=org.bob, unit=org.leeds, email="new.person@example.org")
    enrol_second_factor(org.otto)
    secrets = (
        list(TOTPDevice.objects.values_list("key", flat=True))
        + list(StaticToken.objects.values_list("token", flat=True))
        + list(Member.objects.values_list("password", flat=True))
        + list(ApiToken.objects.values_list("token_hash", flat=True))
        + list(Invitation.objects.values_list("token_hash", flat=True))
        + list(AuditEntry.objects.values_list("payload_digest", flat=True))
    )
    assert secrets
    client = Client()
    log_in(client, org.otto)
    pages = ["/admin/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(base)
        obj = model._default_manager.first()
        if obj is not None:
            pages.append(f"{base}{obj.pk}/change/")
    pages.append(f"/admin/org/member/{org.alice.pk}/change/")
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        for secret in secrets:
            assert secret not in html, f"{page} shows a secret"
        assert not re.search(r"(argon2|pbkdf2_sha256|md5)\$", html), f"{page} shows a password hash"


# --- the second factor ---------------------------------------------------------------------------------------
# Not gated (rankandfile/org/middleware.py): the second-factor pages, logging out, and the ballot cast.
NOT_GATED = {"two_factor_verify", "two_factor_setup", "logout", "ballots:cast"}


@pytest.mark.parametrize("persona", ["bob", "carol", "dave", "erin", "otto"])
def test_it_sends_an_officer_without_a_second_factor_to_enrolment_from_every_page(org: SmallOrg, persona: str) -> None:
    """Holders of manage_members/roles/ballots, the committee and operators: every page but the second-factor
    pages and the cast (and the token API, which has no session) sends them to enrol first, whatever it needs.
    One case per page and method: the gate (a middleware) looks at the view's name, not at its objects or data."""
    client = Client()
    client.force_login(getattr(org, persona))  # a password login, no second factor yet
    setup = reverse("two_factor_setup")
    for name, cases in MATRIX.items():
        if name in NOT_GATED or name.startswith("api:"):
            continue
        for case in {case.method: case for case in reversed(cases)}.values():  # each method's first case
            with transaction.atomic():
                url = case.url(org)
                response = getattr(client, case.method)(url, case.data(org) if case.data else {})
                transaction.set_rollback(True)
            assert response.status_code == 302, f"{name}: {case.label} answered {response.status_code}"
            assert response["Location"].startswith(setup + "?next="), f"{name}: {case.label}"
    assert client.get("/admin/")["Location"].startswith(setup)
    assert client.get(setup).status_code == 200
    assert NOT_GATED == EXEMPT_VIEWS, "a page the gate lets through must be reviewed here"


def test_it_lets_ordinary_members_in_without_a_second_factor(org: SmallOrg) -> None:
    for member in (org.alice, org.frank):
        client = Client()
        client.force_login(member)
        assert client.get(reverse("home")).status_code == 200
