"""Signed, published heads: a whole-chain rewrite with every hash recomputed is caught (issue 9, item 8)."""

from __future__ import annotations

import datetime as dt
import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from nacl.encoding import HexEncoder
from nacl.signing import SigningKey, VerifyKey

from rankandfile.audit import signing
from rankandfile.audit.domain.chain import GENESIS, Link, entry_hash, head_statement, parse_head, payload_digest
from rankandfile.audit.models import AuditEntry, ChainHead, PublishedHead
from rankandfile.audit.selectors import verify_chain
from rankandfile.audit.services import audit_head_publish, record
from rankandfile.org.services import api_token_create
from rankandfile.testing import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEntry]:
    return [record(f"test.action{i}", object_type="thing", object_id=i, payload={"n": i}) for i in range(1, 6)]


def rewrite_whole_chain(*, forge_seq: int) -> None:
    """What an operator with full database rights does: change one entry, recompute every hash after it."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("seq"):
        action = "test.forged" if entry.seq == forge_seq else entry.action
        link = Link(
            entry.seq,
            entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            entry.actor,
            action,
            entry.object_type,
            entry.object_id,
            payload_digest(entry.payload),
            previous,
        )
        hashed = entry_hash(link)
        AuditEntry.objects.filter(pk=entry.pk).update(action=action, prev_hash=previous, entry_hash=hashed)
        previous = hashed
    ChainHead.objects.filter(pk=1).update(entry_hash=previous)


def head_of_chain() -> tuple[int, str]:
    seq, hashed = ChainHead.objects.values_list("seq", "entry_hash").get(pk=1)
    return seq, hashed


# --- the forgery the chain alone cannot see -------------------------------------------------------------------
def test_a_whole_chain_rewrite_passes_the_chain_check_alone(chain: list[AuditEntry]) -> None:
    # The premise of the finding: without an outside anchor the rewritten chain looks whole.
    rewrite_whole_chain(forge_seq=2)
    assert verify_chain() is None


def test_it_detects_a_whole_chain_rewrite_against_a_kept_head(chain: list[AuditEntry]) -> None:
    kept = head_of_chain()
    rewrite_whole_chain(forge_seq=2)
    problem = verify_chain(kept_heads=[kept])
    assert problem is not None and problem.seq == kept[0] and "kept head" in problem.reason
    with pytest.raises(CommandError, match=f"broken at entry {kept[0]}: does not match the kept head") as caught:
        call_command("verify_audit", "--expect-head", f"{kept[0]}:{kept[1]}")
    assert "\n" not in str(caught.value)


def test_it_detects_a_whole_chain_rewrite_against_the_signed_heads(chain: list[AuditEntry]) -> None:
    published, _ = audit_head_publish()
    record("test.after", object_type="thing", object_id=6)
    rewrite_whole_chain(forge_seq=2)
    problem = verify_chain()
    assert problem is not None and problem.seq == published.seq and "does not match the head signed" in problem.reason


def test_it_detects_signed_heads_rewritten_to_match_the_forgery(chain: list[AuditEntry]) -> None:
    # The operator also updates the stored heads; without the key they cannot re-sign them.
    published, _ = audit_head_publish()
    rewrite_whole_chain(forge_seq=2)
    forged_hash = AuditEntry.objects.get(seq=published.seq).entry_hash
    PublishedHead.objects.filter(pk=published.pk).update(entry_hash=forged_hash)
    problem = verify_chain()
    assert problem is not None and "signature" in problem.reason and "does not verify" in problem.reason


def test_it_refuses_heads_re_signed_with_a_key_of_the_operators_own(chain: list[AuditEntry]) -> None:
    published, _ = audit_head_publish()
    rewrite_whole_chain(forge_seq=2)
    own = SigningKey.generate()
    forged_hash = AuditEntry.objects.get(seq=published.seq).entry_hash
    PublishedHead.objects.filter(pk=published.pk).update(
        entry_hash=forged_hash,
        public_key=own.verify_key.encode(encoder=HexEncoder).decode(),
        signature=own.sign(head_statement(published.seq, forged_hash, published.published_at_text)).signature.hex(),
    )
    problem = verify_chain()
    assert problem is not None and "does not verify" in problem.reason


def test_it_detects_a_tampered_signature(chain: list[AuditEntry]) -> None:
    published, _ = audit_head_publish()
    flipped = ("1" if published.signature[0] == "0" else "0") + published.signature[1:]
    PublishedHead.objects.filter(pk=published.pk).update(signature=flipped)
    with pytest.raises(CommandError, match=f"broken at entry {published.seq}: the signature of the head published"):
        call_command("verify_audit")


def test_it_detects_a_deleted_head_only_against_a_kept_copy(chain: list[AuditEntry]) -> None:
    # Deleting the stored heads removes what the database can check against; the copies members kept remain.
    published, _ = audit_head_publish()
    rewrite_whole_chain(forge_seq=2)
    PublishedHead.objects.all().delete()
    assert verify_chain() is None
    problem = verify_chain(kept_heads=[parse_head(published.head_text)])
    assert problem is not None and problem.seq == published.seq


def test_it_checks_signatures_against_the_public_key_given_on_the_command_line(chain: list[AuditEntry]) -> None:
    published, _ = audit_head_publish()
    call_command("verify_audit", "--public-key", published.public_key)
    other = SigningKey.generate().verify_key.encode(encoder=HexEncoder).decode()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("verify_audit", "--public-key", other)


# --- publishing -----------------------------------------------------------------------------------------------
def test_it_signs_the_head_with_ed25519_over_the_documented_statement(chain: list[AuditEntry]) -> None:
    published, is_new = audit_head_publish()
    assert is_new and published.seq == 5 and published.entry_hash == chain[-1].entry_hash
    statement = f'["rankandfile-audit-head/1",5,"{published.entry_hash}","{published.published_at_text}"]'.encode()
    VerifyKey(published.public_key.encode(), encoder=HexEncoder).verify(statement, bytes.fromhex(published.signature))
    entry = AuditEntry.objects.get(seq=6)
    assert entry.action == "audit.head_publish" and entry.payload["signature"] == published.signature


def test_it_publishes_nothing_new_until_the_chain_grows(chain: list[AuditEntry]) -> None:
    first, _ = audit_head_publish()
    again, is_new = audit_head_publish()
    assert not is_new and again.pk == first.pk and PublishedHead.objects.count() == 1
    record("test.more", object_type="thing", object_id=7)
    later, is_new = audit_head_publish()
    assert is_new and later.seq == 7


def test_it_refuses_to_publish_an_empty_chain() -> None:
    with pytest.raises(CommandError, match="empty"):
        call_command("publish_audit_head")


def test_it_keeps_the_key_in_a_private_file_and_reuses_it(
    chain: list[AuditEntry], settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit.key"
    first, _ = audit_head_publish()
    assert stat.S_IMODE(settings.AUDIT_SIGNING_KEY_FILE.stat().st_mode) == 0o600
    record("test.more", object_type="thing", object_id=7)
    second, _ = audit_head_publish()
    assert second.public_key == first.public_key == signing.current_public_key()


def test_it_names_an_unreadable_key_file_in_one_line(chain: list[AuditEntry], settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "audit.key"
    settings.AUDIT_SIGNING_KEY_FILE.write_text("not a key\n")
    with pytest.raises(CommandError, match=r"audit signing key .*audit\.key is unreadable"):
        call_command("publish_audit_head")


def test_it_emails_the_head_to_the_accountability_committee(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        published, _ = audit_head_publish()
    (message,) = mail.outbox
    assert message.bcc == [org.erin.email] and message.to == []
    assert published.head_text in message.body and published.signature in message.body


def test_it_also_emails_the_configured_outside_addresses(
    org: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUDIT_HEAD_EMAIL_TO = ["auditor@example.net"]
    with django_capture_on_commit_callbacks(execute=True):
        audit_head_publish()
    assert mail.outbox[0].bcc == [org.erin.email, "auditor@example.net"]


def test_it_logs_when_there_is_no_committee_to_email(
    chain: list[AuditEntry], caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        audit_head_publish()
    assert mail.outbox == []
    assert "no accountability committee to email" in caplog.text


# --- the command line -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["5", "five:abc", f"0:{'a' * 64}", "5:abc", f"5:{'g' * 64}"])
def test_it_refuses_a_malformed_expected_head_in_one_line(chain: list[AuditEntry], text: str) -> None:
    with pytest.raises(CommandError, match=r"^--expect-head: ") as caught:
        call_command("verify_audit", "--expect-head", text)
    assert "\n" not in str(caught.value)


def test_it_reports_an_expected_head_beyond_the_chain(chain: list[AuditEntry]) -> None:
    with pytest.raises(CommandError, match="broken at entry 9: missing"):
        call_command("verify_audit", "--expect-head", f"9:{'a' * 64}")


def test_it_accepts_a_kept_head_the_chain_still_holds(chain: list[AuditEntry], capsys: Any) -> None:
    audit_head_publish()
    call_command("verify_audit", "--expect-head", f"3:{chain[2].entry_hash.upper()}")
    assert "intact: 6 entries" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_cli_exits_non_zero_against_a_kept_head_after_a_rewrite(chain: list[AuditEntry]) -> None:
    from rankandfile.cli import main

    seq, hashed = head_of_chain()
    assert main(["verify-audit", "--expect-head", f"{seq}:{hashed}"]) == 0
    rewrite_whole_chain(forge_seq=1)
    assert main(["verify-audit"]) == 0  # the chain alone is fooled...
    assert main(["verify-audit", "--expect-head", f"{seq}:{hashed}"]) == 1  # ...the kept head is not


# --- where heads are published --------------------------------------------------------------------------------
def test_the_heads_page_shows_each_head_and_the_public_key(chain: list[AuditEntry]) -> None:
    published, _ = audit_head_publish()
    html = Client().get(reverse("audit:heads")).content.decode()
    assert published.head_text in html and published.signature in html and published.public_key in html


def test_the_feed_is_atom_with_one_entry_per_head(chain: list[AuditEntry]) -> None:
    published, _ = audit_head_publish()
    response = Client().get(reverse("audit:heads_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 1 and published.head_text in body and published.signature in body


def test_the_api_gives_each_head_with_the_statement_its_signature_covers(org: Any) -> None:
    published, _ = audit_head_publish()
    _token, raw = api_token_create(member=org.alice, name="heads")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    data = client.get("/api/v1/audit/heads").json()
    (item,) = data["items"]
    assert item["head"] == published.head_text
    VerifyKey(item["public_key"].encode(), encoder=HexEncoder).verify(
        item["statement"].encode(), bytes.fromhex(item["signature"])
    )
    keys = client.get("/api/v1/audit/public-keys").json()
    assert keys["current"] == published.public_key and keys["trusted"] == [published.public_key]


def test_the_committee_can_publish_from_the_page(org: Any) -> None:
    client = Client()
    log_in(client, org.erin)
    response = client.post(reverse("audit:head_publish"))
    assert response.status_code == 302
    published = PublishedHead.objects.get()
    assert AuditEntry.objects.get(seq=published.seq + 1).actor == str(org.erin)
