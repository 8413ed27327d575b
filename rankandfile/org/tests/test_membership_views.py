"""A member leaves a unit, or contests an exit an officer recorded, from their own profile page (issue 11)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rankandfile.org import services
from rankandfile.org.models import Membership
from rankandfile.testing import SmallOrg, log_in


def test_a_member_leaves_from_the_profile_page(org: SmallOrg) -> None:
    client = Client()
    log_in(client, org.alice)
    membership = Membership.objects.get(member=org.alice, unit=org.leeds)
    assert "Leave this unit" in client.get(reverse("org:my_profile")).content.decode()
    client.post(reverse("org:membership_leave", args=[membership.pk]), {"reason": "Moving away"})
    membership.refresh_from_db()
    assert (membership.status, membership.end_kind, membership.exit_reason) == ("left", "left_self", "Moving away")


def test_a_member_contests_an_exit_recorded_for_them_and_nobody_else_can(org: SmallOrg) -> None:
    membership = Membership.objects.get(member=org.alice, unit=org.leeds)
    services.membership_set_status(actor=org.bob, membership=membership, status="left", reason="Stopped coming")
    bob = Client()
    log_in(bob, org.bob)
    assert bob.post(reverse("org:membership_contest", args=[membership.pk]), {"text": "x"}).status_code == 404
    alice = Client()
    log_in(alice, org.alice)
    assert "This record is wrong because" in alice.get(reverse("org:my_profile")).content.decode()
    alice.post(reverse("org:membership_contest", args=[membership.pk]), {"text": "I was on leave, not gone."})
    membership.refresh_from_db()
    assert membership.contest_text == "I was on leave, not gone."
    assert "You contested this record" in alice.get(reverse("org:my_profile")).content.decode()
