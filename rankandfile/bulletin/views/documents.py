"""Documents: writing, reading with their thread, revisions, co-signing, placing in issues, proposals."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rankandfile.bulletin import access, selectors, services
from rankandfile.bulletin.domain import rules
from rankandfile.bulletin.forms import DocumentForm, EditForm
from rankandfile.bulletin.views.common import act, member
from rankandfile.proposals import access as proposal_access
from rankandfile.proposals.domain import texts
from rankandfile.web import add_service_errors, first_message


def _ids(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",") if part.strip().isdigit()][:10]


@login_required
def document_create(request: HttpRequest, period_id: int) -> HttpResponse:
    """Rule: members of the period's unit in good standing. `?responds_to=ID[,ID]` for a response, `&reply=1`
    under the right of reply. Starts as a draft only the author sees."""
    period = access.access_period(request.user, period_id)
    access.require_unit_member(request.user, period.unit)
    responds_to = [access.access_document(request.user, pk) for pk in _ids(request.GET.get("responds_to", ""))]
    is_reply = request.GET.get("reply") == "1"
    caucuses = [(c.pk, c.name) for c in selectors.caucuses_of_member(member(request), period.unit)]
    form = DocumentForm(request.POST or None, caucuses=caucuses)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        caucus_id = data.pop("caucus", None)
        caucus = access.access_caucus(request.user, caucus_id) if caucus_id else None
        try:
            document = services.document_create(
                actor=member(request), period=period, responds_to=responds_to, is_reply=is_reply, caucus=caucus, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Submit it when it is ready."))
            return redirect(document)
    context = {"form": form, "period": period, "responds_to": responds_to, "is_reply": is_reply}
    return render(request, "bulletin/document_form.html", context)


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: members in good standing; a draft only its author (404); a hidden text only its author and the
    period's moderators (everyone sees who hid it, when and why)."""
    document = access.access_document(request.user, document_id)
    viewer = member(request)
    unit = document.period.unit
    answer = selectors.reply_answer(viewer, document)
    can_manage = access.can_manage(request.user, unit)
    context = {
        "document": document,
        "period": document.period,
        "can_read": access.can_read_text(request.user, document),
        "responds_to": selectors.responds_to(document),
        "thread": selectors.thread(document),
        "cosigners": selectors.cosigners(document),
        "has_signed": selectors.has_signed(document, viewer),
        "revisions": selectors.revisions(document),
        "appeals": selectors.appeals(document),
        "is_author": document.author_id == viewer.pk,
        "can_take_part": access.can_take_part(request.user, unit),
        "can_manage": can_manage,
        "open_issues": selectors.unpublished_issues(document.period) if can_manage else [],
        "reply_open": answer is not None
        and rules.reply_refusal(now=timezone.now(), answer=answer, reply_days=document.period.reply_days) is None,
        "reply_until": rules.reply_deadline(answer.published_at, document.period.reply_days) if answer else None,
        "proposals": selectors.linkable_proposals(document, viewer) if document.author_id == viewer.pk else [],
    }
    return render(request, "bulletin/document_detail.html", context)


@login_required
def document_edit(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: the author, until publication. Every revision is kept with its diff."""
    document = access.access_document(request.user, document_id, for_write=True)
    form = EditForm(request.POST or None, initial={"title": document.title, "text": document.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.document_edit(actor=member(request), document=document, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved as revision %d.") % document.revision)
            return redirect(document)
    context = {"form": form, "period": document.period, "document": document, "responds_to": []}
    return render(request, "bulletin/document_form.html", context)


@login_required
def revision_detail(request: HttpRequest, document_id: int, number: int) -> HttpResponse:
    """Rule: as the document (a hidden text only for its author and moderators). One revision and its diff."""
    document = access.access_document(request.user, document_id)
    revision = selectors.revision(document, number)
    if revision is None or not access.can_read_text(request.user, document):
        raise Http404("No such revision.")
    previous = selectors.revision(document, number - 1)
    context = {
        "document": document,
        "revision": revision,
        "previous": previous,
        "diff": texts.diff_lines(previous.text, revision.text) if previous else [],
    }
    return render(request, "bulletin/revision_detail.html", context)


@login_required
@require_POST
def document_submit(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: the author, before the period's deadline (a reply: within its days, and it is published at once)."""
    document = access.access_document(request.user, document_id, for_write=True)
    done = _("Published as your reply.") if document.is_reply else _("Submitted: members can read and co-sign it.")
    return act(request, document, partial(services.document_submit, actor=member(request), document=document), done)


@login_required
@require_POST
def document_withdraw(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: the author, until publication."""
    document = access.access_document(request.user, document_id, for_write=True)
    action = partial(services.document_withdraw, actor=member(request), document=document)
    return act(request, document, action, _("Withdrawn."))


@login_required
@require_POST
def document_sign(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: members of the period's unit in good standing, not the author."""
    document = access.access_document(request.user, document_id)
    action = partial(services.document_sign, actor=member(request), document=document)
    return act(request, document, action, _("You co-signed this document."))


@login_required
@require_POST
def document_unsign(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: a co-signer withdraws their own signature before publication."""
    document = access.access_document(request.user, document_id)
    action = partial(services.document_unsign, actor=member(request), document=document)
    return act(request, document, action, _("Your signature is withdrawn."))


@login_required
@require_POST
def document_place(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: `manage_bulletin` in the period's unit. `issue` = an unpublished issue's id, or empty to take out."""
    document = access.access_document_to_moderate(request.user, document_id)
    raw = request.POST.get("issue", "")
    issue = access.access_issue(request.user, int(raw), for_write=True) if raw.isdigit() else None
    action = partial(services.document_place, actor=member(request), document=document, issue=issue)
    return act(request, document, action, _("Placed in issue %d.") % issue.number if issue else _("Taken out."))


@login_required
@require_POST
def document_propose(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: the author of a published document: it becomes a draft proposal of the period's unit."""
    document = access.access_document(request.user, document_id, for_write=True)
    try:
        proposal = services.document_propose(actor=member(request), document=document)
    except ValidationError as error:
        messages.error(request, first_message(error))
        return redirect(document)
    messages.success(request, _("A draft proposal now carries this text. Submit it when it is ready."))
    return redirect(proposal)


@login_required
@require_POST
def document_link(request: HttpRequest, document_id: int) -> HttpResponse:
    """Rule: the author or `manage_bulletin`; `proposal` = a proposal of the period's unit, or empty to unlink."""
    document = access.access_document(request.user, document_id)
    if document.author_id != request.user.pk and not access.can_manage(request.user, document.period.unit):
        raise PermissionDenied(_("Only the document's author or an editor of the bulletin may link it."))
    raw = request.POST.get("proposal", "")
    proposal = proposal_access.access_proposal(request.user, int(raw)) if raw.isdigit() else None
    action = partial(services.document_link_proposal, actor=member(request), document=document, proposal=proposal)
    return act(request, document, action, _("Linked.") if proposal else _("Unlinked."))
