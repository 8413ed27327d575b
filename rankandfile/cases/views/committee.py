"""The committee's pages: the case list, the case passphrase, a case with its history, and the actions on it.

Each view names its rule; `access.access_case` answers 404 to anyone outside the case's committee and records the
attempt. Content is shown only when this browser holds the member's unlocked key (unlock.py); every use moves the
30-minute idle time on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from rankandfile.cases import access, forms, selectors, services, unlock, uploads
from rankandfile.cases.domain.crypto import CaseKeys
from rankandfile.cases.models import Attachment, Case
from rankandfile.org.models import Member


def _case_keys(request: HttpRequest, case: Case) -> CaseKeys | None:
    private = unlock.private_key(request)
    if private is None:
        return None
    return services.case_key_of(member=request.user, case=case, private_key=private)  # type: ignore[arg-type]


def _back(request: HttpRequest, case: Case) -> HttpResponse:
    return unlock.keep_private_key(request, HttpResponseRedirect(reverse("cases:case", args=[case.reference])))


@login_required
@never_cache
def case_list(request: HttpRequest) -> HttpResponse:
    """Rule: a committee or appeal-body member; lists their committee's cases, recused ones left out. An unlocked
    member re-seals, as they open the list, each case a colleague is waiting for."""
    member = access.require_case_keyholder(request.user)
    private = unlock.private_key(request)
    if private is not None:
        services.case_keys_reseal(actor=member, private_key=private)
    context = {
        "rows": selectors.cases_for_committee_member(member),
        "unlocked": private is not None,
        "has_key": selectors.committee_key_of(member) is not None,
        "keeps_settings": access.top_committee_unit(member) is not None,
    }
    return unlock.keep_private_key(request, render(request, "cases/case_list.html", context))


@login_required
@never_cache
def key(request: HttpRequest) -> HttpResponse:
    """Rule: a committee or appeal-body member sets their case passphrase (first use), unlocks, or resets a lost
    one (a new key pair: colleagues re-seal the cases)."""
    member = access.require_case_keyholder(request.user)
    has_key = selectors.committee_key_of(member) is not None
    form = forms.PassphraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passphrase = form.cleaned_data["passphrase"]
        try:
            if request.POST.get("action") == "reset":
                private = services.committee_key_reset(member=member, passphrase=passphrase)
            elif has_key:
                private = services.committee_key_unlock(member=member, passphrase=passphrase)
            else:
                private = services.committee_key_create(member=member, passphrase=passphrase)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            services.case_keys_reseal(actor=member, private_key=private)
            response = HttpResponseRedirect(request.POST.get("next") or reverse("cases:list"))
            if not response.url.startswith("/cases/"):
                response = HttpResponseRedirect(reverse("cases:list"))
            unlock.remember_private_key(request, response, private)
            return response
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "has_key": has_key, "next": request.GET.get("next", "")}
    return render(request, "cases/key.html", context, status=status)


@require_POST
def key_lock(request: HttpRequest) -> HttpResponse:
    """Rule: anyone: this browser forgets the unlocked key."""
    response = HttpResponseRedirect(reverse("cases:list") if request.user.is_authenticated else reverse("login"))
    unlock.forget_private_key(response)
    return response


@login_required
@never_cache
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Rule: the case's committee (not recused) and, after an appeal, the appeal body; 404 and recorded for
    anyone else. Shows who looked and refused attempts; the content only once unlocked."""
    case = access.access_case(request.user, reference)
    keys = _case_keys(request, case)
    opened = services.case_read(actor=request.user, case=case, keys=keys) if keys else None  # type: ignore[arg-type]
    recusals = selectors.recusals_of(case)
    context: dict[str, Any] = {
        "case": case,
        "opened": opened,
        "unlocked": unlock.private_key(request) is not None,
        "history": selectors.case_history(case),
        "waiting": services.waiting_for_key(case),
        "recusals": [(r, services.recusal_reason(r, keys) if keys else "") for r in recusals],
        "overdue": selectors.overdue_of(case, case.received_on.today()),
        "entry_form": forms.EntryForm(),
        "decision_form": forms.DecisionForm(),
        "reason_form": forms.ReasonForm(),
        "appeal_form": forms.AppealDecisionForm(),
        "hears_appeal": case.sealed_keys.filter(member=cast(Member, request.user), purpose="appeal").exists(),
    }
    return unlock.keep_private_key(request, render(request, "cases/case_detail.html", context))


def _with_key(request: HttpRequest, reference: str, act: Callable[[Member, Case, CaseKeys], None]) -> HttpResponse:
    """Run `act` on an unlocked case; a refusal becomes a message on the case page."""
    case = access.access_case(request.user, reference)
    keys = _case_keys(request, case)
    if keys is None:
        messages.error(request, _("Unlock your case key first."))
        return _back(request, case)
    try:
        act(request.user, case, keys)  # type: ignore[arg-type]
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return _back(request, case)


