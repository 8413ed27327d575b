import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.bulletin import selectors, services
from rankandfile.bulletin.models import Document
from rankandfile.bulletin.tests.helpers import leeds_period, published, submitted
from rankandfile.notifications.models import Notification
from rankandfile.proposals import services as proposal_services
from rankandfile.testing import SmallOrg


def test_it_keeps_every_revision_with_sanitized_html_and_a_word_count(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = services.document_create(
        actor=org.alice, period=period, title="Fund", text="Build a fund. <script>alert(1)</script>"
    )
    assert "<script>" not in document.html and document.word_count == 7
    services.document_edit(actor=org.alice, document=document, title="Fund", text="Build a big fund.", note="big")
    assert [(r.number, r.note) for r in selectors.revisions(document)] == [(1, "First draft"), (2, "big")]
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.document_edit(actor=org.alice, document=document, title="Fund", text="Build a big fund.")
    with pytest.raises(ValidationError, match="author"):
        services.document_edit(actor=org.bob, document=document, title="Mine", text="Mine.")


def test_it_refuses_writing_to_members_outside_the_unit_and_former_members(org: SmallOrg) -> None:
    period = leeds_period(org)
    for outsider in (org.carol, org.frank):
        with pytest.raises(PermissionDenied):
            services.document_create(actor=outsider, period=period, title="T", text="Text.")


def test_it_refuses_an_empty_text_or_one_over_the_word_limit(org: SmallOrg) -> None:
    period = leeds_period(org, word_limit=3)
    with pytest.raises(ValidationError) as error:
        services.document_create(actor=org.alice, period=period, title="", text="")
    assert set(error.value.message_dict) == {"title", "text"}
    with pytest.raises(ValidationError, match="limit is 3"):
        services.document_create(actor=org.alice, period=period, title="Long", text="one two three four")


def test_it_refuses_a_new_document_after_submissions_close_but_takes_responses(org: SmallOrg) -> None:
    period = leeds_period(org)
    first = published(org, period, org.alice)
    late = services.document_create(actor=org.bob, period=period, title="Late", text="Too late.")
    response = services.document_create(
        actor=org.bob, period=period, title="Against", text="Not now.", responds_to=[first]
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=25)):
        with pytest.raises(ValidationError, match="Submissions closed"):
            services.document_submit(actor=org.bob, document=late)
        services.document_submit(actor=org.bob, document=response)
    with time_machine.travel(timezone.now() + dt.timedelta(days=35)):
        again = services.document_create(
            actor=org.erin, period=period, title="Also", text="Also against.", responds_to=[first]
        )
        with pytest.raises(ValidationError, match="Responses closed"):
            services.document_submit(actor=org.erin, document=again)


def test_it_refuses_a_response_to_an_unpublished_document_or_another_period(org: SmallOrg) -> None:
    period = leeds_period(org)
    waiting = submitted(org, period, org.alice)
    with pytest.raises(ValidationError) as error:
        services.document_create(actor=org.bob, period=period, title="Re", text="No.", responds_to=[waiting])
    assert "responds_to" in error.value.message_dict
    elsewhere = published(org, leeds_period(org, title="Other"), org.alice)
    with pytest.raises(ValidationError):
        services.document_create(actor=org.bob, period=period, title="Re", text="No.", responds_to=[elsewhere])


def test_it_threads_responses_under_the_document(org: SmallOrg) -> None:
    period = leeds_period(org)
    first = published(org, period, org.alice)
    answer = published(org, period, org.bob, title="Against", text="No fund.", responds_to=[first])
    deeper = published(org, period, org.erin, title="Both", text="A small fund.", responds_to=[answer])
    tree = selectors.thread(first)
    assert [n.document.pk for n in tree] == [answer.pk]
    assert [n.document.pk for n in tree[0].children] == [deeper.pk]


def test_it_gives_the_answered_author_one_reply_within_the_days_even_after_the_deadline(
    org: SmallOrg, django_capture_on_commit_callbacks: Any
) -> None:
    period = leeds_period(org, reply_days=7)
    first = published(org, period, org.alice)
    with django_capture_on_commit_callbacks(execute=True):
        answer = published(org, period, org.bob, title="Against", text="No fund.", responds_to=[first])
    assert Notification.objects.filter(kind="bulletin.answered", member=org.alice).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        reply = services.document_create(
            actor=org.alice, period=period, title="Reply", text="Yes fund.", responds_to=[answer], is_reply=True
        )
        services.document_submit(actor=org.alice, document=reply)
    reply.refresh_from_db()
    assert reply.is_published and reply.issue is None
    assert AuditEntry.objects.filter(action="bulletin.reply_publish", object_id=str(reply.pk)).exists()
    with pytest.raises(ValidationError, match="already replied"):
        services.document_create(
            actor=org.alice, period=period, title="Again", text="Again.", responds_to=[answer], is_reply=True
        )


