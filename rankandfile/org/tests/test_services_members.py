"""Memberships and invitations: status changes with dates, hashed invitation tokens, joining by link."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile import mail
from rankandfile.audit.models import AuditEntry
from rankandfile.audit.selectors import verify_chain
from rankandfile.org import services
from rankandfile.org.access import forget_cached_capabilities, is_member_in_good_standing
from rankandfile.org.models import Invitation, Member, Membership
from rankandfile.testing import SmallOrg

NEW_PASSWORD = "a long and new passphrase"


def membership(member: Member, org: SmallOrg) -> Membership:
    return Membership.objects.get(member=member, unit=org.leeds)


def test_it_lapses_a_membership_with_the_date_and_loses_good_standing(org: SmallOrg) -> None:
    day = dt.date(2026, 3, 1)
    services.membership_set_status(actor=org.bob, membership=membership(org.alice, org), status="lapsed", on=day)
    m = membership(org.alice, org)
    assert (m.status, m.status_changed_on, m.left_on) == ("lapsed", day, None)
    forget_cached_capabilities(org.alice)
    assert not is_member_in_good_standing(org.alice)
    assert AuditEntry.objects.filter(action="membership.status", payload__status="lapsed").exists()


def test_it_records_leaving_with_a_reason_and_clears_it_on_return(org: SmallOrg) -> None:
    day = dt.date(2026, 4, 1)
    services.membership_set_status(
        actor=org.carol, membership=membership(org.alice, org), status="left", reason="moved abroad", on=day
    )
    m = membership(org.alice, org)
    assert (m.status, m.left_on, m.exit_reason) == ("left", day, "moved abroad")
    services.membership_set_status(actor=org.carol, membership=m, status="active")
    m.refresh_from_db()
    assert (m.status, m.left_on) == ("active", None)
    assert verify_chain() is None


def test_it_renews_a_lapsed_membership(org: SmallOrg) -> None:
    assert not is_member_in_good_standing(org.frank)
    services.membership_set_status(actor=org.bob, membership=membership(org.frank, org), status="active")
    forget_cached_capabilities(org.frank)
    assert is_member_in_good_standing(org.frank)


def test_it_refuses_status_changes_without_manage_members_or_with_an_unknown_status(org: SmallOrg) -> None:
    for actor in (org.alice, org.erin, org.frank, org.otto):
        with pytest.raises(PermissionDenied):
            services.membership_set_status(actor=actor, membership=membership(org.bob, org), status="left")
    york = Membership.objects.get(member=org.otto, unit=org.york)
    with pytest.raises(PermissionDenied):  # bob chairs Leeds, not York
        services.membership_set_status(actor=org.bob, membership=york, status="lapsed")
    with pytest.raises(ValidationError) as refused:
        services.membership_set_status(actor=org.bob, membership=membership(org.alice, org), status="expelled")
    assert "status" in refused.value.message_dict
    assert membership(org.bob, org).status == "active"


def test_it_stores_only_the_hash_of_an_invitation_token(org: SmallOrg) -> None:
    invitation, raw = services.member_invite(
        actor=org.bob, unit=org.leeds, email="  New.Person@Example.ORG ", full_name="New Person"
    )
    assert len(raw) >= 40
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert all(raw not in str(value) for value in stored.values())
    assert invitation.email == "new.person@example.org"
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)
    entry = AuditEntry.objects.get(action="member.invite")
    assert raw not in str(entry.payload)
    assert services.invitation_find(raw) == invitation
    assert services.invitation_find(invitation.token_hash) is None  # the hash is not a token


def test_it_refuses_invitations_without_manage_members_or_to_a_dissolved_unit(org: SmallOrg) -> None:
    with pytest.raises(PermissionDenied):
        services.member_invite(actor=org.alice, unit=org.leeds, email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.member_invite(actor=org.bob, unit=org.york, email="x@example.org")
    services.unit_dissolve(actor=org.dave, unit=org.york)
    org.york.refresh_from_db()
    with pytest.raises(ValidationError):
        services.member_invite(actor=org.dave, unit=org.york, email="x@example.org")
    assert not Invitation.objects.exists()


def test_it_creates_the_member_and_the_membership_on_acceptance(org: SmallOrg) -> None:
    invitation, _raw = services.member_invite(actor=org.bob, unit=org.leeds, email="new.person@example.org")
    member = services.invitation_accept(invitation=invitation, full_name="New Person", password=NEW_PASSWORD)
    assert (member.email, member.full_name) == ("new.person@example.org", "New Person")
    assert member.check_password(NEW_PASSWORD)
    assert Membership.objects.get(member=member, unit=org.leeds).status == "active"
    assert is_member_in_good_standing(member)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditEntry.objects.filter(action="member.join", actor="New Person").exists()


def test_it_adds_an_existing_member_to_another_unit_without_a_duplicate(org: SmallOrg) -> None:
    invitation, _raw = services.member_invite(actor=org.carol, unit=org.york, email="ALICE.member@example.org")
    member = services.invitation_accept(invitation=invitation, actor=org.alice)
    assert member == org.alice
    assert Member.objects.filter(email__iexact="alice.member@example.org").count() == 1
    assert set(member.memberships.values_list("unit__name", "status")) == {("Leeds", "active"), ("York", "active")}


def test_it_reactivates_a_former_member_who_accepts_an_invitation(org: SmallOrg) -> None:
    invitation, _raw = services.member_invite(actor=org.bob, unit=org.leeds, email=org.frank.email)
    services.invitation_accept(invitation=invitation, actor=org.frank)
    assert membership(org.frank, org).status == "active"


def test_it_never_sets_the_password_of_an_account_that_has_one(org: SmallOrg) -> None:
    invitation, _raw = services.member_invite(actor=org.carol, unit=org.york, email=org.alice.email)
    old_hash = Member.objects.get(pk=org.alice.pk).password
    # Whoever holds the link, without being logged in as the account, is refused.
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, full_name="Mallory", password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, actor=org.bob, password=NEW_PASSWORD)
    # The owner, logged in, joins; a password passed along is ignored.
    services.invitation_accept(invitation=invitation, actor=org.alice, password=NEW_PASSWORD)
    alice = Member.objects.get(pk=org.alice.pk)
    assert alice.password == old_hash and alice.full_name == "Alice Member"
    assert Membership.objects.get(member=org.alice, unit=org.york).status == "active"


def test_it_sets_the_first_password_of_an_imported_account(org: SmallOrg) -> None:
    imported = Member.objects.create_user("imported@example.org", None, full_name="Ida Imported")
    assert not imported.has_usable_password()
    invitation, _raw = services.member_invite(actor=org.bob, unit=org.leeds, email="imported@example.org")
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, full_name="Ida Imported")
    services.invitation_accept(invitation=invitation, full_name="Ida Imported", password=NEW_PASSWORD)
    imported.refresh_from_db()
    assert imported.check_password(NEW_PASSWORD)


def test_it_does_not_find_a_used_invitation(org: SmallOrg) -> None:
    invitation, raw = services.member_invite(actor=org.bob, unit=org.leeds, email="new.person@example.org")
    services.invitation_accept(invitation=invitation, full_name="New Person", password=NEW_PASSWORD)
    assert services.invitation_find(raw) is None


def test_it_does_not_find_an_expired_invitation(org: SmallOrg) -> None:
    _invitation, raw = services.member_invite(actor=org.bob, unit=org.leeds, email="new.person@example.org")
    with time_machine.travel(timezone.now() + dt.timedelta(days=13)):
        assert services.invitation_find(raw) is not None
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        assert services.invitation_find(raw) is None
    assert services.invitation_find("not-a-token") is None


def test_it_updates_a_profile_with_field_checks(org: SmallOrg) -> None:
    services.profile_update(member=org.alice, full_name=" Alice M. Member ", phone="0113 496 0000", pronouns="she/her")
    org.alice.refresh_from_db()
    assert (org.alice.full_name, org.alice.phone, org.alice.pronouns) == ("Alice M. Member", "0113 496 0000", "she/her")
    with pytest.raises(ValidationError) as refused:
        services.profile_update(member=org.alice, full_name="", phone="", pronouns="")
    assert "full_name" in refused.value.message_dict


# --- no expulsion without due process (issue 11) --------------------------------------------------------------
def test_an_officer_cannot_record_a_leaving_without_a_reason(org: SmallOrg) -> None:
    with pytest.raises(ValidationError) as refused:
        services.membership_set_status(actor=org.bob, membership=membership(org.alice, org), status="left")
    assert "reason" in refused.value.message_dict
    assert membership(org.alice, org).status == "active"


def test_an_officer_cannot_suspend_or_expel(org: SmallOrg) -> None:
    for status in ("suspended", "expelled"):
        with pytest.raises(ValidationError):
            services.membership_set_status(actor=org.dave, membership=membership(org.alice, org), status=status)


def test_a_recorded_leaving_carries_its_kind_tells_the_member_and_can_be_contested(
    org: SmallOrg, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_set_status(
            actor=org.bob, membership=membership(org.alice, org), status="left", reason="Said she moved to Spain."
        )
    m = membership(org.alice, org)
    assert (m.status, m.end_kind) == ("left", "left_recorded")
    assert [mail.to for mail in mailoutbox] == [[org.alice.email]]
    assert "Said she moved to Spain." in mailoutbox[0].body
    with pytest.raises(PermissionDenied):
        services.membership_contest(member=org.bob, membership=m, text="Not me")
    services.membership_contest(member=org.alice, membership=m, text="I did not leave; I am still here.")
    m.refresh_from_db()
    assert m.contested_at is not None and "still here" in m.contest_text
    assert AuditEntry.objects.filter(action="membership.contest", actor_id=org.alice.pk).exists()


def test_a_leaving_recorded_in_a_muted_past_tells_nobody(
    org: SmallOrg, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    # The simulator records exits of its simulated past through this service: they are history, not news.
    with django_capture_on_commit_callbacks(execute=True), mail.muted():
        services.membership_set_status(
            actor=org.bob, membership=membership(org.alice, org), status="left", reason="Moved away."
        )
    assert membership(org.alice, org).end_kind == "left_recorded"
    assert mailoutbox == []


def test_a_member_leaves_by_their_own_action(org: SmallOrg) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_leave(member=org.bob, membership=membership(org.alice, org))
    services.membership_leave(member=org.alice, membership=membership(org.alice, org), reason="No time this year")
    m = membership(org.alice, org)
    assert (m.status, m.end_kind, m.left_on) == ("left", "left_self", timezone.localdate())


def test_a_lapse_carries_its_kind_and_a_renewal_clears_it(org: SmallOrg) -> None:
    services.membership_set_status(actor=org.bob, membership=membership(org.alice, org), status="lapsed")
    assert membership(org.alice, org).end_kind == "lapsed"
    services.membership_set_status(actor=org.bob, membership=membership(org.alice, org), status="active")
    assert membership(org.alice, org).end_kind == ""


def test_only_the_committee_sanctions_and_only_an_appeal_reinstates(org: SmallOrg) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_sanction(
            actor=org.dave, membership=membership(org.alice, org), kind="expelled", reference="C-AAAA-BBBB"
        )
    services.membership_sanction(
        actor=org.erin, membership=membership(org.alice, org), kind="expelled", reference="C-AAAA-BBBB"
    )
    m = membership(org.alice, org)
    assert (m.status, m.end_kind, m.exit_reason) == ("left", "expelled", "C-AAAA-BBBB")
    for status in ("active", "lapsed", "left"):  # an officer cannot quietly undo it, nor first turn it into a lapse
        with pytest.raises(ValidationError):
            services.membership_set_status(actor=org.dave, membership=m, status=status, reason="Tidying up")
    assert membership(org.alice, org).end_kind == "expelled"
    services.membership_reinstate(actor=org.erin, membership=m, reference="C-AAAA-BBBB")
    assert membership(org.alice, org).status == "active"
