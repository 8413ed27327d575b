"""An imported member, who never had a password, gets in through "Forgotten your password?"."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.core import mail
from django.test import Client
from django.urls import reverse

from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg, make_member

NEW_PASSWORD = "a brand new passphrase 2026"


def test_it_sends_a_reset_link_to_a_member_without_a_usable_password(org: SmallOrg) -> None:
    imported = make_member("Ivy Imported", org.leeds)
    imported.set_unusable_password()
    imported.save(update_fields=["password"])
    client = Client()
    client.post(reverse("password_reset"), {"email": "IVY.imported@example.org"})
    assert [m.to for m in mail.outbox] == [[imported.email]]
    link = urlparse(re.search(r"https?://\S+", mail.outbox[0].body).group(0)).path  # type: ignore[union-attr]
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    imported.refresh_from_db()
    assert imported.check_password(NEW_PASSWORD)


def test_it_sends_nothing_to_a_deactivated_account(org: SmallOrg) -> None:
    Member.objects.filter(pk=org.alice.pk).update(is_active=False)
    Client().post(reverse("password_reset"), {"email": org.alice.email})
    assert mail.outbox == []
