"""The hash chain: how an entry's hash is made and how a chain is checked (DESIGN §9). No Django here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8. Hashes must not depend on dict order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def payload_digest(payload: Any) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


@dataclass(frozen=True)
class Link:
    """The fields an entry's hash covers, in the form stored in the database."""

    seq: int
    created_at: str  # ISO 8601, microseconds, UTC
    actor: str
    action: str
    object_type: str
    object_id: str
    payload_digest: str
    prev_hash: str
    entry_hash: str = ""
    # The digest recomputed from the payload as stored now; differs from payload_digest if it was edited.
    recomputed_payload_digest: str | None = None


def entry_hash(link: Link) -> str:
    body = [
        link.seq,
        link.created_at,
        link.actor,
        link.action,
        link.object_type,
        link.object_id,
        link.payload_digest,
        link.prev_hash,
    ]
    return hashlib.sha256(canonical_json(body)).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


def first_problem(links: Iterable[Link], head: tuple[int, str] | None = None) -> Problem | None:
    """The first altered, removed or reordered entry, or None if the chain is whole.

    `head` is the last (seq, hash) recorded separately, which catches entries cut off the end.
    """
    previous_hash = GENESIS
    expected_seq = 1
    last: Link | None = None
    for link in links:
        if link.seq != expected_seq:
            if link.seq > expected_seq:
                return Problem(expected_seq, f"missing (next entry found is {link.seq})")
            return Problem(link.seq, f"out of order (expected {expected_seq})")
        if link.prev_hash != previous_hash:
            return Problem(link.seq, "does not follow the entry before it (entries removed or reordered)")
        if link.recomputed_payload_digest not in (None, link.payload_digest):
            return Problem(link.seq, "payload altered (digest does not match)")
        if entry_hash(link) != link.entry_hash:
            return Problem(link.seq, "altered (hash does not match its contents)")
        previous_hash = link.entry_hash
        expected_seq += 1
        last = link
    if head is not None:
        head_seq, head_hash = head
        if last is None or last.seq < head_seq:
            return Problem(expected_seq, f"missing (the recorded head is entry {head_seq})")
        if last.seq == head_seq and last.entry_hash != head_hash:
            return Problem(head_seq, "altered (does not match the recorded chain head)")
    return None


# --- Published heads ------------------------------------------------------------------------------------------
# A head is published by signing a statement of (seq, hash, time) with a key kept outside the database. An operator
# who rewrites the chain and recomputes every hash cannot sign the new heads, and any head kept by a member or an
# outside party no longer matches the rewritten chain.

HEAD_STATEMENT = "rankandfile-audit-head/1"
HASH_LENGTH = 64


@dataclass(frozen=True)
class SignedHead:
    seq: int
    entry_hash: str
    published_at: str  # ISO 8601, microseconds, UTC
    public_key: str  # hex Ed25519 verify key
    signature: str  # hex Ed25519 signature over head_statement(...)


def head_statement(seq: int, entry_hash: str, published_at: str) -> bytes:
    """The exact bytes a head's signature covers; anyone can rebuild them from the published fields."""
    return canonical_json([HEAD_STATEMENT, seq, entry_hash, published_at])


def parse_head(text: str) -> tuple[int, str]:
    """`SEQ:HASH` as printed by verify-audit and on the heads page. ValueError names what is wrong."""
    seq_text, colon, hashed = text.strip().partition(":")
    hashed = hashed.lower()
    if not colon or not seq_text.isdigit() or int(seq_text) < 1:
        raise ValueError(f"expected SEQ:HASH (an entry number, a colon, a hash), got '{text}'")
    if len(hashed) != HASH_LENGTH or any(c not in "0123456789abcdef" for c in hashed):
        raise ValueError(f"the hash in '{text}' is not {HASH_LENGTH} hexadecimal digits")
    return int(seq_text), hashed


def kept_head_problem(hash_at: Mapping[int, str], head: tuple[int, str]) -> Problem | None:
    """A head kept outside the database (SEQ:HASH) against the chain's entry of that number."""
    seq, hashed = head
    if seq not in hash_at:
        return Problem(seq, f"missing (a kept head is entry {seq})")
    if hash_at[seq] != hashed:
        return Problem(seq, f"does not match the kept head {seq}:{hashed}")
    return None


def published_head_problem(
    hash_at: Mapping[int, str], heads: Iterable[SignedHead], is_genuine: Callable[[SignedHead], bool]
) -> Problem | None:
    """The first published head whose signature is not genuine or whose entry the chain no longer holds.

    `is_genuine` checks a signature against the trusted keys (the caller's crypto; this module stays pure).
    """
    for head in heads:
        if not is_genuine(head):
            return Problem(head.seq, f"the signature of the head published at {head.published_at} does not verify")
        if head.seq not in hash_at:
            return Problem(head.seq, f"missing (a head was published for entry {head.seq})")
        if hash_at[head.seq] != head.entry_hash:
            return Problem(head.seq, f"does not match the head signed at {head.published_at}")
    return None
