"""The access helpers' one shape: `access_<thing>(member, id, *, for_write=False)` reads, for_write changes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rankandfile.bulletin import access, services
from rankandfile.bulletin.tests.helpers import an_issue, leeds_period, submitted
from rankandfile.testing import SmallOrg


def test_it_gives_a_document_to_its_author_for_write_and_refuses_anyone_else(org: SmallOrg) -> None:
    document = submitted(org, leeds_period(org), org.alice)
    assert access.access_document(org.alice, document.pk, for_write=True) == document
    assert access.access_document(org.bob, document.pk) == document  # reading a submitted document
    with pytest.raises(PermissionDenied):
        access.access_document(org.bob, document.pk, for_write=True)
    with pytest.raises(PermissionDenied):
        access.access_document(org.dave, document.pk, for_write=True)  # an editor moderates, never edits


def test_it_hides_a_draft_from_anyone_but_its_author_even_for_write(org: SmallOrg) -> None:
    draft = services.document_create(actor=org.alice, period=leeds_period(org), title="Draft", text="Not yet.")
    assert access.access_document(org.alice, draft.pk, for_write=True) == draft
    with pytest.raises(Http404):
        access.access_document(org.bob, draft.pk, for_write=True)
    with pytest.raises(Http404):
        access.access_document(org.alice, draft.pk + 1000)


def test_it_gives_periods_and_issues_for_write_only_with_manage_bulletin(org: SmallOrg) -> None:
    period = leeds_period(org)
    issue = an_issue(org, period)
    assert access.access_period(org.alice, period.pk) == period
    assert access.access_issue(org.alice, issue.pk) == issue
    assert access.access_period(org.dave, period.pk, for_write=True) == period
    assert access.access_issue(org.dave, issue.pk, for_write=True) == issue
    with pytest.raises(PermissionDenied):
        access.access_period(org.alice, period.pk, for_write=True)
    with pytest.raises(PermissionDenied):
        access.access_issue(org.alice, issue.pk, for_write=True)
