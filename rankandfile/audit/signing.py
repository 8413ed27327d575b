"""The audit key: Ed25519 through PyNaCl (libsodium), kept in a file outside the database.

Only this module touches the key. The domain (audit/domain/chain.py) says what is signed; this says how.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from nacl.encoding import HexEncoder
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from rankandfile.audit.domain.chain import SignedHead, head_statement

logger = logging.getLogger(__name__)


class SigningKeyError(Exception):
    """The key file is unreadable or malformed: one line that names the file."""


def _key_file() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_FILE)


def _read(path: Path) -> SigningKey:
    try:
        seed = path.read_text().strip()
        return SigningKey(seed.encode(), encoder=HexEncoder)
    except (OSError, ValueError, TypeError, CryptoError) as error:
        raise SigningKeyError(
            f"the audit signing key {path} is unreadable or not a hex Ed25519 seed ({error})"
        ) from error


def signing_key() -> SigningKey:
    """The key that signs heads; created (mode 0600) on first use if the configured file does not exist."""
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting together must not each write a different key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read(path)
        with os.fdopen(fd, "w") as file:
            file.write(SigningKey.generate().encode(encoder=HexEncoder).decode() + "\n")
        logger.warning("Created a new audit signing key at %s: publish its public key (docs/security.md).", path)
    return _read(path)


def public_key_hex(key: SigningKey) -> str:
    return key.verify_key.encode(encoder=HexEncoder).decode()


def current_public_key() -> str | None:
    """The signing key's public half, without creating a key (verification must not make one)."""
    path = _key_file()
    return public_key_hex(_read(path)) if path.exists() else None


def trusted_public_keys() -> list[str]:
    """The current key and any earlier ones named in AUDIT_TRUSTED_KEYS (lower-case hex)."""
    keys = [k.strip().lower() for k in settings.AUDIT_TRUSTED_KEYS]
    current = current_public_key()
    return [current, *keys] if current else keys


def sign_head(key: SigningKey, *, seq: int, entry_hash: str, published_at: str) -> str:
    return key.sign(head_statement(seq, entry_hash, published_at)).signature.hex()


def verifier(trusted_keys: Iterable[str]) -> Callable[[SignedHead], bool]:
    """A check that a head was signed by one of `trusted_keys`, whatever key the head's row claims."""
    keys = {k.lower() for k in trusted_keys}

    def is_genuine(head: SignedHead) -> bool:
        if head.public_key.lower() not in keys:
            return False
        try:
            verify_key = VerifyKey(head.public_key.encode(), encoder=HexEncoder)
            statement = head_statement(head.seq, head.entry_hash, head.published_at)
            verify_key.verify(statement, bytes.fromhex(head.signature))
        except (BadSignatureError, CryptoError, ValueError, TypeError):
            return False
        return True

    return is_genuine
