"""Receipts: a voter can later find their ballot in the published box and see it is unchanged.

receipt = SHA-256 (hex) of the canonical JSON of {"ballot": public ballot key, "content": the ballot content,
"nonce": a random secret}. The voter keeps the nonce; the server keeps only the receipt beside the content. With
the nonce, anyone holding the published box can recompute a ballot's receipt (docs/ballots.md gives the recipe).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

NONCE_BYTES = 16


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def receipt_for(ballot_key: str, content: Mapping[str, Any], nonce: str) -> str:
    return hashlib.sha256(canonical({"ballot": ballot_key, "content": content, "nonce": nonce})).hexdigest()


def matches(ballot_key: str, content: Mapping[str, Any], nonce: str, receipt: str) -> bool:
    return hmac.compare_digest(receipt_for(ballot_key, content, nonce.strip().lower()), receipt.strip().lower())


def normalize(code: str) -> str:
    """Receipts are shown in groups of eight for reading aloud; spaces and dashes are ignored when checked."""
    return "".join(ch for ch in code.lower() if ch in "0123456789abcdef")


def grouped(code: str, size: int = 8) -> str:
    return " ".join(code[i : i + size] for i in range(0, len(code), size))
