"""Ballot pages. Each view names its rule; `access_*` fetches and checks, services write (docs/ballots.md)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.ballots import access, receipt_views, selectors, services, vote_pages
from rankandfile.ballots.domain import kinds, marks
from rankandfile.ballots.domain import receipts as receipt_rules
from rankandfile.ballots.forms import (
    DATETIME_LOCAL,
    AcceptNominationForm,
    BallotForm,
    ElectionForm,
    NominationForm,
    OpenForm,
    ReceiptCheckForm,
    marks_from_post,
)
from rankandfile.ballots.models import Ballot
from rankandfile.ballots.services import elections
from rankandfile.org import access as org_access
from rankandfile.org import selectors as org_selectors
from rankandfile.org.domain.capabilities import MANAGE_BALLOTS
from rankandfile.org.models import Member
from rankandfile.proposals import access as proposal_access
from rankandfile.proposals import selectors as proposal_selectors
from rankandfile.web import add_service_errors, first_message


def _member(request: HttpRequest) -> Member:
    """The logged-in member (every view here is behind login_required; the services check the rest)."""
    return cast(Member, request.user)


@login_required
def ballot_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: members in good standing; drafts only with `manage_ballots` in the unit."""
    unit = org_access.access_unit(request.user, unit_id)
    can_manage = org_access.has_capability(request.user, unit, MANAGE_BALLOTS)
    mine = selectors.ballots_of_unit(unit, viewer=_member(request))
    ballots = [b for b in mine if can_manage or b.status != Ballot.Status.DRAFT]
    context = {
        "unit": unit,
        "ballots": ballots,
        "elections": selectors.elections_of_unit(unit),
        "can_manage": can_manage,
        "roles": org_selectors.roles_of_unit(unit) if can_manage else [],
    }
    return render(request, "ballots/ballot_list.html", context)


