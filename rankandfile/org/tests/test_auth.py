"""Logging in by email, throttling that never locks a member out for good, invitations and password reset."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any
from urllib.parse import urlparse

import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile import testing
from rankandfile.org.models import Invitation, Member, Membership
from rankandfile.testing import PASSWORD, SmallOrg

THROTTLED = "Too many failed attempts"
NEW_PASSWORD = "a brand new passphrase 2026"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "auth-tests"}}


def log_in(email: str, password: str, ip: str = "203.0.113.7") -> tuple[Client, Any]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": email, "password": password})
    return client, response


def logged_in_as(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def fail(email: str, times: int, ip: str = "203.0.113.7") -> None:
    for _ in range(times):
        _client, response = log_in(email, "wrong password", ip)
        assert response.status_code == 200


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return urlparse(match.group(0)).path


# --- logging in ----------------------------------------------------------------------------------------------
def test_it_logs_in_by_email_whatever_its_case(org: SmallOrg) -> None:
    for email in ("alice.member@example.org", "Alice.Member@EXAMPLE.org", "  ALICE.MEMBER@example.org "):
        client, response = log_in(email, PASSWORD)
        assert response.status_code == 302 and response["Location"] == reverse("home"), email
        assert logged_in_as(client) == org.alice.pk


def test_it_refuses_a_wrong_password_with_a_message_on_the_form(org: SmallOrg) -> None:
    client, response = log_in("alice.member@example.org", "not the password")
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode().replace("\n", " ")
    assert logged_in_as(client) is None


def test_it_refuses_an_inactive_account(org: SmallOrg) -> None:
    org.alice.is_active = False
    org.alice.save(update_fields=["is_active"])
    client, response = log_in(org.alice.email, PASSWORD)
    assert response.status_code == 200 and logged_in_as(client) is None


def test_it_lets_a_former_member_log_in_to_see_their_own_account(org: SmallOrg) -> None:
    client, response = log_in(org.frank.email, PASSWORD)
    assert response.status_code == 302
    assert "no active membership" in client.get(reverse("home")).content.decode()


def test_it_makes_argon2_the_production_hasher() -> None:
    import rankandfile.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    hashed = hasher.encode("a password", hasher.salt())
    assert hashed.startswith("argon2$argon2id$")
    assert hasher.verify("a password", hashed) and not hasher.verify("another", hashed)


# --- throttling -----------------------------------------------------------------------------------------------
def test_it_throttles_an_account_from_an_address_after_repeated_failures_even_with_the_right_password(
    org: SmallOrg,
) -> None:
    limit = django_settings.LOGIN_THROTTLE_FAILURES
    fail(org.alice.email, limit - 1)
    client, response = log_in(org.alice.email, "wrong again")
    assert THROTTLED not in response.content.decode()
    client, response = log_in(org.alice.email, PASSWORD)
    assert THROTTLED in response.content.decode()
    assert logged_in_as(client) is None
    # A guesser elsewhere cannot keep the member out: from her own address she still gets in.
    client, response = log_in(org.alice.email, PASSWORD, ip="198.51.100.20")
    assert logged_in_as(client) == org.alice.pk
    # Other members are not affected.
    client, response = log_in(org.bob.email, PASSWORD)
    assert logged_in_as(client) == org.bob.pk


def test_it_throttles_an_account_guessed_at_from_many_addresses(org: SmallOrg, settings: Any) -> None:
    settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = 12
    for i in range(12):
        log_in(org.alice.email, "wrong", ip=f"192.0.2.{i + 1}")
    client, response = log_in(org.alice.email, PASSWORD, ip="198.51.100.20")
    assert THROTTLED in response.content.decode() and logged_in_as(client) is None


def test_it_ignores_a_forged_x_real_ip_unless_told_to_trust_it(org: SmallOrg, settings: Any) -> None:
    limit = django_settings.LOGIN_THROTTLE_FAILURES
    for i in range(limit):
        Client(REMOTE_ADDR="203.0.113.7", HTTP_X_REAL_IP=f"10.9.9.{i}").post(
            reverse("login"), {"username": org.alice.email, "password": "wrong"}
        )
    _client, response = log_in(org.alice.email, PASSWORD, ip="203.0.113.7")
    assert THROTTLED in response.content.decode()
    settings.TRUST_X_REAL_IP = True
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_REAL_IP="198.51.100.1")
    client.post(reverse("login"), {"username": org.alice.email, "password": PASSWORD})
    assert logged_in_as(client) == org.alice.pk


def test_it_counts_failures_for_an_address_whatever_its_case(org: SmallOrg) -> None:
    fail("ALICE.member@example.org", django_settings.LOGIN_THROTTLE_FAILURES)
    _client, response = log_in("alice.member@example.org", PASSWORD)
    assert THROTTLED in response.content.decode()


def test_it_throttles_an_ip_address_that_tries_many_accounts(org: SmallOrg) -> None:
    for i in range(django_settings.LOGIN_THROTTLE_IP_FAILURES):
        log_in(f"guess{i}@example.org", "password123", ip="192.0.2.66")
    client, response = log_in(org.bob.email, PASSWORD, ip="192.0.2.66")
    assert THROTTLED in response.content.decode() and logged_in_as(client) is None
    client, _response = log_in(org.bob.email, PASSWORD, ip="192.0.2.67")
    assert logged_in_as(client) == org.bob.pk


def test_it_forgets_failures_after_a_successful_login(org: SmallOrg) -> None:
    limit = django_settings.LOGIN_THROTTLE_FAILURES
    fail(org.alice.email, limit - 1)
    client, _response = log_in(org.alice.email, PASSWORD)
    assert logged_in_as(client) == org.alice.pk
    fail(org.alice.email, limit - 1)
    client, _response = log_in(org.alice.email, PASSWORD)
    assert logged_in_as(client) == org.alice.pk


def test_it_lets_the_member_in_again_once_the_window_has_passed(org: SmallOrg, settings: Any) -> None:
    settings.CACHES = LOCMEM  # time-machine moves LocMem's clock; Redis keeps its own
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    fail(org.alice.email, settings.LOGIN_THROTTLE_FAILURES)
    for _ in range(settings.LOGIN_THROTTLE_IP_FAILURES):
        log_in("somebody@example.org", "wrong")
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=window - 60)):
        client, response = log_in(org.alice.email, PASSWORD)
        assert THROTTLED in response.content.decode() and logged_in_as(client) is None
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=window + 1)):
        client, _response = log_in(org.alice.email, PASSWORD)
        assert logged_in_as(client) == org.alice.pk


def test_it_expires_throttling_in_the_configured_cache(org: SmallOrg, settings: Any) -> None:
    # Same rule with the cache the project is configured with (Redis when REDIS_URL is set): real expiry.
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 1
    fail(org.alice.email, settings.LOGIN_THROTTLE_FAILURES)
    _client, response = log_in(org.alice.email, PASSWORD)
    assert THROTTLED in response.content.decode()
    time.sleep(2.1)
    client, _response = log_in(org.alice.email, PASSWORD)
    assert logged_in_as(client) == org.alice.pk


# --- password reset ------------------------------------------------------------------------------------------
def reset_password(client: Client, email: str, new_password: str) -> None:
    mail.outbox.clear()
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 302  # to the form that no longer carries the token in its URL
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")


def test_it_emails_a_working_password_reset_link(org: SmallOrg) -> None:
    client = Client()
    reset_password(client, "ALICE.Member@example.org", NEW_PASSWORD)
    message = mail.outbox[0]
    assert message.to == [org.alice.email]
    org.alice.refresh_from_db()
    assert org.alice.check_password(NEW_PASSWORD)
    assert logged_in_as(log_in(org.alice.email, NEW_PASSWORD)[0]) == org.alice.pk
    assert logged_in_as(log_in(org.alice.email, PASSWORD)[0]) is None
    # The link works once.
    response = client.get(link_in(message), follow=True)
    assert "not valid any more" in response.content.decode()


def test_it_sends_nothing_for_an_unknown_address_but_says_the_same(org: SmallOrg) -> None:
    response = Client().post(reverse("password_reset"), {"email": "stranger@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def ask_reset(email: str, ip: str = "203.0.113.7") -> Any:
    return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})


def test_it_limits_reset_links_per_address_and_says_for_how_long(org: SmallOrg, settings: Any) -> None:
    settings.PASSWORD_RESET_THROTTLE_PER_EMAIL = 3
    for n in range(3):
        response = ask_reset(org.alice.email, ip=f"198.51.100.{n}")  # from different networks: counted by address
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    response = ask_reset("ALICE.member@example.org", ip="198.51.100.9")
    assert response.status_code == 200
    assert "Try again in 60 minutes" in response.content.decode()
    assert len(mail.outbox) == 3
    # Unknown addresses are counted the same way, so the refusal says nothing about who has an account.
    for _ in range(3):
        assert ask_reset("stranger@example.org").status_code == 302
    assert "Try again in 60 minutes" in ask_reset("stranger@example.org").content.decode()


def test_it_limits_reset_requests_per_client_address(org: SmallOrg, settings: Any) -> None:
    settings.PASSWORD_RESET_THROTTLE_PER_IP = 4
    for n in range(4):
        assert ask_reset(f"someone{n}@example.org", ip="192.0.2.50").status_code == 302
    response = ask_reset(org.alice.email, ip="192.0.2.50")
    assert response.status_code == 200 and "from your network" in response.content.decode()
    assert ask_reset(org.alice.email, ip="192.0.2.51").status_code == 302


def test_a_reset_limit_locks_nobody_out_and_passes_with_its_window(org: SmallOrg, settings: Any) -> None:
    settings.PASSWORD_RESET_THROTTLE_PER_EMAIL = 1
    settings.CACHES = LOCMEM
    assert ask_reset(org.alice.email).status_code == 302
    assert ask_reset(org.alice.email).status_code == 200
    # The link already sent still works, and logging in is untouched.
    client = Client()
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 302 and client.get(response["Location"]).status_code == 200
    assert logged_in_as(log_in(org.alice.email, PASSWORD)[0]) == org.alice.pk
    later = time.time() + settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS + 1
    with time_machine.travel(later):
        assert ask_reset(org.alice.email).status_code == 302


def test_it_lets_a_throttled_member_in_after_a_password_reset(org: SmallOrg) -> None:
    # The throttle message says "wait a few minutes, or reset your password": the reset must be a way out.
    fail(org.alice.email, django_settings.LOGIN_THROTTLE_FAILURES)
    reset_password(Client(), org.alice.email, NEW_PASSWORD)
    client, _response = log_in(org.alice.email, NEW_PASSWORD)
    assert logged_in_as(client) == org.alice.pk


# --- invitations -----------------------------------------------------------------------------------------------
def invite(org: SmallOrg, email: str = "new.person@example.org") -> str:
    client = Client()
    testing.log_in(client, org.bob)
    response = client.post(reverse("org:invite", args=[org.leeds.pk]), {"email": email, "full_name": "New Person"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [email]
    return link_in(mail.outbox[0])


def test_it_emails_an_invitation_link_that_creates_the_member(org: SmallOrg) -> None:
    link = invite(org)
    assert link.startswith("/join/")
    raw = link.removeprefix("/join/").strip("/")
    assert not Invitation.objects.filter(token_hash=raw).exists()
    client = Client()
    response = client.get(link)
    assert response.status_code == 200 and 'value="New Person"' in response.content.decode()
    response = client.post(link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    member = Member.objects.get(email="new.person@example.org")
    assert logged_in_as(client) == member.pk
    assert Membership.objects.get(member=member).unit == org.leeds
    assert logged_in_as(log_in("New.Person@example.org", NEW_PASSWORD)[0]) == member.pk


def test_it_shows_field_errors_on_the_invitation_form(org: SmallOrg) -> None:
    link = invite(org)
    response = Client().post(link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": "different"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password2"]
    response = Client().post(link, {"full_name": "New Person", "password1": "12345", "password2": "12345"})
    assert "password1" in response.context["form"].errors
    assert not Member.objects.filter(email="new.person@example.org").exists()


def test_it_refuses_a_used_invitation_link(org: SmallOrg) -> None:
    link = invite(org)
    Client().post(link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert Client().get(link).status_code == 404
    response = Client().post(link, {"full_name": "Intruder", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    assert Member.objects.get(email="new.person@example.org").full_name == "New Person"


def test_it_refuses_an_expired_invitation_link(org: SmallOrg) -> None:
    link = invite(org)
    with time_machine.travel(timezone.now() + dt.timedelta(days=django_settings.INVITATION_DAYS, hours=1)):
        response = Client().get(link)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_it_never_offers_a_password_form_for_an_address_that_has_an_account(org: SmallOrg) -> None:
    link = invite(org, email=org.alice.email)
    old_hash = Member.objects.get(pk=org.alice.pk).password
    anonymous = Client()
    response = anonymous.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "already has an account" in page and 'type="password"' not in page
    # Posting a password anyway changes nothing and logs nobody in.
    response = anonymous.post(link, {"full_name": "Mallory", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 200 and logged_in_as(anonymous) is None
    assert Member.objects.get(pk=org.alice.pk).password == old_hash
    assert Invitation.objects.get(email=org.alice.email).accepted_at is None


def test_it_lets_the_logged_in_owner_accept_without_touching_the_password(org: SmallOrg) -> None:
    client = Client()
    testing.log_in(client, org.frank)  # a former Leeds member, invited back
    link = invite(org, email=org.frank.email)
    old_hash = Member.objects.get(pk=org.frank.pk).password
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert Membership.objects.get(member=org.frank, unit=org.leeds).status == "active"
    assert Member.objects.get(pk=org.frank.pk).password == old_hash
    assert Client().get(link).status_code == 404  # used
