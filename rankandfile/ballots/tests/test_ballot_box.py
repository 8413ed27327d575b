"""The published box: the JSON format `rankandfile tally` reads, a re-count equal to the published result, and
receipts that let each voter find their ballot unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rankandfile.ballots import selectors, services
from rankandfile.ballots.domain import receipts
from rankandfile.ballots.tests.helpers import open_ballot, voters
from rankandfile.cli import main as rankandfile_main

RANKINGS = [
    ["Ann", "Ben"], ["Ann", "Cat"], ["Ben", "Ann"], ["Ben", "Dan"], ["Cat", "Ben"], ["Cat", "Ann"], ["Dan", "Cat"],
    ["Dan", "Ann"], ["Ann"], ["Ben"], ["Cat", "Dan", "Ben"], ["Ann", "Dan"],
]  # fmt: skip


def closed_stv(org: Any) -> tuple[Any, list[services.Receipt]]:
    members = voters(org.leeds, len(RANKINGS) - 3)
    ballot = open_ballot(org, method="stv-scottish", seats=2, labels=("Ann", "Ben", "Cat", "Dan"))
    taken = [
        services.ballot_cast(voter=member, ballot=ballot, names=ranking)
        for member, ranking in zip([org.alice, org.bob, org.erin, *members], RANKINGS, strict=True)
    ]
    return services.ballot_close(actor=org.dave, ballot=ballot), taken


def test_it_exports_the_box_in_the_ballot_box_json_format(org: Any) -> None:
    ballot, taken = closed_stv(org)
    document = json.loads(selectors.box_bytes(ballot))
    assert document["format"] == "rankandfile-ballot-box" and document["version"] == 1
    assert document["candidates"] == ["Ann", "Ben", "Cat", "Dan"]
    assert document["method"] == "stv-scottish" and document["seats"] == 2
    assert document["options"]["seed"] == ballot.seed
    assert sorted(b["receipt"] for b in document["ballots"]) == sorted(r.receipt for r in taken)
    assert sorted(json.dumps(b["ranking"]) for b in document["ballots"]) == sorted(json.dumps(r) for r in RANKINGS)
    assert set(document["ballots"][0]) == {"receipt", "ranking"}


def test_it_recounts_the_exported_box_with_rankandfile_tally(
    org: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ballot, _taken = closed_stv(org)
    path = tmp_path / "box.json"
    path.write_bytes(selectors.box_bytes(ballot))
    assert rankandfile_main(["tally", str(path), "--input", "json", "--output", "json"]) == 0
    recount = json.loads(capsys.readouterr().out)
    published = json.loads(ballot.report_json)
    assert recount["elected"] == published["elected"] == ballot.decision["winners"]
    assert len(recount["elected"]) == 2
    assert recount["stages"] == published["stages"]


def test_it_recounts_a_yes_no_question_with_its_threshold_and_quorum(
    org: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = voters(org.leeds, 3)
    ballot = open_ballot(org, kind="question", method="yes-no", threshold="two-thirds", quorum=4, title="Motion 7")
    for member, choice in zip(
        [org.alice, org.bob, org.erin, *members], ["Yes", "Yes", "No", "Abstain", "Yes", "No"], strict=True
    ):
        services.ballot_cast(voter=member, ballot=ballot, names=[choice])
    ballot = services.ballot_close(actor=org.dave, ballot=ballot)
    assert ballot.decision["verdict"] == "not_carried"  # 3 yes of 5 cast: under two thirds
    path = tmp_path / "motion.json"
    path.write_bytes(selectors.box_bytes(ballot))
    assert rankandfile_main(["tally", str(path), "--output", "json"]) == 0
    recount = json.loads(capsys.readouterr().out)
    assert recount["outcome"] == json.loads(ballot.report_json)["outcome"] == "not carried"


def test_it_lets_a_voter_find_their_ballot_unchanged_with_receipt_and_nonce(org: Any) -> None:
    ballot, taken = closed_stv(org)
    mine = taken[4]
    paper = selectors.find_receipt(ballot, mine.receipt)
    assert paper is not None and paper.content == {"ranking": RANKINGS[4]}
    assert receipts.matches(ballot.key, paper.content, mine.nonce, mine.receipt)
    # A changed ballot no longer matches the receipt the voter holds.
    assert not receipts.matches(ballot.key, {"ranking": ["Ann"]}, mine.nonce, mine.receipt)
    assert not receipts.matches(ballot.key, paper.content, receipts.new_nonce(), mine.receipt)
