"""The second factor: the code after the password, enrolment with a QR code, recovery codes shown once and usable
once, and officers kept to enrolment until they have one (rankandfile/org/services/two_factor.py, middleware.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rankandfile.audit.models import AuditEntry
from rankandfile.org.models import Member
from rankandfile.org.services import two_factor
from rankandfile.testing import PASSWORD, SmallOrg, enrol_second_factor, give_role, next_totp_code

VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"


def password_login(member: Member, next_url: str = "") -> tuple[Client, Any]:
    client = Client()
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": member.email, "password": PASSWORD})
    return client, response


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def verified(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- logging in --------------------------------------------------------------------------------------------------
def test_it_asks_an_enrolled_member_for_a_code_before_logging_in(org: SmallOrg) -> None:
    factor = enrol_second_factor(org.dave)
    client, response = password_login(org.dave, next_url="/units/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not logged_in(client)  # the password alone logs nobody in
    assert client.get(reverse("org:units"))["Location"].startswith(reverse("login"))
    response = client.post(response["Location"], {"token": "000000"})
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert not logged_in(client)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2)):  # django-otp backs off 1 s after a miss
        response = client.post(VERIFY, {"token": next_totp_code(factor.device), "next": "/units/"})
    assert response.status_code == 302 and response["Location"] == "/units/"
    assert logged_in(client) and verified(client)
    assert client.get(reverse("org:units")).status_code == 200


def test_it_forgets_a_password_that_waited_too_long_for_its_code(org: SmallOrg) -> None:
    factor = enrol_second_factor(org.dave)
    client, _response = password_login(org.dave)
    later = timezone.now() + dt.timedelta(seconds=settings.SECOND_FACTOR_LOGIN_SECONDS + 5)
    with time_machine.travel(later):
        response = client.post(VERIFY, {"token": next_totp_code(factor.device)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not logged_in(client)


def test_it_never_goes_on_to_another_site_after_the_code(org: SmallOrg) -> None:
    factor = enrol_second_factor(org.dave)
    client, _response = password_login(org.dave)
    response = client.post(VERIFY, {"token": next_totp_code(factor.device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_recovery_code_lets_the_member_in_once(org: SmallOrg) -> None:
    factor = enrol_second_factor(org.erin)
    code = factor.recovery_codes[0]
    client, _response = password_login(org.erin)
    response = client.post(VERIFY, {"token": code.upper()}, follow=True)
    assert logged_in(client) and verified(client)
    assert "9 are left" in response.content.decode()
    assert AuditEntry.objects.filter(action="two_factor.recovery_code_used").exists()
    client, _response = password_login(org.erin)
    response = client.post(VERIFY, {"token": code})
    assert response.status_code == 200 and not logged_in(client)


def test_a_wrong_recovery_code_does_not_slow_down_the_app_codes(org: SmallOrg) -> None:
    factor = enrol_second_factor(org.erin)
    client, _response = password_login(org.erin)
    client.post(VERIFY, {"token": "notacode"})
    factor.device.refresh_from_db()
    assert factor.device.throttling_failure_count == 0
    client.post(VERIFY, {"token": next_totp_code(factor.device)})
    assert verified(client)


def test_a_password_reset_lifts_the_second_factor_s_throttle(org: SmallOrg) -> None:
    from rankandfile.org.auth import ResetPasswordForm

    factor = enrol_second_factor(org.dave)
    client, _response = password_login(org.dave)
    for seconds in (0, 2, 5):
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds)):
            client.post(VERIFY, {"token": "123456"})
    factor.device.refresh_from_db()
    assert factor.device.throttling_failure_count == 3
    assert not factor.device.verify_is_allowed()[0]  # backing off: 4 s now, doubling with each miss
    new = "a fresh passphrase for dave"
    form = ResetPasswordForm(Member.objects.get(pk=org.dave.pk), {"new_password1": new, "new_password2": new})
    assert form.is_valid(), form.errors
    form.save()
    factor.device.refresh_from_db()
    assert factor.device.throttling_failure_count == 0


# --- enrolment ---------------------------------------------------------------------------------------------------
def test_it_sends_an_officer_to_enrol_at_login_and_shows_the_recovery_codes_once(org: SmallOrg) -> None:
    client, response = password_login(org.bob)  # bob holds manage_members in Leeds, not enrolled yet
    assert logged_in(client) and not verified(client)
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == SETUP + "?next=%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'src="data:image/svg+xml' in page and "needs a second factor" in page
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert secret
    device = TOTPDevice.objects.get(user=org.bob, confirmed=False)
    assert two_factor.secret_of(device) == secret.group(1)
    response = client.post(SETUP, {"token": "000000"})
    assert "not right" in response.content.decode() and not verified(client)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2)):
        response = client.post(SETUP, {"token": next_totp_code(device), "next": "/"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == settings.RECOVERY_CODES
    assert verified(client)
    assert client.get(reverse("home")).status_code == 200
    # Shown once: never on another page.
    profile = client.get(reverse("org:my_profile")).content.decode()
    assert not any(code in profile for code in codes) and "10 recovery codes are left" in profile


def test_it_sends_a_member_given_a_role_mid_session_to_enrol(org: SmallOrg) -> None:
    client, _response = password_login(org.alice)
    assert client.get(reverse("home")).status_code == 200
    give_role(org.alice, org.committee_role)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_it_tells_htmx_to_load_the_enrolment_page(org: SmallOrg) -> None:
    client, _response = password_login(org.carol)
    response = client.get(reverse("org:units"), headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].startswith(SETUP)


def test_the_password_alone_cannot_replace_or_renew_an_enrolled_second_factor(org: SmallOrg) -> None:
    enrol_second_factor(org.otto)
    client = Client()
    client.force_login(org.otto)  # e.g. through the admin's own login page: password only
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(reverse("recovery_codes"))["Location"].startswith(VERIFY)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=org.otto).count() == 1


def test_new_recovery_codes_replace_the_old_ones(org: SmallOrg) -> None:
    from rankandfile.testing import log_in

    old = enrol_second_factor(org.dave).recovery_codes
    client = Client()
    log_in(client, org.dave)
    response = client.post(reverse("recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == settings.RECOVERY_CODES and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=org.dave).values_list("token", flat=True)) == set(new)


def test_any_member_may_enrol_and_is_then_asked_for_a_code(org: SmallOrg) -> None:
    client, _response = password_login(org.alice)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=org.alice, confirmed=False)
    client.post(SETUP, {"token": next_totp_code(device)})
    assert two_factor.is_enrolled(org.alice)
    client, response = password_login(org.alice)
    assert response["Location"].startswith(VERIFY) and not logged_in(client)
