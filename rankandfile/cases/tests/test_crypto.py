"""The cryptography of cases, through PyNaCl only: key pairs under a passphrase, sealing, receipts, streams."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rankandfile.cases.domain import crypto

COST = crypto.FAST_KDF


def test_a_key_pair_unlocks_with_its_passphrase_only() -> None:
    locked, private = crypto.keypair_create("a long case passphrase", COST)
    assert crypto.keypair_unlock(locked, "a long case passphrase") == private
    with pytest.raises(crypto.DecryptionFailed):
        crypto.keypair_unlock(locked, "a long case passphrasE")
    assert private not in locked.sealed_private_key


def test_a_sealed_case_key_opens_only_with_the_right_private_key() -> None:
    _locked_a, private_a = crypto.keypair_create("passphrase of a", COST)
    locked_b, private_b = crypto.keypair_create("passphrase of b", COST)
    case_key = crypto.new_key()
    sealed = crypto.seal_to(locked_b.public_key, case_key)
    assert crypto.unseal_with(private_b, sealed) == case_key
    with pytest.raises(crypto.DecryptionFailed):
        crypto.unseal_with(private_a, sealed)


def test_an_altered_box_is_refused() -> None:
    key = crypto.new_key()
    box = bytearray(crypto.seal(key, b"the complaint"))
    box[-1] ^= 1
    with pytest.raises(crypto.DecryptionFailed):
        crypto.unseal(key, bytes(box))


def test_a_receipt_is_16_digits_and_reads_back_however_it_is_typed() -> None:
    digits = crypto.receipt_new()
    assert len(digits) == 16 and digits.isdigit()
    shown = crypto.receipt_format(digits)
    assert shown.count("-") == 3
    assert crypto.receipt_normalize(shown) == digits
    assert crypto.receipt_normalize(" ".join(shown.split("-"))) == digits
    assert crypto.receipt_normalize("1234") is None
    assert crypto.receipt_normalize("１２３４５６７８９０１２３４５６") is None  # full-width digits are not ASCII


def test_the_stored_half_of_a_receipt_says_nothing_of_the_key_half() -> None:
    salt = crypto.new_salt()
    lookup, key = crypto.receipt_secrets("1234567812345678", salt, COST)
    assert len(lookup) == 64 and len(key) == 32
    assert key.hex() not in lookup
    assert crypto.receipt_secrets("1234567812345678", salt, COST) == (lookup, key)
    assert crypto.receipt_secrets("1234567812345679", salt, COST)[0] != lookup


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=3 * crypto.CHUNK_SIZE + 7))
def test_a_stream_reads_back_whole(data: bytes) -> None:
    key = crypto.new_key()
    sealed = crypto.stream_seal(key, data)
    assert b"".join(crypto.stream_open(key, io.BytesIO(sealed))) == data


def test_a_cut_or_altered_stream_is_refused() -> None:
    key = crypto.new_key()
    sealed = crypto.stream_seal(key, b"x" * (2 * crypto.CHUNK_SIZE + 10))
    cut = sealed[: crypto.STREAM_HEADER_SIZE + crypto.CHUNK_SIZE + crypto.STREAM_ABYTES]
    with pytest.raises(crypto.DecryptionFailed):
        b"".join(crypto.stream_open(key, io.BytesIO(cut)))
    altered = bytearray(sealed)
    altered[crypto.STREAM_HEADER_SIZE + 5] ^= 1
    with pytest.raises(crypto.DecryptionFailed):
        b"".join(crypto.stream_open(key, io.BytesIO(bytes(altered))))