def test_it_refuses_a_reply_to_someone_not_answered_or_too_late(org: SmallOrg) -> None:
    period = leeds_period(org, reply_days=3)
    first = published(org, period, org.alice)
    answer = published(org, period, org.bob, title="Against", text="No fund.", responds_to=[first])
    with pytest.raises(ValidationError, match="right of reply is for the author"):
        services.document_create(
            actor=org.erin, period=period, title="R", text="R.", responds_to=[answer], is_reply=True
        )
    draft = services.document_create(
        actor=org.alice, period=period, title="R", text="R.", responds_to=[answer], is_reply=True
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)), pytest.raises(ValidationError, match="passed"):
        services.document_submit(actor=org.alice, document=draft)
    with pytest.raises(ValidationError, match="exactly one"):
        services.document_create(
            actor=org.alice, period=period, title="R", text="R.", responds_to=[answer, first], is_reply=True
        )


def test_it_takes_co_signatures_from_other_members_of_the_unit_once(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = submitted(org, period, org.alice)
    services.document_sign(actor=org.bob, document=document)
    with pytest.raises(ValidationError, match="already co-signed"):
        services.document_sign(actor=org.bob, document=document)
    with pytest.raises(ValidationError, match="You wrote"):
        services.document_sign(actor=org.alice, document=document)
    with pytest.raises(PermissionDenied):
        services.document_sign(actor=org.carol, document=document)
    services.document_unsign(actor=org.bob, document=document)
    with pytest.raises(ValidationError, match="not co-signed"):
        services.document_unsign(actor=org.bob, document=document)
    draft = services.document_create(actor=org.alice, period=period, title="D", text="D.")
    with pytest.raises(ValidationError, match="submitted or published"):
        services.document_sign(actor=org.bob, document=draft)


def test_it_keeps_signatures_on_a_published_document(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = submitted(org, period, org.alice)
    services.document_sign(actor=org.bob, document=document)
    document = published(org, period, org.erin)
    services.document_sign(actor=org.bob, document=document)
    with pytest.raises(ValidationError, match="published"):
        services.document_unsign(actor=org.bob, document=document)


def test_it_lets_the_author_withdraw_until_publication(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = submitted(org, period, org.alice)
    with pytest.raises(ValidationError):
        services.document_withdraw(actor=org.bob, document=document)
    services.document_withdraw(actor=org.alice, document=document)
    assert document.status == Document.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.document_withdraw(actor=org.alice, document=published(org, period, org.alice))


def test_it_signs_in_a_caucus_s_name_only_for_its_members(org: SmallOrg) -> None:
    period = leeds_period(org)
    caucus = services.caucus_create(actor=org.bob, unit=org.leeds, name="Rank and File Caucus", statement="Us.")
    with pytest.raises(ValidationError) as error:
        services.document_create(actor=org.alice, period=period, title="T", text="T.", caucus=caucus)
    assert "caucus" in error.value.message_dict
    york = services.caucus_create(actor=org.carol, unit=org.york, name="York Left", statement="Them.")
    with pytest.raises(ValidationError):
        services.document_create(actor=org.bob, period=period, title="T", text="T.", caucus=york)
    signed = services.document_create(actor=org.bob, period=period, title="T", text="T.", caucus=caucus)
    assert signed.caucus == caucus


def test_it_turns_a_published_document_into_a_proposal_and_links_others(org: SmallOrg) -> None:
    period = leeds_period(org)
    document = published(org, period, org.alice)
    with pytest.raises(ValidationError):
        services.document_propose(actor=org.bob, document=document)
    proposal = services.document_propose(actor=org.alice, document=document)
    assert proposal.unit == org.leeds and proposal.text == document.text and proposal.status == "draft"
    with pytest.raises(ValidationError, match="already backs"):
        services.document_propose(actor=org.alice, document=document)
    proposal_services.proposal_submit(actor=org.alice, proposal=proposal)
    other = published(org, period, org.bob, title="Also for it")
    with pytest.raises(ValidationError, match="author or an editor"):
        services.document_link_proposal(actor=org.erin, document=other, proposal=proposal)
    services.document_link_proposal(actor=org.bob, document=other, proposal=proposal)
    assert [d.pk for d in selectors.documents_behind([proposal.pk])] == [document.pk, other.pk]
    york_proposal = proposal_services.proposal_create(actor=org.carol, unit=org.york, title="Y", text="Y.")
    with pytest.raises(ValidationError):
        services.document_link_proposal(actor=org.dave, document=other, proposal=york_proposal)
