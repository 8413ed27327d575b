"""The audit log page: newest first, a page at a time by sequence number, for members in good standing."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from rankandfile.audit import views
from rankandfile.audit.models import AuditEntry
from rankandfile.audit.services import record
from rankandfile.testing import log_in


def numbers_on(client: Client, url: str) -> tuple[list[int], str]:
    html = client.get(url).content.decode()
    return [int(n) for n in re.findall(r"<small class=\"muted\">#(\d+) ·", html)], html


def test_the_log_pages_back_through_the_whole_chain(org: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "PAGE", 10)
    for i in range(23):
        record("test.entry", object_type="test", object_id=i)
    newest = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)
    everything = list(newest)
    client = Client()
    log_in(client, org.alice)

    seen: list[int] = []
    url = reverse("audit:log")
    while url:
        numbers, html = numbers_on(client, url)
        assert len(numbers) <= 10
        seen += numbers
        older = re.search(r'href="([^"]*\?before=\d+)"', html)
        url = older.group(1).replace("&amp;", "&") if older else ""
        if seen[:10] != numbers:
            assert "Newest entries" in html
    assert seen == everything  # every entry once, newest first, no gap and no repeat


def test_a_malformed_page_number_shows_the_newest_entries(org: Any) -> None:
    record("test.entry", object_type="test", object_id=1)
    client = Client()
    log_in(client, org.alice)
    numbers, _ = numbers_on(client, reverse("audit:log") + "?before=abc")
    assert numbers[0] == AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
