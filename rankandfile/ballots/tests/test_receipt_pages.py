"""The paper in each voter's own rotation, "Change my marks", the receipt page after a reload, and the receipt
check before the close (issue 12). The browser side is test_browser_receipt.py."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from rankandfile.ballots.domain import kinds, rotation
from rankandfile.ballots.tests.helpers import open_ballot
from rankandfile.ballots.tests.test_vote_pages import assert_kept_secret
from rankandfile.testing import log_in

pytestmark = pytest.mark.django_db


def client_of(member: Any) -> Client:
    client = Client()
    log_in(client, member)
    return client


@given(st.lists(st.text(min_size=1), min_size=0, max_size=12, unique=True), st.integers(1, 10**6))
def test_rotation_is_a_rotation_that_keeps_none_of_these_last(labels: list[str], member_id: int) -> None:
    items = [*labels, kinds.NONE_OF_THESE] if kinds.NONE_OF_THESE not in labels else labels
    shown = rotation.rotated(items, "ballot-7", member_id, stays_last=lambda label: label == kinds.NONE_OF_THESE)
    assert sorted(shown) == sorted(items)
    assert shown[-1] == kinds.NONE_OF_THESE
    moving = [label for label in items if label != kinds.NONE_OF_THESE]
    k = rotation.offset("ballot-7", member_id, len(moving))
    assert shown[:-1] == moving[k:] + moving[:k]
    assert shown == rotation.rotated(items, "ballot-7", member_id, stays_last=lambda x: x == kinds.NONE_OF_THESE)


def test_rotation_puts_each_candidate_first_for_about_one_voter_in_n() -> None:
    firsts = Counter(rotation.rotated(["A", "B", "C", "D"], "ballot-1", voter)[0] for voter in range(4000))
    assert all(900 < n < 1100 for n in firsts.values()), firsts


def _paper_labels(html: str) -> list[str]:
    return re.findall(r'data-label="([^"]+)"', html)


def test_each_voter_sees_the_candidates_in_their_own_rotation(org: Any) -> None:
    ballot = open_ballot(org, labels=("Ann", "Ben", "Cat"))
    for member in (org.alice, org.bob, org.erin):
        html = client_of(member).get(f"/ballots/{ballot.pk}/").content.decode()
        assert _paper_labels(html) == rotation.rotated(["Ann", "Ben", "Cat"], ballot.key, member.pk)


def test_a_yes_no_question_keeps_its_order(org: Any) -> None:
    ballot = open_ballot(org, kind="question", method="yes-no")
    html = client_of(org.alice).get(f"/ballots/{ballot.pk}/").content.decode()
    assert re.findall(r'name="choice" value="(\d)"', html) == ["1", "2", "3"]


def test_change_my_marks_shows_the_paper_marked_as_left_and_as_long_whatever_the_marks(org: Any) -> None:
    ballot = open_ballot(org, labels=("Ann", "Ben", "Cat"))
    client = client_of(org.alice)
    one = client.post(f"/ballots/{ballot.pk}/review/", {"change": "1", "marked": ["2", "3"]})
    assert one.status_code == 200
    assert_kept_secret(one)
    html = one.content.decode()
    assert re.search(r'id="rank-2".*?<option value="1" selected>', html, re.S)
    assert re.search(r'id="rank-3".*?<option value="2" selected>', html, re.S)
    assert 'id="rank-1"' in html and html.count(" selected>") == 2
    other = client.post(f"/ballots/{ballot.pk}/review/", {"change": "1", "marked": ["1"]})
    assert len(one.content) == len(other.content)


def test_the_receipt_page_after_a_reload_shows_no_vote(org: Any) -> None:
    ballot = open_ballot(org, labels=("Ann", "Ben", "Cat"))
    client = client_of(org.alice)
    cast = client.post(f"/ballots/{ballot.pk}/cast/", {"mark": ["2"]})
    nonce = re.search(r'id="nonce">([^<]+)<', cast.content.decode())
    assert nonce is not None
    again = client.get(f"/ballots/{ballot.pk}/my-receipt/")
    assert_kept_secret(again)
    html = again.content.decode()
    assert nonce.group(1) not in html and "Ben" not in html
    assert "You have voted in this ballot." in html
    not_voted = client_of(org.bob).get(f"/ballots/{ballot.pk}/my-receipt/").content.decode()
    assert "You have not voted in this ballot." in not_voted


def test_the_receipt_check_before_the_close_says_when_the_box_is_published(org: Any) -> None:
    ballot = open_ballot(org)
    response = client_of(org.alice).get(f"/ballots/{ballot.pk}/receipt/")
    assert response.status_code == 200
    assert "The ballot box is published when the ballot closes, on" in response.content.decode()


def test_a_surveys_receipt_check_stays_not_found(org: Any) -> None:
    ballot = open_ballot(org, kind="survey", method="plurality", labels=("Good", "Bad"))
    assert client_of(org.alice).get(f"/ballots/{ballot.pk}/receipt/").status_code == 404