@login_required
def ballot_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rule: `manage_ballots` in the unit. `?kind=question|choice|survey`, `?proposal=ID` or `?amendment=ID` of a
    proposal of this unit (another unit's: 404)."""
    unit = org_access.access_unit(request.user, unit_id, capability=MANAGE_BALLOTS)
    kind = request.GET.get("kind", kinds.Kind.QUESTION)
    if kind not in (kinds.Kind.QUESTION, kinds.Kind.CHOICE, kinds.Kind.SURVEY):
        kind = kinds.Kind.QUESTION
    proposal = amendment = None
    if request.GET.get("amendment", "").isdigit():
        amendment = access.access_amendment_to_decide(request.user, int(request.GET["amendment"]), unit=unit)
        kind = kinds.Kind.QUESTION
    elif request.GET.get("proposal", "").isdigit():
        proposal = access.access_proposal_to_decide(request.user, int(request.GET["proposal"]), unit=unit)
    alternatives = proposal_selectors.counter_proposal_queryset(proposal) if proposal else None
    title = _("Amendment %d") % amendment.pk if amendment else (proposal.title if proposal else "")
    form = BallotForm(request.POST or None, kind=kind, alternatives=alternatives, initial={"title": title})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            options = services.options_for(
                kind=kind,
                proposal=proposal,
                alternatives=list(data.get("alternatives") or []),
                labels=data.get("options_text") or [],
            )
            ballot = services.ballot_create(
                actor=_member(request),
                unit=unit,
                title=data["title"],
                description=data["description"],
                kind=kind,
                method=data["method"],
                threshold=data.get("threshold") or "majority",
                quorum=data["quorum"],
                mode=data["mode"],
                cutoff_on=data["cutoff_on"],
                closes_at=data["closes_at"],
                options=options,
                proposal=proposal or (amendment.proposal if amendment else None),
                amendment=amendment,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ballot set up as a draft. Check it, then open it."))
            return redirect(ballot)
    context = {"form": form, "unit": unit, "kind": kind, "proposal": proposal, "amendment": amendment}
    return render(request, "ballots/ballot_form.html", context)


def _paper_context(request: HttpRequest, ballot: Ballot, **extra: Any) -> dict[str, Any]:
    options = selectors.options_of(ballot)
    return {
        "ballot": ballot,
        "options": options,
        "paper_options": vote_pages.paper_order(ballot, options, request.user.pk),
        "ranks": range(1, len(options) + 1),
        "cast": selectors.participation_count(ballot.pk),
        "on_roll": selectors.is_on_roll(ballot, request.user),
        "has_voted": selectors.has_voted(ballot, request.user),
        "can_manage": access.can_manage(request.user, ballot),
        **extra,
    }


@login_required
def ballot_detail(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: members in good standing (drafts: `manage_ballots`), or anyone on the ballot's roll.

    The ballot paper shows while the ballot is open to a member on the roll who has not voted.
    """
    ballot = access.access_ballot_to_vote(request.user, ballot_id)
    return render(request, "ballots/ballot_detail.html", _paper_context(request, ballot))


def _marks_or_error(request: HttpRequest, ballot: Ballot, options: list[Any]) -> tuple[list[str], str]:
    labels = [o.label for o in options]
    try:
        names = marks_from_post(ballot, labels, request.POST)
        services.check_marks(ballot, names, labels)
    except marks.MarkError as error:
        return [], services.mark_message(error)
    except ValidationError as error:
        return [], first_message(error)
    return names, ""


@vote_pages.vote_page
@login_required
@require_POST
def ballot_review(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: as the ballot paper. Shows the marks for a last look; nothing is stored until the voter casts.
    Not stored, no Referer, and as long whatever the marks (vote_pages.py)."""
    ballot = access.access_ballot_to_vote(request.user, ballot_id)
    context = _paper_context(request, ballot)
    if "change" in request.POST:  # "Change my marks": the paper again, marked as the voter left it
        return _paper_marked_again(request, context)
    names, error = _marks_or_error(request, ballot, context["options"])
    error = services.cast_refusal(voter=_member(request), ballot=ballot) or error
    if error:
        context["error"] = error
        return render(request, "ballots/ballot_detail.html", context, status=422)
    by_label = {o.label: o for o in context["options"]}
    context["chosen"] = [by_label[name] for name in names]
    response = render(request, REVIEW_TEMPLATE, context)
    widest = render_to_string(REVIEW_TEMPLATE, {**context, "chosen": context["options"]}, request=request)
    return vote_pages.widest_of(response, widest)


REVIEW_TEMPLATE = "ballots/ballot_review.html"
PAPER_TEMPLATE = "ballots/ballot_detail.html"


def _paper_marked_again(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The paper with the marks the review page posted back; padded to the paper with every option marked."""
    positions = [p for p in request.POST.getlist("marked") if p.isdigit()]
    vote_pages.mark_again(context["paper_options"], positions)
    response = render(request, PAPER_TEMPLATE, context)
    vote_pages.mark_again(context["paper_options"], [str(o.position) for o in context["options"]])
    widest = render_to_string(PAPER_TEMPLATE, context, request=request)
    return vote_pages.widest_of(response, widest)


@vote_pages.vote_page
@login_required
@require_POST
def ballot_cast(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: a member on the roll, once, while the ballot is open. The receipt page is the only place the check
    code ever appears: it is neither stored nor put in the session, and the page is not cached (vote_pages.py)."""
    paper = access.access_ballot_to_cast(request.user, ballot_id)
    ballot, labels = paper.ballot, list(paper.labels)
    names = marks_from_post(ballot, labels, request.POST) if "mark" in request.POST else []
    try:
        receipt = services.ballot_cast(voter=_member(request), ballot=ballot, names=names, labels=labels)
    except ValidationError as error:
        # The page the refusal is shown on has its own rule (a lapsed member off the roll gets 403).
        ballot = access.access_ballot_to_vote(request.user, ballot_id)
        context = _paper_context(request, ballot, error=first_message(error))
        return render(request, "ballots/ballot_detail.html", context, status=422)
    response = render(request, RECEIPT_TEMPLATE, receipt_context(ballot, receipt))
    return vote_pages.widest_of(response, receipt_widest(request, ballot, labels))


RECEIPT_TEMPLATE = "ballots/ballot_receipt.html"
_receipt_widest: dict[tuple[Any, ...], int] = {}


def every_option(ballot: Ballot, labels: list[str]) -> dict[str, list[str]]:
    """A ballot's content with every option marked: the widest any page can echo."""
    return {"ranking" if ballot.mark == kinds.Mark.RANK else "choices": labels}


def receipt_widest(request: HttpRequest, ballot: Ballot, labels: list[str]) -> int:
    """The receipt page's length with every option shown (it shows nothing of the voter's own, so it is the same
    for every voter): kept per opened ballot and language, for this view and the cast door."""
    key = (ballot.pk, ballot.opened_at, get_language())
    if key not in _receipt_widest:
        if len(_receipt_widest) > 1000:
            _receipt_widest.clear()
        widest = services.Receipt(ballot.pk, every_option(ballot, labels), "0" * 64, "0" * 32)
        page = render_to_string(RECEIPT_TEMPLATE, receipt_context(ballot, widest), request=request)
        _receipt_widest[key] = len(page.encode())
    return _receipt_widest[key]


def receipt_context(ballot: Ballot, receipt: services.Receipt) -> dict[str, Any]:
    """The receipt page's context, for this view and for the cast door (cast_door.py), which serve the same page."""
    return {
        "ballot": ballot,
        "receipt": receipt,
        "receipt_grouped": receipt_rules.grouped(receipt.receipt),
        "names": marks.names_of(receipt.content),
        "ranked": ballot.mark == kinds.Mark.RANK,
    }


@login_required
def ballot_live(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: as the ballot page. The live fragment (number of ballots cast), re-fetched after a reconnect."""
    ballot = access.access_ballot_to_vote(request.user, ballot_id)
    cast = selectors.participation_count(ballot.pk)
    version = 2 * cast + (1 if ballot.is_closed else 0)
    return render(request, "ballots/_live.html", {"ballot": ballot, "cast": cast, "version": version})


@login_required
def ballot_projector(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: members in good standing. Big type for the hall: the question and the live count, never results."""
    ballot = access.access_ballot(request.user, ballot_id)
    return render(request, "ballots/ballot_projector.html", _paper_context(request, ballot))


@login_required
def ballot_console(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: `manage_ballots` in the unit. Open and close, with the live count of ballots cast."""
    ballot = access.access_ballot(request.user, ballot_id, for_write=True)
    context = _console_context(request, ballot, OpenForm(ballot=ballot))
    return render(request, "ballots/ballot_console.html", context)


def _console_context(request: HttpRequest, ballot: Ballot, open_form: OpenForm) -> dict[str, Any]:
    context = _paper_context(request, ballot, open_form=open_form)
    if ballot.proposal is not None and ballot.kind == Ballot.Kind.CHOICE and ballot.status == Ballot.Status.DRAFT:
        on_paper = {o.proposal_id for o in context["options"]}
        context["counters"] = [
            {
                "proposal": c.proposal,
                "signatures": c.signatures,
                "qualifies": c.qualifies,
                "on_paper": c.proposal.pk in on_paper,
            }
            for c in proposal_selectors.counter_proposals(ballot.proposal)
        ]
    return context


@login_required
@require_POST
def ballot_alternatives(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: `manage_ballots`; a draft choice ballot changes which counter-proposals it carries."""
    ballot = access.access_ballot(request.user, ballot_id, for_write=True)
    picked = proposal_selectors.counter_proposals_by_id(ballot.proposal, request.POST.getlist("alternatives"))
    try:
        services.ballot_set_alternatives(actor=_member(request), ballot=ballot, alternatives=picked)
    except ValidationError as error:
        messages.error(request, first_message(error))
    else:
        messages.success(request, _("Alternatives updated."))
    return redirect("ballots:console", ballot.pk)


@login_required
@require_POST
def ballot_open(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: `manage_ballots` in the unit. Freezes the roll; refused, with every reason, when a rule is unmet."""
    ballot = access.access_ballot(request.user, ballot_id, for_write=True)
    form = OpenForm(request.POST, ballot=ballot)
    if form.is_valid():
        try:
            services.ballot_open(actor=_member(request), ballot=ballot, closes_at=form.cleaned_data["closes_at"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The ballot is open."))
            return redirect("ballots:console", ballot.pk)
    return render(request, "ballots/ballot_console.html", _console_context(request, ballot, form), status=422)


@login_required
@require_POST
def ballot_close(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: `manage_ballots` in the unit. Closes, counts and publishes the shuffled box."""
    ballot = access.access_ballot(request.user, ballot_id, for_write=True)
    try:
        services.ballot_close(actor=_member(request), ballot=ballot)
    except ValidationError as error:
        messages.error(request, first_message(error))
        return redirect("ballots:console", ballot.pk)
    messages.success(request, _("The ballot is closed and its result published."))
    return redirect("ballots:results", ballot.pk)


@login_required
def ballot_results(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: members in good standing. Nothing but turnout before close; a survey's figures only from five
    responses on."""
    ballot = access.access_ballot(request.user, ballot_id)
    results = selectors.ballot_results(ballot)
    context = {
        "ballot": ballot,
        "results": results,
        "decision": results.decision,
        "turnout": results.turnout,
        "too_few": results.figures_withheld,
        "count": selectors.count_explained(results),
        "terms": selectors.terms_elected_by(ballot) if ballot.is_closed else [],
    }
    return render(request, "ballots/ballot_results.html", context)


@login_required
def ballot_box(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: members in good standing, once the ballot is closed (never for a survey): the anonymized box."""
    ballot = access.access_published_ballot(request.user, ballot_id)
    page = Paginator(selectors.box(ballot), 200).get_page(request.GET.get("page", 1))
    return render(request, "ballots/ballot_box.html", {"ballot": ballot, "page": page})


@login_required
def ballot_box_download(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: as the box page. The JSON file `rankandfile tally` reads (docs/counting.md)."""
    ballot = access.access_published_ballot(request.user, ballot_id)
    response = HttpResponse(selectors.box_bytes(ballot), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-box.json"'
    return response


@vote_pages.vote_page
@login_required
def ballot_receipt_check(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Rule: as the box page; before the close, members read when the box will be published. Finds a receipt in
    the box; with the check code, proves the ballot unchanged.
    The codes come by POST only, never in a URL; the answer is as long whatever it finds (vote_pages.py)."""
    ballot = access.access_ballot(request.user, ballot_id)
    if not ballot.is_closed:
        return receipt_views.receipt_check_not_yet(request, ballot)
    ballot = access.access_published_ballot(request.user, ballot_id)
    form = ReceiptCheckForm(request.POST if request.method == "POST" else None)
    check = None
    if form.is_valid():
        check = selectors.check_receipt(ballot, form.cleaned_data["receipt"], form.cleaned_data["nonce"])
    context = {"ballot": ballot, "form": form, "check": check}
    response = render(request, CHECK_TEMPLATE, context)
    if check is None:
        return response
    content = every_option(ballot, selectors.option_labels(ballot))
    outcomes = [selectors.ReceiptCheck(found=False)] + [
        selectors.ReceiptCheck(found=True, content=content, unchanged=unchanged) for unchanged in (None, True, False)
    ]
    pages = [render_to_string(CHECK_TEMPLATE, {**context, "check": c}, request=request) for c in outcomes]
    return vote_pages.widest_of(response, *pages)


CHECK_TEMPLATE = "ballots/ballot_receipt_check.html"


# --- elections for roles ------------------------------------------------------------------------------------
@login_required
def election_create(request: HttpRequest, role_type_id: int) -> HttpResponse:
    """Rule: `manage_ballots` in the role's unit. Opens nominations for the role's seats."""
    role_type = org_access.access_role_type(request.user, role_type_id, capability=MANAGE_BALLOTS)
    defaults = elections.election_defaults(role_type=role_type)
    initial = {
        "seats": defaults.seats,
        "method": defaults.method,
        "nominations_close_at": timezone.localtime(defaults.nominations_close_at).strftime(DATETIME_LOCAL),
        "term_starts_on": defaults.term_starts_on,
    }
    form = ElectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            election = elections.election_create(actor=_member(request), role_type=role_type, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Nominations are open."))
            return redirect(election)
    title = _("Election for %(role)s, %(unit)s") % {"role": role_type.name, "unit": role_type.unit}
    context = {"form": form, "title": title, "unit": role_type.unit, "submit": _("Open nominations")}
    return render(request, "ballots/election_form.html", context)


@login_required
def election_detail(request: HttpRequest, election_id: int) -> HttpResponse:
    """Rule: members in good standing. Candidates, statements, nominations; members of the unit nominate."""
    election = access.access_election(request.user, election_id)
    nominations = selectors.nominations_of(election)
    context = {
        "election": election,
        "nominations": nominations,
        "is_nominated": any(n.nominee_id == request.user.pk for n in nominations),
        "form": NominationForm(nominees=selectors.nominees_for(election)),
        "can_nominate": proposal_access.can_take_part(request.user, election.role_type.unit),
        "can_manage": org_access.has_capability(request.user, election.role_type.unit, MANAGE_BALLOTS),
        "is_nominating": election.status == election.Status.NOMINATING,
    }
    return render(request, "ballots/election_detail.html", context)


@login_required
@require_POST
def election_nominate(request: HttpRequest, election_id: int) -> HttpResponse:
    """Rule: members of the role's unit, while nominations are open; the nominee is told and must accept.
    `myself=1` is the one-button self-nomination: standing at once; the statement can follow."""
    election = access.access_election(request.user, election_id)
    data = request.POST.copy()
    if data.get("myself"):
        data["nominee"] = str(request.user.pk)
    form = NominationForm(data, nominees=selectors.nominees_for(election))
    if form.is_valid():
        try:
            elections.nomination_create(actor=_member(request), election=election, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, first_message(error))
        else:
            is_self = form.cleaned_data["nominee"].pk == request.user.pk
            messages.success(
                request,
                _("You are standing. Add a statement for members beside your name.")
                if is_self
                else _("Nomination recorded: %(who)s is told and can accept or decline.")
                % {"who": form.cleaned_data["nominee"]},
            )
    else:
        messages.error(request, _("Choose a member to nominate."))
    return redirect(election)


@login_required
@require_POST
def election_close_nominations(request: HttpRequest, election_id: int) -> HttpResponse:
    """Rule: `manage_ballots`, after the deadline: acclamation, or the election ballot as a draft to open."""
    election = access.access_election(request.user, election_id, for_write=True)
    try:
        election = elections.election_close_nominations(actor=_member(request), election=election)
    except ValidationError as error:
        messages.error(request, first_message(error))
        return redirect(election)
    if election.ballot_id:
        messages.success(request, _("More candidates than seats: the election ballot is ready to open."))
        return redirect("ballots:console", election.ballot_id)
    messages.success(request, _("Nominations closed: %s.") % election.get_status_display())
    return redirect(election)


@login_required
def nomination_accept(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """Rule: the nominee only (others get 404), while nominations are open. Accept (with a statement) or decline."""
    nomination = access.access_own_nomination(request.user, nomination_id)
    form = AcceptNominationForm(request.POST or None, initial={"statement": nomination.statement})
    if request.method == "POST" and form.is_valid():
        try:
            elections.nomination_accept(actor=_member(request), nomination=nomination, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("You are standing. Good luck."))
            return redirect(nomination.election)
    title = _("Stand for %s") % nomination.election.role_type.name
    context = {"form": form, "title": title, "nomination": nomination, "election": nomination.election}
    return render(request, "ballots/nomination_accept.html", context)


@login_required
@require_POST
def nomination_withdraw(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """Rule: the nominee only (others get 404), while nominations are open."""
    nomination = access.access_own_nomination(request.user, nomination_id)
    try:
        elections.nomination_withdraw(actor=_member(request), nomination=nomination)
    except ValidationError as error:
        messages.error(request, first_message(error))
    else:
        declined = nomination.accepted_at is None
        messages.success(request, _("You declined the nomination.") if declined else _("You have withdrawn."))
    return redirect(nomination.election)
