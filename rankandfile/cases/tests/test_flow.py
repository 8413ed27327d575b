"""The whole path through the pages: a member files anonymously, the committee unlocks, reads and replies, the
complainant reads the reply with the receipt, and the case is worked to a decision."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rankandfile.audit.models import AuditEntry
from rankandfile.cases.models import Case, Entry
from rankandfile.cases.tests.helpers import complainant_client, set_passphrase, unlocked_client
from rankandfile.testing import SmallOrg, log_in


def test_a_member_files_anonymously_and_the_committee_answers(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    client = Client()
    log_in(client, org.alice)
    response = client.post(
        reverse("cases:report"),
        {
            "unit": org.leeds.pk,
            "category": "harassment",
            "text": "Bob shouted at me after the meeting.",
            "named": [org.bob.pk],
            "anonymous": "on",
            "attachments": [SimpleUploadedFile("photo.png", b"\x89PNG fake image", content_type="image/png")],
        },
    )
    assert response.status_code == 200
    receipt = response.context["receipt"]
    assert len(receipt.replace("-", "")) == 16
    assert response["Cache-Control"].startswith("max-age=0")
    case = Case.objects.get()
    assert case.state == "received"

    erin = unlocked_client(org.erin)
    page = erin.get(reverse("cases:case", args=[case.reference]))
    assert "Bob shouted at me" in page.content.decode()
    assert "Filed anonymously" in page.content.decode()
    assert "photo.png" in page.content.decode()
    erin.post(reverse("cases:move", args=[case.reference]), {"to": "acknowledged"})
    erin.post(
        reverse("cases:entry_add", args=[case.reference]),
        {"kind": Entry.Kind.TO_COMPLAINANT, "text": "Thank you; can you tell us who else was there?"},
    )
    erin.post(reverse("cases:entry_add", args=[case.reference]), {"kind": Entry.Kind.NOTE, "text": "Internal note."})

    complainant = complainant_client(receipt)
    mine = complainant.get(reverse("cases:mine")).content.decode()
    assert "who else was there" in mine
    assert "Internal note" not in mine
    assert "acknowledged" in mine
    complainant.post(reverse("cases:mine_message"), {"text": "Carol and Dave were there."})
    assert "Carol and Dave were there." in erin.get(reverse("cases:case", args=[case.reference])).content.decode()

    # Nothing in the audit chain links alice to the case.
    entries = AuditEntry.objects.filter(object_id=case.reference)
    assert entries.exists()
    assert not entries.filter(actor_id=org.alice.pk).exists()
    assert all("Alice" not in e.actor for e in entries)


def test_the_committee_downloads_an_attachment_decrypted(org: SmallOrg) -> None:
    set_passphrase(org.erin)
    client = Client()
    content = b"%PDF-1.4 " + bytes(range(256)) * 1000
    response = client.post(
        reverse("cases:public_report", args=[org.leeds.pk]),
        {
            "category": "other",
            "text": "At the public event.",
            "attachments": [SimpleUploadedFile("statement.pdf", content, content_type="application/pdf")],
        },
    )
    assert response.status_code == 200
    case = Case.objects.get()
    attachment = case.attachments.get()
    erin = unlocked_client(org.erin)
    download = erin.get(reverse("cases:file", args=[case.reference, attachment.pk]))
    assert b"".join(download.streaming_content) == content
    assert AuditEntry.objects.filter(object_id=case.reference, action="case.download").exists()
