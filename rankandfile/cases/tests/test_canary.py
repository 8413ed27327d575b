"""The canary (issue 11): one unique string in a complaint, a note, a message each way, a decision, a file name and
an attachment; after the whole flow, nothing at rest holds it: not the database (every table, and the SQLite
files), not MEDIA_ROOT, not the upload temporary folder, not the logs, not any cache or Redis key; in clear, in
base64 or in hex. Runs on SQLite and, with DATABASE_URL and REDIS_URL set, on PostgreSQL and Redis."""

from __future__ import annotations

import base64
import logging
import pickle
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from rankandfile.cases.models import Case
from rankandfile.cases.tests.helpers import complainant_client, set_passphrase, unlocked_client
from rankandfile.testing import SmallOrg, log_in


def encodings(canary: bytes) -> list[bytes]:
    """The canary as it would appear in clear, in hex, or inside a longer base64 text (each of 3 alignments)."""
    forms = [canary, canary.hex().encode(), canary.hex().upper().encode()]
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * pad + canary)
            skip = (pad * 4 + 2) // 3  # characters that also depend on the padding bytes
            forms.append(encoded[skip + 1 : -4])
    return forms


def table_dump() -> Iterator[tuple[str, bytes]]:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from the schema)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        yield table, bytes(value)
                    else:
                        yield table, str(value).encode()


def files_under(root: Path) -> Iterator[tuple[str, bytes]]:
    if root.exists():
        for path in root.rglob("*"):
            if path.is_file():
                yield str(path), path.read_bytes()


def database_files() -> Iterator[tuple[str, bytes]]:
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            if path.exists():
                yield str(path), path.read_bytes()


def cache_dump() -> Iterator[tuple[str, bytes]]:
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(count=1000):
            yield f"redis:{key!r}", bytes(key) + (client.dump(key) or b"")
    else:
        for key, value in getattr(cache, "_cache", {}).items():
            yield f"cache:{key}", key.encode() + (value if isinstance(value, bytes) else pickle.dumps(value))


@pytest.fixture
def upload_temp_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django's own handlers would have spilled to disk here
    return folder


@pytest.mark.django_db(transaction=True)
def test_the_canary_is_nowhere_at_rest(
    org: SmallOrg, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], upload_temp_dir: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    canary = f"CANARY{secrets.token_hex(8)}"
    media = Path(settings.MEDIA_ROOT)
    set_passphrase(org.erin)

    alice = Client()
    log_in(alice, org.alice)
    big = (canary.encode() + b" evidence ") * 300_000  # ~7 MB: Django would write this to a temporary file
    response = alice.post(
        reverse("cases:report"),
        {
            "unit": org.leeds.pk,
            "category": "sexual-misconduct",
            "text": f"The complaint {canary}",
            "others": f"a guest, {canary}",
            "attachments": [SimpleUploadedFile(f"{canary}.pdf", b"%PDF-1.4 " + big, content_type="application/pdf")],
        },
    )
    assert response.status_code == 200
    receipt = response.context["receipt"]
    case = Case.objects.get()

    erin = unlocked_client(org.erin)
    url = reverse("cases:case", args=[case.reference])
    assert canary in erin.get(url).content.decode()  # readable by the committee: the flow really ran
    erin.post(reverse("cases:move", args=[case.reference]), {"to": "acknowledged"})
    erin.post(
        reverse("cases:entry_add", args=[case.reference]),
        {
            "kind": "note",
            "text": f"note {canary}",
            "attachments": [
                SimpleUploadedFile(f"interview-{canary}.png", canary.encode() * 50, content_type="image/png")
            ],
        },
    )
    erin.post(
        reverse("cases:entry_add", args=[case.reference]), {"kind": "to_complainant", "text": f"question {canary}"}
    )
    complainant = complainant_client(receipt)
    assert f"question {canary}" in complainant.get(reverse("cases:mine")).content.decode()
    complainant.post(reverse("cases:mine_message"), {"text": f"answer {canary}"})
    erin.post(reverse("cases:move", args=[case.reference]), {"to": "investigating"})
    erin.post(reverse("cases:decide", args=[case.reference]), {"text": f"decision {canary}"})
    case.refresh_from_db()
    assert case.state == "decided"
    assert case.attachments.count() == 2
    download = erin.get(reverse("cases:file", args=[case.reference, case.attachments.first().pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 " + big

    logs = [("log", caplog.text.encode())]
    logs += [("log-args", repr(r.args).encode() + r.getMessage().encode()) for r in caplog.records]
    out = capsys.readouterr()
    logs += [("stdout", out.out.encode()), ("stderr", out.err.encode())]
    places = [
        *table_dump(),
        *database_files(),
        *files_under(media),
        *files_under(upload_temp_dir),
        *cache_dump(),
        *logs,
    ]
    assert any(name.startswith(str(media)) for name, _data in places)  # the attachments are there, sealed
    forms = encodings(canary.encode())
    hits = [name for name, data in places for form in forms if form in data]
    assert hits == [], f"the canary is readable at rest in: {sorted(set(hits))}"
