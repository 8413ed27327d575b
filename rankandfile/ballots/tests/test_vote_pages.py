"""Pages that show a vote (review, receipt, receipt check) leak it neither by URL, cache, Referer nor size.

Issue 9, findings 5 and 6: the receipt check sent the codes in the URL (a GET form), and the review and receipt
pages differed by a few bytes per choice, visible as TLS record lengths on a hall's Wi-Fi.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from rankandfile.ballots import services
from rankandfile.ballots.tests.helpers import open_ballot, voters
from rankandfile.testing import log_in

LABELS = ("Ann", "Benedict Cumberbatch-Smith", "Cat")


def client_of(member: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    log_in(client, member)
    return client


@pytest.fixture
def ranked(org: Any) -> Any:
    return open_ballot(org, labels=LABELS)


def assert_kept_secret(response: Any) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "no-transform"} <= cache_control
    assert response["Pragma"] == "no-cache"
    assert response["Referrer-Policy"] == "same-origin"  # no-referrer would make the browser send Origin: null
    assert "Content-Encoding" not in response


def codes(page: str) -> dict[str, str]:
    receipt = re.search(r'id="receipt">([0-9a-f ]+)<', page)
    nonce = re.search(r'id="nonce">([0-9a-f]{32})<', page)
    assert receipt and nonce
    return {"receipt": receipt.group(1), "nonce": nonce.group(1)}


# --- finding 5: POST, no-store, no Referer ------------------------------------------------------------------
def test_the_receipt_check_takes_the_codes_by_post_only(org: Any, ranked: Any) -> None:
    page = client_of(org.bob).post(f"/ballots/{ranked.pk}/cast/", {"mark": ["2"]}).content.decode()
    services.ballot_close(actor=org.dave, ballot=ranked)
    client = client_of(org.bob)
    by_get = client.get(f"/ballots/{ranked.pk}/receipt/", codes(page))
    assert by_get.status_code == 200 and "Benedict" not in by_get.content.decode()  # the URL's codes are ignored
    assert 'method="post"' in by_get.content.decode() and 'method="get"' not in by_get.content.decode()
    by_post = client.post(f"/ballots/{ranked.pk}/receipt/", codes(page))
    assert "Your ballot is in the box, unchanged" in by_post.content.decode()
    assert_kept_secret(by_post)


def test_the_receipt_check_needs_the_csrf_token(org: Any, ranked: Any) -> None:
    services.ballot_close(actor=org.dave, ballot=ranked)
    response = client_of(org.bob, enforce_csrf_checks=True).post(f"/ballots/{ranked.pk}/receipt/", {"receipt": "0"})
    assert response.status_code == 403


@pytest.mark.parametrize("compression", ["gzip", "gzip, deflate, br, zstd"])
def test_every_page_with_a_vote_is_uncached_uncompressed_and_sends_no_referer(
    org: Any, ranked: Any, compression: str
) -> None:
    client = client_of(org.alice, headers={"Accept-Encoding": compression})
    assert_kept_secret(client.post(f"/ballots/{ranked.pk}/review/", {"rank-2": "1"}))
    page = client.post(f"/ballots/{ranked.pk}/cast/", {"mark": ["2"]})
    assert_kept_secret(page)
    services.ballot_close(actor=org.dave, ballot=ranked)
    assert_kept_secret(client.post(f"/ballots/{ranked.pk}/receipt/", codes(page.content.decode())))


def history_script(page: str) -> str | None:
    """The address here.js puts in the history in place of the POST, if it is loaded so as to run before anything
    after it in the page exists (no defer, no async)."""
    found = re.search(r'<script src="[^"]*/ballots/here\.js" data-here="([^"]+)"></script>', page)
    return found.group(1) if found else None


def test_the_pages_answering_a_post_leave_it_out_of_the_history_before_their_buttons_exist(
    org: Any, ranked: Any
) -> None:
    """Back from the receipt, or a reload, never comes to a POST's result (Chrome's "Confirm form resubmission",
    or ERR_CACHE_MISS for a page never stored): replaced before the page's buttons are parsed, so however quick
    the tap on "Cast my ballot"."""
    client = client_of(org.alice)
    review = client.post(f"/ballots/{ranked.pk}/review/", {"rank-2": "1"}).content.decode()
    assert history_script(review) == f"/ballots/{ranked.pk}/"
    assert review.index("ballots/here.js") < review.index("<form") < review.index("Cast my ballot")
    receipt = client.post(f"/ballots/{ranked.pk}/cast/", {"mark": ["2"]}).content.decode()
    assert history_script(receipt) == f"/ballots/{ranked.pk}/my-receipt/"
    assert receipt.index("ballots/here.js") < receipt.index("<body")
    assert history_script(client.get(f"/ballots/{ranked.pk}/my-receipt/").content.decode()) is None  # a GET


# --- finding 6: one size whatever the vote ------------------------------------------------------------------
VOTES = [{"rank-1": "1"}, {"rank-2": "1"}, {"rank-2": "1", "rank-1": "2", "rank-3": "3"}, {"rank-3": "1"}]


def test_the_review_page_has_one_size_whatever_the_marks(org: Any, ranked: Any) -> None:
    client = client_of(org.alice)
    sizes = {len(client.post(f"/ballots/{ranked.pk}/review/", vote).content) for vote in VOTES}
    assert len(sizes) == 1 and sizes.pop() % 4096 == 0


def test_the_receipt_page_has_one_size_whatever_the_vote(org: Any, ranked: Any) -> None:
    members = [org.alice, org.bob, org.erin, *voters(org.leeds, 1)]
    ranked = open_ballot(org, labels=LABELS)  # a new ballot, so the new voter is on its roll
    marks = [["1"], ["2"], ["2", "1", "3"], ["3"]]
    sizes = {
        len(client_of(m).post(f"/ballots/{ranked.pk}/cast/", {"mark": mark}).content)
        for m, mark in zip(members, marks, strict=True)
    }
    assert len(sizes) == 1 and sizes.pop() % 4096 == 0


def test_a_one_mark_ballot_has_one_receipt_size(org: Any) -> None:
    question = open_ballot(org, kind="question", method="yes-no", labels=())
    sizes = {
        len(client_of(m).post(f"/ballots/{question.pk}/cast/", {"mark": [position]}).content)
        for m, position in ((org.alice, "1"), (org.bob, "2"), (org.erin, "3"))
    }
    assert len(sizes) == 1


def test_the_receipt_check_has_one_size_whatever_it_finds(org: Any, ranked: Any) -> None:
    pages = [
        client_of(m).post(f"/ballots/{ranked.pk}/cast/", {"mark": mark}).content.decode()
        for m, mark in ((org.alice, ["1"]), (org.bob, ["2", "1", "3"]))
    ]
    services.ballot_close(actor=org.dave, ballot=ranked)
    client = client_of(org.erin)
    url = f"/ballots/{ranked.pk}/receipt/"
    checks = [codes(pages[0]), codes(pages[1]), {"receipt": codes(pages[0])["receipt"]}, {"receipt": "0" * 64}]
    checks.append({**codes(pages[0]), "nonce": "f" * 32})  # a wrong check code
    responses = [client.post(url, data) for data in checks]
    assert "Ann" in responses[0].content.decode() and "Benedict" in responses[1].content.decode()
    assert len({len(r.content) for r in responses}) == 1
