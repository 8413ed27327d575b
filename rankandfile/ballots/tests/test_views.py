"""The ballot pages as members use them: paper, review, cast, receipt, results, box, receipt check."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rankandfile.ballots import services
from rankandfile.ballots.models import CastBallot, PublishedBallot
from rankandfile.ballots.tests.helpers import open_ballot, voters
from rankandfile.testing import log_in


def member_client(member: Any) -> Client:
    client = Client()
    log_in(client, member)
    return client


def cast_through_pages(client: Client, ballot: Any, ranks: dict[str, str]) -> str:
    review = client.post(f"/ballots/{ballot.pk}/review/", ranks)
    assert review.status_code == 200, review.content.decode()[:500]
    marks = re.findall(r'name="mark" value="(\d+)"', review.content.decode())
    response = client.post(f"/ballots/{ballot.pk}/cast/", {"mark": marks})
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_a_rank_select_per_candidate_as_the_fallback(org: Any, ranked: Any) -> None:
    page = member_client(org.alice).get(f"/ballots/{ranked.pk}/").content.decode()
    assert page.count('<select name="rank-') == 3
    assert "data-rank-paper" in page and "vendor/sortablejs/Sortable.min.js" in page


def test_it_reviews_then_casts_and_shows_the_receipt_once(org: Any, ranked: Any) -> None:
    client = member_client(org.alice)
    review = client.post(f"/ballots/{ranked.pk}/review/", {"rank-1": "2", "rank-3": "1"})
    text = review.content.decode()
    assert text.index("Cat") < text.index("Ann") and not CastBallot.objects.exists()
    response = client.post(f"/ballots/{ranked.pk}/cast/", {"mark": ["3", "1"]})
    assert "no-store" in response["Cache-Control"]
    paper = CastBallot.objects.get()
    assert paper.content == {"ranking": ["Cat", "Ann"]}
    page = response.content.decode()
    nonce = re.search(r'id="nonce">([0-9a-f]{32})<', page)
    assert nonce and paper.receipt[:8] in page
    # The check code is nowhere on the server: not in the box, not in the session.
    session = client.session
    assert nonce.group(1) not in json.dumps(dict(session.items()))
    assert nonce.group(1) not in json.dumps(list(CastBallot.objects.values()), default=str)


def test_it_refuses_equal_ranks_with_a_message_and_keeps_nothing(org: Any, ranked: Any) -> None:
    response = member_client(org.alice).post(f"/ballots/{ranked.pk}/review/", {"rank-1": "1", "rank-2": "1"})
    assert response.status_code == 422
    assert "Two options have the same rank" in response.content.decode()
    assert not CastBallot.objects.exists()


def test_it_refuses_a_forged_mark_with_a_message(org: Any, ranked: Any) -> None:
    response = member_client(org.alice).post(f"/ballots/{ranked.pk}/cast/", {"mark": ["1", "1"]})
    assert response.status_code == 422 and "marked twice" in response.content.decode()


def test_it_refuses_a_second_cast_and_says_so(org: Any, ranked: Any) -> None:
    client = member_client(org.alice)
    cast_through_pages(client, ranked, {"rank-1": "1"})
    response = client.post(f"/ballots/{ranked.pk}/cast/", {"mark": ["2"]})
    assert response.status_code == 422 and "already voted" in response.content.decode()
    assert "You have voted in this ballot" in client.get(f"/ballots/{ranked.pk}/").content.decode()
    assert CastBallot.objects.count() == 1


def test_it_reads_an_open_ballots_paper_once_and_each_cast_still_checks_the_ballot(org: Any, ranked: Any) -> None:
    member_client(org.alice).post(f"/ballots/{ranked.pk}/cast/", {"mark": ["1"]})
    with CaptureQueriesContext(connection) as queries:
        response = member_client(org.bob).post(f"/ballots/{ranked.pk}/cast/", {"mark": ["2", "1"]})
    assert response.status_code == 200 and "Ben" in response.content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "ballots_ballotoption" not in sql and "title" not in sql  # the paper was kept from the first cast
    assert "ballots_eligiblevoter" in sql  # the roll and the status are read in the cast's transaction
    # The kept paper says "open"; the ballot row decides.
    services.ballot_close(actor=org.dave, ballot=ranked)
    response = member_client(org.erin).post(f"/ballots/{ranked.pk}/cast/", {"mark": ["1"]})
    assert response.status_code == 422 and "This ballot is closed" in response.content.decode()
    assert PublishedBallot.objects.filter(ballot=ranked).count() == 2


def test_it_tells_a_member_off_the_roll_why(org: Any, ranked: Any) -> None:
    page = member_client(org.carol).get(f"/ballots/{ranked.pk}/").content.decode()
    assert "not on this ballot" in page and '<select name="rank-' not in page


def test_it_hides_results_until_close_then_shows_the_stages(org: Any, ranked: Any) -> None:
    for member, ranks in (
        (org.alice, {"rank-1": "1"}),
        (org.bob, {"rank-2": "1", "rank-1": "2"}),
        (org.erin, {"rank-3": "1", "rank-2": "2"}),
    ):
        cast_through_pages(member_client(member), ranked, ranks)
    client = member_client(org.erin)
    before = client.get(f"/ballots/{ranked.pk}/results/").content.decode()
    assert "published when the ballot closes" in before and "count-table" not in before
    services.ballot_close(actor=org.dave, ballot=ranked)
    after = client.get(f"/ballots/{ranked.pk}/results/").content.decode()
    assert "count-table" in after and "Stage 2" in after and 'id="verdict"' in after
    assert "Elected:" in after and "100.0 %" in after


def test_it_checks_a_receipt_in_the_published_box(org: Any, ranked: Any) -> None:
    client = member_client(org.bob)
    page = cast_through_pages(client, ranked, {"rank-2": "1"})
    nonce = re.search(r'id="nonce">([0-9a-f]{32})<', page).group(1)  # type: ignore[union-attr]
    receipt = re.search(r'id="receipt">([0-9a-f ]+)<', page).group(1)  # type: ignore[union-attr]
    services.ballot_close(actor=org.dave, ballot=ranked)
    check = client.post(f"/ballots/{ranked.pk}/receipt/", {"receipt": receipt, "nonce": nonce}).content.decode()
    assert "Your ballot is in the box, unchanged" in check and "Ben" in check
    PublishedBallot.objects.update(content={"ranking": ["Cat"]})
    check = client.post(f"/ballots/{ranked.pk}/receipt/", {"receipt": receipt, "nonce": nonce}).content.decode()
    assert "does not match your check code" in check
    missing = client.post(f"/ballots/{ranked.pk}/receipt/", {"receipt": "0" * 64}).content.decode()
    assert "No ballot with this receipt" in missing


def test_it_publishes_the_box_as_a_page_and_a_download(org: Any, ranked: Any) -> None:
    cast_through_pages(member_client(org.alice), ranked, {"rank-1": "1", "rank-2": "2"})
    services.ballot_close(actor=org.dave, ballot=ranked)
    client = member_client(org.erin)
    page = client.get(f"/ballots/{ranked.pk}/box/").content.decode()
    assert PublishedBallot.objects.get().receipt in page and "Ann › Ben" in page
    download = client.get(f"/ballots/{ranked.pk}/box.json")
    assert download["Content-Disposition"] == f'attachment; filename="ballot-{ranked.pk}-box.json"'
    assert json.loads(download.content)["ballots"][0]["ranking"] == ["Ann", "Ben"]


def test_the_list_tells_each_member_whether_they_voted_and_nobody_else(org: Any) -> None:
    voted = open_ballot(org, title="Ballot alice voted in")
    open_ballot(org, title="Ballot alice has not voted in")
    services.ballot_cast(voter=org.alice, ballot=voted, names=["Ann"])
    page = member_client(org.alice).get(f"/units/{org.leeds.pk}/ballots/").content.decode()
    assert page.count("you voted") == 1 and page.count("not voted yet") == 1
    assert page.index("not voted yet") < page.index("Ballot alice voted in") < page.index("you voted")  # newest first
    bob = member_client(org.bob).get(f"/units/{org.leeds.pk}/ballots/").content.decode()
    assert "you voted" not in bob and bob.count("not voted yet") == 2  # alice's vote shows only to alice
    carol = member_client(org.carol).get(f"/units/{org.leeds.pk}/ballots/").content.decode()
    assert "tag-voted" not in carol and "tag-not-voted" not in carol  # not on the roll: nothing to say
    services.ballot_close(actor=org.dave, ballot=voted)
    bob = member_client(org.bob).get(f"/units/{org.leeds.pk}/ballots/").content.decode()
    assert bob.count("you did not vote") == 1 and bob.count("not voted yet") == 1


def test_it_lists_ballots_in_a_fixed_number_of_queries(org: Any) -> None:
    for _ in range(2):
        open_ballot(org)
    client = member_client(org.alice)
    client.get(f"/units/{org.leeds.pk}/ballots/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/units/{org.leeds.pk}/ballots/")
    for _ in range(5):
        open_ballot(org)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/units/{org.leeds.pk}/ballots/").status_code == 200
    assert len(many) == len(few) <= 12


def test_it_shows_the_box_in_a_fixed_number_of_queries(org: Any) -> None:
    members = voters(org.leeds, 12)
    ballot = open_ballot(org)
    for member in members:
        services.ballot_cast(voter=member, ballot=ballot, names=["Ann"])
    services.ballot_close(actor=org.dave, ballot=ballot)
    client = member_client(org.alice)
    client.get(f"/ballots/{ballot.pk}/box/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/ballots/{ballot.pk}/box/").status_code == 200
    assert len(queries) <= 8


@pytest.mark.parametrize(("responses", "shown"), [(3, False), (5, True)])
def test_it_shows_survey_figures_only_from_five_responses(org: Any, responses: int, shown: bool) -> None:
    members = voters(org.leeds, responses)
    survey = open_ballot(org, kind="survey", method="plurality", labels=("Often", "Sometimes", "Never"))
    for member in members:
        services.ballot_cast(voter=member, ballot=survey, names=["Often"])
    services.ballot_close(actor=org.dave, ballot=survey)
    client = member_client(org.alice)
    page = client.get(f"/ballots/{survey.pk}/results/").content.decode()
    assert ("count-table" in page) is shown
    assert ("Fewer than five responses" in page) is not shown
    assert client.get(f"/ballots/{survey.pk}/box/").status_code == 404


def test_it_lets_a_manager_open_and_close_from_the_console(org: Any) -> None:
    from rankandfile.ballots.tests.helpers import draft_ballot

    ballot = draft_ballot(org, mode="in_meeting")
    client = member_client(org.dave)
    assert "Open the ballot" in client.get(f"/ballots/{ballot.pk}/console/").content.decode()
    assert client.post(f"/ballots/{ballot.pk}/open/", {"closes_at": ""}).status_code == 302
    services.ballot_cast(voter=org.alice, ballot=ballot, names=["Ben"])
    console = client.get(f"/ballots/{ballot.pk}/console/").content.decode()
    assert "1 ballot cast" in console and "Ben" not in console.split("On the ballot paper")[0]
    response = client.post(f"/ballots/{ballot.pk}/close/")
    assert response.status_code == 302 and response["Location"] == f"/ballots/{ballot.pk}/results/"
