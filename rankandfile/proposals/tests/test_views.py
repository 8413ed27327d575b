"""The proposal pages: sanitized text, co-signing, counter-proposals, revisions and amendments as differences."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rankandfile.proposals import services
from rankandfile.proposals.models import Proposal
from rankandfile.testing import log_in


def member_client(member: Any) -> Client:
    client = Client()
    log_in(client, member)
    return client


def alice_proposal(org: Any, text: str = "The branch sets up a *strike fund*.") -> Proposal:
    proposal = services.proposal_create(actor=org.alice, unit=org.leeds, title="Strike fund", text=text)
    return services.proposal_submit(actor=org.alice, proposal=proposal)


def test_it_creates_a_draft_and_submits_it(org: Any) -> None:
    client = member_client(org.alice)
    response = client.post(f"/units/{org.leeds.pk}/proposals/new/", {"title": "Strike fund", "text": "A fund."})
    proposal = Proposal.objects.get()
    assert response["Location"] == f"/proposals/{proposal.pk}/" and proposal.status == "draft"
    assert member_client(org.bob).get(f"/proposals/{proposal.pk}/").status_code == 404
    client.post(f"/proposals/{proposal.pk}/submit/")
    assert member_client(org.bob).get(f"/proposals/{proposal.pk}/").status_code == 200


def test_it_shows_field_errors_on_an_empty_form(org: Any) -> None:
    response = member_client(org.alice).post(f"/units/{org.leeds.pk}/proposals/new/", {"title": "", "text": ""})
    assert response.status_code == 200 and response.content.decode().count('class="errorlist"') == 2


def test_it_renders_the_text_sanitized(org: Any) -> None:
    proposal = alice_proposal(org, "A *fund*.\n\n<script>alert(1)</script>")
    page = member_client(org.bob).get(f"/proposals/{proposal.pk}/").content.decode()
    assert "<em>fund</em>" in page and "<script>alert" not in page


def test_it_co_signs_and_shows_the_count(org: Any) -> None:
    proposal = alice_proposal(org)
    client = member_client(org.bob)
    client.post(f"/proposals/{proposal.pk}/sign/")
    assert "1 co-signer" in client.get(f"/proposals/{proposal.pk}/live/").content.decode()
    client.post(f"/proposals/{proposal.pk}/unsign/")
    assert "0 co-signers" in client.get(f"/proposals/{proposal.pk}/live/").content.decode()


def test_it_shows_a_refused_co_signature_as_a_message(org: Any) -> None:
    proposal = alice_proposal(org)
    response = member_client(org.alice).post(f"/proposals/{proposal.pk}/sign/", follow=True)
    assert "You wrote this proposal" in response.content.decode()


def test_it_files_a_counter_proposal_and_lists_it_under_the_proposal(org: Any) -> None:
    proposal = alice_proposal(org)
    client = member_client(org.bob)
    client.post(f"/proposals/{proposal.pk}/counter/", {"title": "Hardship fund", "text": "Instead."})
    counter = Proposal.objects.get(answers=proposal)
    client.post(f"/proposals/{counter.pk}/submit/")
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Hardship fund" in page and "must be on the same ballot as this proposal" in page


def test_it_shows_a_revision_and_an_amendment_as_differences(org: Any) -> None:
    proposal = alice_proposal(org, "Line one.\nLine two.")
    services.proposal_edit(actor=org.alice, proposal=proposal, title="Strike fund", text="Line one.\nLine 2.")
    client = member_client(org.erin)
    page = client.get(f"/proposals/{proposal.pk}/revisions/2/").content.decode()
    assert "<del>Line two.</del>" in page and "<ins>Line 2.</ins>" in page
    amendment = services.amendment_propose(actor=org.bob, proposal=proposal, text="Line one.\nLine 2.\nLine three.")
    page = client.get(f"/amendments/{amendment.pk}/").content.decode()
    assert "<ins>Line three.</ins>" in page and "Line one." in page


def test_it_accepts_a_friendly_amendment_from_its_page(org: Any) -> None:
    proposal = alice_proposal(org)
    amendment = services.amendment_propose(actor=org.bob, proposal=proposal, text="A bigger fund.")
    member_client(org.alice).post(f"/amendments/{amendment.pk}/accept/")
    proposal.refresh_from_db()
    assert proposal.text == "A bigger fund." and proposal.revision == 2
