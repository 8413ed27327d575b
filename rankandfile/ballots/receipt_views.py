"""The voter's receipt after a reload or the back button, and the receipt check before the box is published.

The receipt page the cast answers with is the only place the check code is ever sent (views.ballot_cast): the
server neither stores it nor puts it in the session. The page's script (static/ballots/receipt.js) keeps it in the
browser tab that voted (sessionStorage, gone when the tab closes) and puts this page's address in place of the
cast's, so a reload or the back button comes here, and the script shows the receipt again from the tab. This page
itself shows no vote (docs/ballots.md, "Your receipt").
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rankandfile.ballots import access, selectors, vote_pages
from rankandfile.ballots.models import Ballot

RECEIPT_TEMPLATE = "ballots/ballot_receipt.html"


@vote_pages.vote_page
@login_required
def my_receipt(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: as the ballot paper (members in good standing, or anyone on the roll). Shows no vote of its own."""
    ballot = access.access_ballot_to_vote(request.user, ballot_id)
    context = {"ballot": ballot, "stored": True, "has_voted": selectors.has_voted(ballot, request.user)}
    return render(request, RECEIPT_TEMPLATE, context)


def receipt_check_not_yet(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    """Before the close: when the box will be published, instead of a check (surveys never have one)."""
    if ballot.kind == Ballot.Kind.SURVEY:
        raise Http404("A survey publishes aggregate figures only, never a ballot box.")
    return render(request, "ballots/receipt_not_yet.html", {"ballot": ballot})
