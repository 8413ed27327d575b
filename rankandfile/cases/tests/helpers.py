"""Shared set-up for case tests: a committee with passphrases, a case filed through the services, a browser
(test client) unlocked with the passphrase."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from rankandfile.cases import services
from rankandfile.cases.models import Category
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg, give_role, log_in, make_member

PASSPHRASE = "erin's long case passphrase"


def passphrase_of(member: Member) -> str:
    return f"case passphrase of {member.email}"


def set_passphrase(member: Member) -> bytes:
    return services.committee_key_create(member=member, passphrase=passphrase_of(member))


def second_committee_member(org: SmallOrg) -> Member:
    """Cora: a second member of the national committee, in York."""
    cora = make_member("Cora Committee", org.york)
    give_role(cora, org.committee_role)
    return cora


def category(slug: str = "harassment") -> Category:
    return Category.objects.get(slug=slug)


def file_case(org: SmallOrg, text: str = "It happened at the branch social.", **kwargs: Any) -> services.Filed:
    kwargs.setdefault("unit", org.leeds)
    kwargs.setdefault("category", category())
    kwargs.setdefault("channel", "member")
    return services.case_file(text=text, **kwargs)


def unlocked_client(member: Member) -> Client:
    """A browser where `member` logged in (second factor) and unlocked their case key (set first if needed)."""
    client = Client()
    log_in(client, member)
    response = client.post(reverse("cases:key"), {"passphrase": passphrase_of(member)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def complainant_client(receipt: str) -> Client:
    client = Client()
    response = client.post(reverse("cases:receipt"), {"receipt": receipt})
    assert response.status_code == 302
    return client