@csrf_exempt
@login_required
@require_POST
def entry_add(request: HttpRequest, reference: str) -> HttpResponse:
    """Rule: the case's committee: a note, an interview record or a message to the complainant, with files."""
    uploads.use_sealing_uploads(request)
    return _entry_add(request, reference)


@csrf_protect
def _entry_add(request: HttpRequest, reference: str) -> HttpResponse:
    form = forms.EntryForm(request.POST)
    attached = uploads.sealed_uploads(request)

    def act(member: Member, case: Case, keys: CaseKeys) -> None:
        if not form.is_valid() or getattr(request, "case_uploads_refused", []):
            raise ValidationError(_("Choose a kind, write the text; files: PDF, image or audio, 25 MB at most."))
        services.entry_add(actor=member, case=case, keys=keys, attachments=attached, **form.cleaned_data)

    try:
        return _with_key(request, reference, act)
    finally:
        services.uploads_discard_unused(attached)


@login_required
@require_POST
def move(request: HttpRequest, reference: str) -> HttpResponse:
    """Rule: the case's committee: acknowledge, start investigating, close."""
    case = access.access_case(request.user, reference)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        try:
            services.case_move(actor=request.user, case=case, to=form.cleaned_data["to"])  # type: ignore[arg-type]
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
    return _back(request, case)


@login_required
@require_POST
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    """Rule: the case's committee decides with reasons; sanctions go through the org's services."""
    form = forms.DecisionForm(request.POST)

    def act(member: Member, case: Case, keys: CaseKeys) -> None:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        data = form.cleaned_data
        orders = [services.SanctionOrder(data["sanctioned"], data["sanction"])] if data["sanction"] else []
        services.case_decide(actor=member, case=case, keys=keys, text=data["text"], sanctions=orders)

    return _with_key(request, reference, act)


@login_required
@require_POST
def recuse(request: HttpRequest, reference: str) -> HttpResponse:
    """Rule: a member of the case's committee declares a conflict; they lose the case's key at once."""
    form = forms.ReasonForm(request.POST)

    def act(member: Member, case: Case, keys: CaseKeys) -> None:
        if not form.is_valid():
            raise ValidationError(_("Say what the conflict is."))
        services.recusal_declare(actor=member, case=case, keys=keys, reason=form.cleaned_data["reason"])

    response = _with_key(request, reference, act)
    if selectors.is_recused_by_reference(reference, cast(Member, request.user)):
        return HttpResponseRedirect(reverse("cases:list"))
    return response


@login_required
@require_POST
def appeal(request: HttpRequest, reference: str) -> HttpResponse:
    """Rule: the case's committee records an appeal lodged by the member a decision sanctioned."""
    form = forms.MessageForm(request.POST)

    def act(member: Member, case: Case, keys: CaseKeys) -> None:
        if not form.is_valid():
            raise ValidationError(_("Write the grounds of the appeal."))
        services.appeal_lodge(case=case, keys=keys, text=form.cleaned_data["text"], actor=member)

    return _with_key(request, reference, act)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, reference: str) -> HttpResponse:
    """Rule: the appeal body the case was sealed to decides the appeal."""
    form = forms.AppealDecisionForm(request.POST)

    def act(member: Member, case: Case, keys: CaseKeys) -> None:
        if not form.is_valid():
            raise ValidationError(_("Write the decision and its reasons."))
        services.appeal_decide(actor=member, case=case, keys=keys, **form.cleaned_data)

    return _with_key(request, reference, act)


def download(*, actor: Member | str, case: Case, keys: CaseKeys, attachment: Attachment) -> StreamingHttpResponse:
    opened, chunks = services.attachment_open(actor=actor, case=case, keys=keys, attachment=attachment)
    response = StreamingHttpResponse(chunks, content_type=opened.content_type or "application/octet-stream")
    response["Content-Disposition"] = "attachment"  # the name stays out of headers a proxy might log
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
def file(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponse:
    """Rule: the case's committee downloads a file, decrypted as it streams; recorded."""
    case = access.access_case(request.user, reference)
    attachment = access.access_attachment(case, attachment_id)
    keys = _case_keys(request, case)
    if keys is None:
        return HttpResponseRedirect(reverse("cases:key") + f"?next={reverse('cases:case', args=[case.reference])}")
    return unlock.keep_private_key(
        request,
        download(actor=request.user, case=case, keys=keys, attachment=attachment),  # type: ignore[arg-type]
    )
