"""Second factor for logins (django-otp): an authenticator app (TOTP) and ten recovery codes, each usable once.

Who must have one is the rule in `access.needs_second_factor` (site operators and holders of `manage_members`,
`manage_roles`, `manage_ballots` or the accountability committee); anyone may enrol. The login asks for a code
after the password when the member has enrolled; a member who must enrol and has not is kept to the enrolment page
(`org.middleware.SecondFactorRequired`).

The TOTP secret is stored as django-otp keeps it (the server must know it to check codes), and so are the unused
recovery codes: a database reader who has the one has the other. They are shown to the member once, never in the
admin, never in the audit log.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rankandfile.audit.services import record
from rankandfile.org.models import Member

APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
TOTP_DIGITS = 6


def is_enrolled(member: Member) -> bool:
    return bool(user_has_device(member, confirmed=True))


def totp_enrolment_start(*, member: Member) -> TOTPDevice:
    """A new, unconfirmed authenticator for the member (any earlier unconfirmed one is dropped)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=member, confirmed=False).delete()
        return TOTPDevice.objects.create(user=member, name=APP_DEVICE_NAME, confirmed=False)


def pending_totp_device(member: Member) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=member, confirmed=False).order_by("-pk").first()


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The `otpauth://` URL of the device as an SVG data URI (the Content-Security-Policy allows `data:` images)."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2))


def secret_of(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app that cannot scan."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_enrolment_confirm(*, member: Member, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code from it; replace any earlier one; return new recovery codes."""
    if device.user_id != member.pk or device.confirmed:
        raise ValidationError({"token": _("Start the enrolment again.")})
    # Checked in its own transaction so that a wrong code's throttling sticks (django-otp backs off on failures).
    if otp_verify_token(member, device.persistent_id, _digits(token)) is None:
        raise ValidationError({"token": _("That code is not right. Check the time on your phone and try again.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=member, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(member)
        record("two_factor.enrol", actor=member, obj=member, payload={"device": "totp"})
    return codes


def recovery_codes_renew(*, member: Member) -> list[str]:
    """Replace the member's recovery codes with new ones (the old stop working). Needs an enrolled member."""
    if not TOTPDevice.objects.filter(user=member, confirmed=True).exists():
        raise ValidationError(_("Set up an authenticator app first."))
    with transaction.atomic():
        codes = _new_recovery_codes(member)
        record("two_factor.recovery_codes", actor=member, obj=member, payload={"count": len(codes)})
    return codes


def _new_recovery_codes(member: Member) -> list[str]:
    StaticDevice.objects.filter(user=member).delete()
    device = StaticDevice.objects.create(user=member, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_check(*, member: Member, token: str) -> Device | None:
    """The device that accepts this code: six digits go to the authenticator app, anything else is tried as a
    recovery code (then used up). None when neither accepts it.

    Each device throttles its own failures (django-otp's exponential back-off); a password reset lifts it.
    """
    code = token.strip().replace(" ", "").replace("-", "").lower()
    kind = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    for device in devices_for_user(member, confirmed=True):
        if not isinstance(device, kind):
            continue
        accepted = otp_verify_token(member, device.persistent_id, code)
        if accepted is None:
            continue
        if isinstance(accepted, StaticDevice):
            left = StaticToken.objects.filter(device=accepted).count()
            record("two_factor.recovery_code_used", actor=member, obj=member, payload={"left": left})
        return accepted
    return None


def recovery_codes_left(member: Member) -> int:
    return StaticToken.objects.filter(device__user=member, device__confirmed=True).count()


def second_factor_throttles_lift(*, member: Member) -> None:
    """A password reset is the way out of every throttle, the second factor's included."""
    for device in devices_for_user(member, confirmed=None):
        if device.throttling_failure_count:
            device.throttle_reset(commit=True)


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())
