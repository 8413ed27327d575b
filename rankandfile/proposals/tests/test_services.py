"""The proposal services: drafts, revisions, co-signing, counter-proposals, amendments, decision rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankandfile.audit.models import AuditEntry
from rankandfile.proposals import selectors, services
from rankandfile.proposals.models import Amendment, Proposal, Revision
from rankandfile.testing import make_member

TEXT = "The branch sets up a strike fund.\n\nIt is kept by the treasurer."


def submitted(org: Any, author: Any = None, **kwargs: Any) -> Proposal:
    proposal = services.proposal_create(
        actor=author or org.alice, unit=org.leeds, title=kwargs.pop("title", "Strike fund"), text=TEXT, **kwargs
    )
    return services.proposal_submit(actor=author or org.alice, proposal=proposal)


def test_it_starts_a_proposal_as_a_draft_with_its_first_revision(org: Any) -> None:
    proposal = services.proposal_create(actor=org.alice, unit=org.leeds, title="Strike fund", text=TEXT)
    assert proposal.status == "draft" and proposal.revision == 1
    assert Revision.objects.get(proposal=proposal).text == TEXT


def test_it_lets_members_of_the_unit_only_propose(org: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_create(actor=org.carol, unit=org.leeds, title="From York", text=TEXT)
    # A member of a branch is a member of its district.
    assert services.proposal_create(actor=org.alice, unit=org.north, title="District-wide", text=TEXT).unit == org.north


def test_it_refuses_an_empty_title_or_text_field_by_field(org: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.proposal_create(actor=org.alice, unit=org.leeds, title=" ", text="")
    assert set(caught.value.message_dict) == {"title", "text"}


def test_it_keeps_every_revision(org: Any) -> None:
    proposal = submitted(org)
    services.proposal_edit(actor=org.alice, proposal=proposal, title="Strike fund", text=TEXT + "\n\nReviewed yearly.")
    services.proposal_edit(actor=org.alice, proposal=proposal, title="A strike fund", text=TEXT, note="shorter")
    assert [(r.number, r.title) for r in selectors.revisions(proposal)] == [
        (1, "Strike fund"),
        (2, "Strike fund"),
        (3, "A strike fund"),
    ]
    proposal.refresh_from_db()
    assert proposal.revision == 3 and proposal.text == TEXT


def test_it_lets_only_the_author_edit(org: Any) -> None:
    proposal = submitted(org)
    with pytest.raises(ValidationError, match="author"):
        services.proposal_edit(actor=org.bob, proposal=proposal, title="Mine now", text="x")


def test_it_refuses_an_edit_that_changes_nothing(org: Any) -> None:
    proposal = submitted(org)
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.proposal_edit(actor=org.alice, proposal=proposal, title=proposal.title, text=TEXT + "\n")


def test_it_audits_submission_and_withdrawal(org: Any) -> None:
    proposal = submitted(org)
    services.proposal_withdraw(actor=org.alice, proposal=proposal)
    actions = list(AuditEntry.objects.filter(object_type="proposals.proposal").values_list("action", flat=True))
    assert actions == ["proposal.submitted", "proposal.withdrawn"]


def test_it_counts_co_signatures_and_lets_them_be_withdrawn(org: Any) -> None:
    proposal = submitted(org)
    services.proposal_sign(actor=org.bob, proposal=proposal)
    services.proposal_sign(actor=org.erin, proposal=proposal)
    assert selectors.signature_count(proposal) == 2
    services.proposal_unsign(actor=org.bob, proposal=proposal)
    assert selectors.signature_count(proposal) == 1


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("alice", ValidationError, "You wrote this proposal"),
        ("carol", PermissionDenied, "Only members of Leeds"),
    ],
)
def test_it_refuses_a_co_signature_the_rule_does_not_allow(org: Any, who: str, error: type, message: str) -> None:
    proposal = submitted(org)
    with pytest.raises(error, match=message):
        services.proposal_sign(actor=getattr(org, who), proposal=proposal)
    assert selectors.signature_count(proposal) == 0


def test_it_refuses_to_sign_twice(org: Any) -> None:
    proposal = submitted(org)
    services.proposal_sign(actor=org.bob, proposal=proposal)
    with pytest.raises(ValidationError, match="already co-signed"):
        services.proposal_sign(actor=org.bob, proposal=proposal)


def test_it_refuses_to_sign_a_draft(org: Any) -> None:
    draft = services.proposal_create(actor=org.alice, unit=org.leeds, title="Strike fund", text=TEXT)
    with pytest.raises(ValidationError, match="open for debate"):
        services.proposal_sign(actor=org.bob, proposal=draft)


def test_it_files_a_counter_proposal_in_the_unit_of_the_proposal(org: Any) -> None:
    proposal = submitted(org)
    counter = services.proposal_create(
        actor=org.bob, unit=org.york, title="A hardship fund", text="No.", answers=proposal
    )
    assert counter.answers == proposal and counter.unit == org.leeds and counter.is_counter


def test_it_refuses_a_counter_proposal_to_a_draft_or_a_counter_proposal(org: Any) -> None:
    draft = services.proposal_create(actor=org.alice, unit=org.leeds, title="Strike fund", text=TEXT)
    with pytest.raises(ValidationError, match="submitted"):
        services.proposal_create(actor=org.bob, unit=org.leeds, title="No", text="No.", answers=draft)
    counter = submitted(org, author=org.bob, title="Other", answers=submitted(org))
    with pytest.raises(ValidationError, match="not another counter-proposal"):
        services.proposal_create(actor=org.erin, unit=org.leeds, title="Third", text="x", answers=counter)


def test_it_marks_a_counter_proposal_with_enough_co_signers_as_required_on_the_ballot(org: Any) -> None:
    proposal = submitted(org)
    counter = submitted(org, author=org.bob, title="Hardship fund", answers=proposal)
    signers = [org.erin, *(make_member(f"Signer {i}", org.leeds) for i in range(4))]
    for signer in signers[:4]:
        services.proposal_sign(actor=signer, proposal=counter)
    assert selectors.qualifying_counter_proposals(proposal) == []
    services.proposal_sign(actor=signers[4], proposal=counter)
    assert selectors.qualifying_counter_proposals(proposal) == [counter]


def test_it_follows_the_unit_s_own_rule_for_co_signers(org: Any) -> None:
    services.rules_set(
        actor=org.dave, unit=org.north, counter_cosigners=1, counter_cosigner_percent=None, choice_method="schulze"
    )
    # Leeds has no rules of its own: North's apply.
    assert selectors.cosigners_required(org.leeds) == 1
    assert selectors.rules_for(org.leeds).choice_method == "schulze"
    assert selectors.cosigners_required(org.national) == 5
    proposal = submitted(org)
    counter = submitted(org, author=org.bob, title="Hardship fund", answers=proposal)
    services.proposal_sign(actor=org.erin, proposal=counter)
    assert selectors.qualifying_counter_proposals(proposal) == [counter]


def test_it_computes_a_share_of_members(org: Any) -> None:
    services.rules_set(
        actor=org.dave, unit=org.leeds, counter_cosigners=5, counter_cosigner_percent=50, choice_method="irv"
    )
    # Leeds has alice, bob and erin in good standing (frank has lapsed): half, rounded up, is 2.
    assert selectors.cosigners_required(org.leeds) == 2


def test_it_needs_manage_ballots_to_set_the_rules(org: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.rules_set(
            actor=org.bob, unit=org.leeds, counter_cosigners=1, counter_cosigner_percent=None, choice_method="irv"
        )


def test_it_applies_a_friendly_amendment_as_the_next_revision(org: Any) -> None:
    proposal = submitted(org)
    amendment = services.amendment_propose(actor=org.bob, proposal=proposal, text=TEXT.replace("treasurer", "members"))
    services.amendment_accept(actor=org.alice, amendment=amendment)
    proposal.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.status == "accepted" and amendment.applied_revision == 2
    assert proposal.revision == 2 and "kept by the members" in proposal.text
    assert selectors.revision(proposal, 2).author == org.bob


def test_it_refuses_a_friendly_amendment_written_for_an_older_text(org: Any) -> None:
    proposal = submitted(org)
    amendment = services.amendment_propose(actor=org.bob, proposal=proposal, text=TEXT + "\n\nAmended.")
    services.proposal_edit(actor=org.alice, proposal=proposal, title=proposal.title, text=TEXT + "\n\nEdited.")
    with pytest.raises(ValidationError, match="has changed since"):
        services.amendment_accept(actor=org.alice, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.status == "proposed"


@pytest.mark.parametrize(
    ("who", "text", "message"),
    [
        ("alice", TEXT + "\n\nMore.", "edit it instead"),
        ("bob", TEXT, "same as the proposal"),
    ],
)
def test_it_refuses_an_amendment_that_is_not_one(org: Any, who: str, text: str, message: str) -> None:
    proposal = submitted(org)
    with pytest.raises(ValidationError, match=message):
        services.amendment_propose(actor=getattr(org, who), proposal=proposal, text=text)
    assert not Amendment.objects.exists()


def test_it_lets_only_the_author_accept_and_only_the_amender_withdraw(org: Any) -> None:
    amendment = services.amendment_propose(actor=org.bob, proposal=submitted(org), text="Another text.")
    with pytest.raises(ValidationError, match="author"):
        services.amendment_accept(actor=org.erin, amendment=amendment)
    with pytest.raises(ValidationError, match="amendment's author"):
        services.amendment_withdraw(actor=org.alice, amendment=amendment)
    services.amendment_withdraw(actor=org.bob, amendment=amendment)
    assert Amendment.objects.get().status == "withdrawn"


def test_it_lets_a_chair_put_a_proposal_on_the_agenda(org: Any) -> None:
    proposal = submitted(org)
    with pytest.raises(PermissionDenied):
        services.proposal_put_on_agenda(actor=org.alice, proposal=proposal)
    services.proposal_put_on_agenda(actor=org.bob, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == "on_agenda"


def test_it_puts_a_proposal_on_an_agenda_item_of_its_unit_only(org: Any) -> None:
    from rankandfile.meetings.tests.conftest import make_meeting

    proposal = submitted(org)
    item = make_meeting(org).items.first()
    services.proposal_put_on_agenda(actor=org.bob, proposal=proposal, agenda_item=item)
    proposal.refresh_from_db()
    assert proposal.agenda_item == item and proposal.status == "on_agenda"
    other = submitted(org, title="Elsewhere")
    item.meeting.unit = org.york
    item.meeting.save(update_fields=["unit"])
    with pytest.raises(ValidationError, match="meeting of Leeds"):
        services.proposal_put_on_agenda(actor=org.dave, proposal=other, agenda_item=item)
