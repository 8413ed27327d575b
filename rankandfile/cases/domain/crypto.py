"""Every cryptographic step of a case, and only through PyNaCl (libsodium): no cryptography written by hand.

- A committee member's key pair is X25519 (`PrivateKey`); the private key is stored under a `SecretBox` whose key
  is derived from the member's case passphrase with Argon2id (`nacl.pwhash.argon2id.kdf`).
- A case key is 32 random bytes for `SecretBox` (XSalsa20-Poly1305 with a random nonce per message); it is sealed
  to each committee member's public key with `SealedBox`, and to the complainant under a key derived from the
  receipt.
- Attachments are encrypted as they arrive, chunk by chunk, with libsodium's secretstream
  (XChaCha20-Poly1305, `nacl.bindings.crypto_secretstream_xchacha20poly1305_*`), under a random file key that is
  then sealed with the case key: neither plaintext nor the whole file is ever held.
- The receipt is 16 random digits; Argon2id over it with the installation's salt gives 64 bytes: the first half
  is the stored lookup hash, the second the key that opens the complainant's copy of the case key. Knowing the
  stored half tells nothing of the other. From that second half (keyed BLAKE2b) comes the complainant's own X25519
  key pair, whose public half is stored: later generations of the case key are sealed to it.
- A case key has generations (`CaseKeys`). When a holder leaves the committee or recuses, a new random key is
  sealed to the remaining holders' public keys (and the complainant's): no private key is needed for that, so it
  happens at once. Material is sealed under the newest generation and read under the one it names; the departed
  member never held the new one.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl import bindings
from nacl.encoding import RawEncoder
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_SIZE = nacl.secret.SecretBox.KEY_SIZE  # 32
SALT_SIZE = nacl.pwhash.argon2id.SALTBYTES  # 16
CHUNK_SIZE = 64 * 1024
STREAM_HEADER_SIZE = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
STREAM_ABYTES = bindings.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL


class DecryptionFailed(Exception):
    """A wrong passphrase, a wrong receipt, a wrong key, or ciphertext that was altered."""


@dataclass(frozen=True)
class KdfCost:
    """Argon2id's cost: passes over memory and bytes of memory. Stored beside what it protects."""

    opslimit: int
    memlimit: int


# The floor libsodium accepts: for tests only (settings choose the production cost, docs/cases.md).
FAST_KDF = KdfCost(nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_SIZE)


def new_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def derive_key(secret: str, salt: bytes, cost: KdfCost, size: int = KEY_SIZE) -> bytes:
    return bytes(nacl.pwhash.argon2id.kdf(size, secret.encode(), salt, opslimit=cost.opslimit, memlimit=cost.memlimit))


# --- symmetric boxes -----------------------------------------------------------------------------------------
def seal(key: bytes, plaintext: bytes) -> bytes:
    return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))


