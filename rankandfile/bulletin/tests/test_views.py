from typing import Any

from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rankandfile.bulletin import services
from rankandfile.bulletin.feeds import feed_key
from rankandfile.bulletin.search import Results
from rankandfile.bulletin.tests.helpers import an_issue, leeds_period, published, submitted
from rankandfile.testing import SmallOrg, log_in

ISSUE_PAGE_QUERIES = 12


def client_for(member: Any) -> Client:
    client = Client()
    log_in(client, member)
    return client


def test_it_writes_submits_and_shows_a_document_through_the_pages(org: SmallOrg) -> None:
    period = leeds_period(org)
    alice = client_for(org.alice)
    response = alice.post(
        reverse("bulletin:document_create", args=[period.pk]), {"title": "A fund", "text": "We need a *fund*."}
    )
    assert response.status_code == 302
    document_url = response["Location"]
    alice.post(document_url + "submit/")
    page = client_for(org.bob).get(document_url)
    assert b"<em>fund</em>" in page.content and b"Co-sign" in page.content


def test_it_shows_an_issue_on_one_page_in_a_fixed_number_of_queries(org: SmallOrg) -> None:
    period = leeds_period(org)
    issue = an_issue(org, period)
    first = published(org, period, org.alice)
    for n in range(6):
        document = submitted(org, period, org.bob, title=f"Answer {n}", text=f"Answer **{n}**.", responds_to=[first])
        services.document_sign(actor=org.erin, document=document)
        services.document_place(actor=org.dave, document=document, issue=issue)
    services.issue_publish(actor=org.dave, issue=issue)
    client = client_for(org.alice)
    url = reverse("bulletin:issue", args=[issue.pk])
    client.get(url)  # the session and the capability cache warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert b"Answer <strong>5</strong>" in response.content and b"responds to" in response.content
    assert len(queries) <= ISSUE_PAGE_QUERIES, [q["sql"] for q in queries]


def test_it_keeps_an_unpublished_issue_s_contents_for_editors(org: SmallOrg) -> None:
    period = leeds_period(org)
    issue = an_issue(org, period)
    services.document_place(actor=org.dave, document=submitted(org, period, org.alice, title="Soon"), issue=issue)
    url = reverse("bulletin:issue", args=[issue.pk])
    assert b"Soon" not in client_for(org.bob).get(url).content
    assert b"Soon" in client_for(org.dave).get(url).content


def test_it_prints_a_digest_with_the_print_stylesheet(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = published(org, period, org.alice)
    response = client_for(org.bob).get(reverse("bulletin:issue_print", args=[document.issue_id]))
    assert b"bulletin/print.css" in response.content and document.title.encode() in response.content
    assert b"<nav aria-label" not in response.content  # no site navigation on paper


def test_it_serves_the_atom_feed_to_a_reader_with_the_member_s_key(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = published(org, period, org.alice)
    url = reverse("bulletin:feed", args=[period.pk])
    response = Client().get(url + "?key=" + feed_key(org.bob, period))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert document.title.encode() in response.content
    assert Client().get(url + "?key=forged").status_code == 302
    other = leeds_period(org, title="Other")
    assert Client().get(url + "?key=" + feed_key(org.bob, other)).status_code == 302
    assert Client().get(url + "?key=" + feed_key(org.frank, period)).status_code == 302


def test_it_searches_with_highlighted_escaped_snippets(org: SmallOrg) -> None:
    period = leeds_period(org)
    published(org, period, org.alice, title="Strike fund", text="A strike fund <script>alert(1)</script> today.")
    response = client_for(org.bob).get(reverse("bulletin:search") + "?q=strike")
    assert b"<mark>" in response.content and b"<script>alert" not in response.content


def test_it_hides_the_text_but_lists_who_hid_it_when_and_why(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = published(org, period, org.alice, text="The secret text.")
    services.document_hide(actor=org.dave, document=document, reason="Names a member's home address.")
    url = reverse("bulletin:document", args=[document.pk])
    page = client_for(org.bob).get(url).content
    assert b"Hidden by Dave Secretary" in page and b"home address" in page and b"The secret text" not in page
    assert b"The secret text" in client_for(org.alice).get(url).content
    assert b"Appeal against the hiding" in client_for(org.alice).get(url).content
    listing = client_for(org.bob).get(reverse("bulletin:issue", args=[document.issue_id])).content
    assert b"home address" in listing and b"The secret text" not in listing


def test_it_offers_the_right_of_reply_on_the_answer_to_its_author(org: SmallOrg) -> None:
    period = leeds_period(org)
    first = published(org, period, org.alice)
    answer = published(org, period, org.bob, title="No", text="No fund.", responds_to=[first])
    url = reverse("bulletin:document", args=[answer.pk])
    assert b"your right of reply" in client_for(org.alice).get(url).content
    assert b"your right of reply" not in client_for(org.erin).get(url).content
    thread = client_for(org.erin).get(reverse("bulletin:document", args=[first.pk])).content
    assert b"No</a>" in thread


def test_it_shows_the_documents_behind_a_proposal(org: SmallOrg) -> None:
    document = published(org, leeds_period(org), org.alice)
    proposal = services.document_propose(actor=org.alice, document=document)
    page = client_for(org.alice).get(reverse("proposals:detail", args=[proposal.pk])).content
    assert b"Discussion documents behind it" in page and document.title.encode() in page


def test_it_shows_a_caucus_with_its_public_members_and_counts(org: SmallOrg) -> None:
    caucus = services.caucus_create(actor=org.alice, unit=org.leeds, name="Tenants", statement="**Tenants** first.")
    services.caucus_join(actor=org.bob, caucus=caucus)
    page = client_for(org.carol).get(reverse("bulletin:caucus", args=[caucus.pk])).content
    assert b"Alice Member" in page and b"Bob Chair" in page and b"<strong>Tenants</strong>" in page


def test_it_shows_the_documents_behind_a_proposal_on_its_ballot(org: SmallOrg) -> None:
    from rankandfile.ballots.tests.helpers import draft_ballot
    from rankandfile.proposals import services as proposal_services

    document = published(org, leeds_period(org), org.alice)
    proposal = services.document_propose(actor=org.alice, document=document)
    proposal_services.proposal_submit(actor=org.alice, proposal=proposal)
    ballot = draft_ballot(org, kind="question", method="yes-no", proposal=proposal, title="Adopt?")
    page = client_for(org.dave).get(reverse("ballots:detail", args=[ballot.pk])).content
    assert b"Discussion documents behind it" in page and document.title.encode() in page


def test_the_search_page_says_when_more_documents_match_than_were_ranked(org: SmallOrg) -> None:
    capped = Results("strike", ["strike"], [], 1, has_next=False, is_capped=True, candidates=1000)
    assert "More than 1000 documents match every word" in render_to_string("bulletin/search.html", {"results": capped})
    shown = Results("strike", ["strike"], [], 1, has_next=False)
    assert "More than" not in render_to_string("bulletin/search.html", {"results": shown})
