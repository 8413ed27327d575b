"""The demo logins' second factor, published with them (like their password) so `make demo` works as printed.

Officers and the site operator must use a second factor (org.services.two_factor). The loader enrols each demo
login that needs one with an authenticator secret and recovery codes derived from its address: the same every time,
printed by `load_demo`, and worthless outside the demo, exactly like `DEMO_PASSWORD`. Loading again enrols nobody twice
and prints the codes still unused.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rankandfile.demo.shape import DemoLogin
from rankandfile.org import access
from rankandfile.org.models import Member
from rankandfile.org.services import two_factor

RECOVERY_CODES = 10


@dataclass(frozen=True)
class DemoSecondFactor:
    email: str
    secret: str  # base32, for an authenticator app or `oathtool --totp -b`
    recovery_codes: list[str]  # those still unused


def _key(email: str) -> bytes:
    return hashlib.sha1(f"rankandfile-demo-totp:{email}".encode()).digest()  # noqa: S324  (20 bytes, not a hash)


def _recovery_codes(email: str) -> list[str]:
    return [
        b32encode(hashlib.sha256(f"rankandfile-demo-recovery:{email}:{n}".encode()).digest()).decode()[:8].lower()
        for n in range(RECOVERY_CODES)
    ]


def enrol_demo_logins(logins: list[DemoLogin]) -> list[DemoSecondFactor]:
    """Enrol every demo login that needs a second factor (once), and say how each logs in with it."""
    factors = []
    with transaction.atomic():
        for login in logins:
            member = Member.objects.filter(email=login.email).first()
            if member is None or not access.needs_second_factor(member):
                continue
            if not two_factor.is_enrolled(member):
                TOTPDevice.objects.create(user=member, name=two_factor.APP_DEVICE_NAME, key=_key(login.email).hex())
                codes = StaticDevice.objects.create(user=member, name=two_factor.RECOVERY_DEVICE_NAME)
                StaticToken.objects.bulk_create(
                    StaticToken(device=codes, token=t) for t in _recovery_codes(login.email)
                )
            unused = set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
            factors.append(
                DemoSecondFactor(
                    login.email,
                    b32encode(_key(login.email)).decode(),
                    [code for code in _recovery_codes(login.email) if code in unused],
                )
            )
    return factors
