"""What a browser holds between requests: a committee member's unlocked private key, or the key a complainant's
receipt gives (which opens their copies of the case key, every generation).

Exactly how (docs/cases.md, "Unlocking"): after the passphrase (or the receipt) is checked, the key is put in a
cookie, encrypted with a `SecretBox` whose key is derived from the server's SECRET_KEY. The cookie is HttpOnly,
SameSite=Strict, Secure behind HTTPS, limited to /cases/, and has no expiry date, so the browser drops it when it
closes. Inside it, with the key: the member's id, a hash of their login session's key, and a time 30 minutes
(CASE_UNLOCK_IDLE_SECONDS) ahead that each use moves on. So
- the server keeps nothing: no row, cache entry, file or log line holds the key, wrapped or not;
- the cookie alone is ciphertext; it opens only with SECRET_KEY, only in the login session it was made in (logging
  out, or a new login, voids it), and only until 30 minutes pass without use;
- once the browser closes or the time passes, nothing left anywhere opens the key without the passphrase.
A running server with its SECRET_KEY, given a live cookie, can of course use it: that is what unlocking means.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from rankandfile.cases.domain import crypto

COMMITTEE_COOKIE = "rf_case_unlock"
COMPLAINANT_COOKIE = "rf_case_receipt"
COOKIE_PATH = "/cases/"


def _box_key(purpose: str) -> bytes:
    return crypto.browser_key(settings.SECRET_KEY, f"rankandfile.cases.{purpose}")


def _session_tag(request: HttpRequest) -> str:
    key = request.session.session_key or ""
    return hashlib.sha256(("rankandfile.cases:" + key).encode()).hexdigest()[:32] if key else ""


def _write(response: HttpResponse, name: str, purpose: str, payload: Mapping[str, object]) -> None:
    sealed = crypto.seal(_box_key(purpose), json.dumps(payload).encode())
    response.set_cookie(
        name,
        base64.urlsafe_b64encode(sealed).decode(),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def _read(request: HttpRequest, name: str, purpose: str) -> dict[str, object] | None:
    raw = request.COOKIES.get(name)
    if not raw:
        return None
    try:
        payload = json.loads(crypto.unseal(_box_key(purpose), base64.urlsafe_b64decode(raw.encode())))
    except (crypto.DecryptionFailed, ValueError):
        return None
    if not isinstance(payload, dict) or float(payload.get("until", 0)) < time.time():
        return None
    return payload


def _until() -> float:
    return time.time() + settings.CASE_UNLOCK_IDLE_SECONDS


# --- a committee member --------------------------------------------------------------------------------------
def remember_private_key(request: HttpRequest, response: HttpResponse, private_key: bytes) -> None:
    if not request.session.session_key:
        request.session.cycle_key()
    payload = {
        "member": request.user.pk,
        "session": _session_tag(request),
        "key": private_key.hex(),
        "until": _until(),
    }
    _write(response, COMMITTEE_COOKIE, "committee", payload)


def private_key(request: HttpRequest) -> bytes | None:
    """The member's unlocked private key, if this browser unlocked it in this login session within the time."""
    payload = _read(request, COMMITTEE_COOKIE, "committee")
    if payload is None or payload.get("member") != request.user.pk:
        return None
    tag = _session_tag(request)
    if not tag or payload.get("session") != tag:
        return None
    return bytes.fromhex(str(payload["key"]))


def keep_private_key(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Move the idle time on after a use (the cookie is written again with a new time)."""
    key = private_key(request)
    if key is not None and response.status_code < 400:
        remember_private_key(request, response, key)
    return response


def forget_private_key(response: HttpResponse) -> None:
    response.delete_cookie(COMMITTEE_COOKIE, path=COOKIE_PATH, samesite="Strict")


# --- a complainant ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ComplainantAccess:
    case_id: int
    receipt_key: bytes  # not the case key: a generation made while the browser holds it opens with it too


def remember_case_key(response: HttpResponse, access: ComplainantAccess) -> None:
    payload = {"case": access.case_id, "receipt_key": access.receipt_key.hex(), "until": _until()}
    _write(response, COMPLAINANT_COOKIE, "complainant", payload)


def complainant_access(request: HttpRequest) -> ComplainantAccess | None:
    payload = _read(request, COMPLAINANT_COOKIE, "complainant")
    if payload is None or "receipt_key" not in payload:  # a cookie from before key generations: enter again
        return None
    return ComplainantAccess(int(str(payload["case"])), bytes.fromhex(str(payload["receipt_key"])))


def keep_case_key(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    access = complainant_access(request)
    if access is not None and response.status_code < 400:
        remember_case_key(response, access)
    return response


def forget_case_key(response: HttpResponse) -> None:
    response.delete_cookie(COMPLAINANT_COOKIE, path=COOKIE_PATH, samesite="Strict")