def unseal(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return bytes(nacl.secret.SecretBox(key).decrypt(bytes(ciphertext)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise DecryptionFailed from error


def seal_json(key: bytes, value: Any) -> bytes:
    return seal(key, json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def unseal_json(key: bytes, ciphertext: bytes) -> Any:
    return json.loads(unseal(key, ciphertext))


# --- a committee member's key pair -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LockedKeyPair:
    public_key: bytes
    sealed_private_key: bytes
    salt: bytes
    cost: KdfCost


def keypair_create(passphrase: str, cost: KdfCost) -> tuple[LockedKeyPair, bytes]:
    """A new X25519 key pair, its private key locked under the passphrase; also returns the private key."""
    private = PrivateKey.generate()
    salt = new_salt()
    locked = LockedKeyPair(
        public_key=bytes(private.public_key),
        sealed_private_key=seal(derive_key(passphrase, salt, cost), bytes(private)),
        salt=salt,
        cost=cost,
    )
    return locked, bytes(private)


def keypair_unlock(locked: LockedKeyPair, passphrase: str) -> bytes:
    """The private key, or DecryptionFailed for a wrong passphrase."""
    private = unseal(derive_key(passphrase, locked.salt, locked.cost), locked.sealed_private_key)
    if bytes(PrivateKey(private).public_key) != locked.public_key:
        raise DecryptionFailed
    return private


def seal_to(public_key: bytes, secret: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(secret))


def unseal_with(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(sealed)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise DecryptionFailed from error


# --- a case key's generations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseKeys:
    """The generations of a case's key that one holder opened. `current` is the case's newest generation: new
    material is sealed under it only (`key`); older material is opened under the generation it was sealed with."""

    generations: Mapping[int, bytes]
    current: int

    @property
    def has_current(self) -> bool:
        return self.current in self.generations

    @property
    def key(self) -> bytes:
        """The key new material is sealed with: the newest generation, or DecryptionFailed if this holder lacks it."""
        return self.of(self.current)

    def of(self, generation: int) -> bytes:
        try:
            return self.generations[generation]
        except KeyError:
            raise DecryptionFailed(f"no key of generation {generation}") from None


def complainant_keypair(receipt_key: bytes) -> tuple[bytes, bytes]:
    """(private, public) X25519 keys of the complainant, derived from the receipt's key (keyed BLAKE2b as seed)."""
    seed = blake2b(receipt_key, key=b"rankandfile.cases.complainant", digest_size=KEY_SIZE, encoder=RawEncoder)
    private = PrivateKey.from_seed(bytes(seed))
    return bytes(private), bytes(private.public_key)


def complainant_case_keys(receipt_key: bytes, first: bytes, later: Mapping[int, bytes], current: int) -> CaseKeys:
    """The generations a receipt opens: the first under the receipt's key itself, later ones sealed to the
    complainant's key pair."""
    private, _public = complainant_keypair(receipt_key)
    generations = {1: unseal(receipt_key, first)}
    for generation, sealed in later.items():
        generations[generation] = unseal_with(private, sealed)
    return CaseKeys(generations, current)


# --- receipts ------------------------------------------------------------------------------------------------
RECEIPT_DIGITS = 16


def receipt_new() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def receipt_normalize(text: str) -> str | None:
    """The 16 digits of a receipt as typed (spaces and dashes allowed), or None."""
    digits = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def receipt_format(digits: str) -> str:
    return "-".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def receipt_secrets(digits: str, salt: bytes, cost: KdfCost) -> tuple[str, bytes]:
    """(lookup hash to store, in hex; key that opens the complainant's copy of the case key)."""
    derived = derive_key(digits, salt, cost, size=64)
    return derived[:32].hex(), derived[32:]


# --- a key held by the browser ---------------------------------------------------------------------------------
def browser_key(server_secret: str, purpose: str) -> bytes:
    """The key that wraps what a browser holds between requests (the unlock cookie), from the server's secret."""
    return bytes(blake2b(purpose.encode(), key=server_secret.encode()[:64], digest_size=KEY_SIZE, encoder=RawEncoder))


# --- attachments: streamed encryption --------------------------------------------------------------------------
class StreamSealer:
    """Encrypts a file as it arrives (secretstream): the header, then one box per CHUNK_SIZE of plaintext, the last
    one tagged final. Holds at most one chunk of plaintext."""

    def __init__(self, file_key: bytes) -> None:
        self._state = bindings.crypto_secretstream_xchacha20poly1305_state()
        self.header = bytes(bindings.crypto_secretstream_xchacha20poly1305_init_push(self._state, file_key))
        self._pending = bytearray()

    def _push(self, chunk: bytes, tag: int) -> bytes:
        return bytes(bindings.crypto_secretstream_xchacha20poly1305_push(self._state, chunk, None, tag))

    def update(self, data: bytes) -> bytes:
        self._pending += data
        out = bytearray()
        while len(self._pending) > CHUNK_SIZE:  # keep at least one byte back: the final box must hold the rest
            out += self._push(bytes(self._pending[:CHUNK_SIZE]), _TAG_MESSAGE)
            del self._pending[:CHUNK_SIZE]
        return bytes(out)

    def finish(self) -> bytes:
        final = self._push(bytes(self._pending), _TAG_FINAL)
        self._pending.clear()
        return final


def stream_seal(file_key: bytes, data: bytes) -> bytes:
    """The whole sealed stream of `data` (for the command line and tests)."""
    sealer = StreamSealer(file_key)
    return sealer.header + sealer.update(data) + sealer.finish()


def stream_open(file_key: bytes, source: BinaryIO) -> Iterator[bytes]:
    """Decrypt a stored attachment chunk by chunk; raises DecryptionFailed if altered, cut short or reordered."""
    header = source.read(STREAM_HEADER_SIZE)
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    try:
        bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, header, file_key)
        while True:
            box = source.read(CHUNK_SIZE + STREAM_ABYTES)
            if not box:
                raise DecryptionFailed("the file ends before its last chunk")
            chunk, tag = bindings.crypto_secretstream_xchacha20poly1305_pull(state, box, None)
            yield bytes(chunk)
            if tag == _TAG_FINAL:
                return
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise DecryptionFailed from error
