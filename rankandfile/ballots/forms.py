from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rankandfile.ballots.domain import kinds
from rankandfile.ballots.domain.marks import ranking_from_numbers
from rankandfile.ballots.domain.receipts import normalize
from rankandfile.ballots.models import Ballot
from rankandfile.org.models import Member
from rankandfile.proposals.models import Proposal

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class BallotForm(forms.Form):
    """Set up a question, a choice between alternatives or a survey (elections start from nominations)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What is being decided"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    method = forms.ChoiceField(label=_("Counting method"))
    threshold = forms.ChoiceField(label=_("Threshold"), choices=Ballot.Threshold.choices, initial="majority")
    quorum = forms.IntegerField(
        label=_("Quorum"), min_value=1, required=False, help_text=_("Ballots needed for a decision; empty for none.")
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Ballot.Mode.choices, initial="remote")
    cutoff_on = forms.DateField(
        label=_("Eligibility cut-off"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Members in good standing who joined on or before this day may vote."),
    )
    closes_at = DateTimeLocalField(
        label=_("Closes at"), required=False, help_text=_("Required for a remote ballot; can be set when opening.")
    )
    alternatives = forms.ModelMultipleChoiceField(
        label=_("Counter-proposals on this ballot"),
        queryset=Proposal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Counter-proposals with enough co-signers must be on the ballot: opening is refused otherwise."),
    )
    options_text = forms.CharField(
        label=_("Answers, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, kind: str, alternatives: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        method_labels = dict(Ballot.Method.choices)
        self.fields["method"].choices = [  # type: ignore[attr-defined]
            (m.value, method_labels[m.value]) for m in kinds.METHODS_BY_KIND[kinds.Kind(kind)]
        ]
        self.fields["cutoff_on"].initial = timezone.localdate()
        if kind != kinds.Kind.QUESTION:
            del self.fields["threshold"]
        if kind == kinds.Kind.CHOICE and alternatives is not None:
            self.fields["alternatives"].queryset = alternatives  # type: ignore[attr-defined]
            self.fields["alternatives"].initial = list(alternatives)
        else:
            del self.fields["alternatives"]
        if kind != kinds.Kind.SURVEY:
            del self.fields["options_text"]

    def clean_options_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("options_text", "").splitlines() if line.strip()]
        if len(lines) < 2:
            raise forms.ValidationError(_("Give at least two answers, one per line."))
        return lines


class OpenForm(forms.Form):
    closes_at = DateTimeLocalField(label=_("Closes at"), required=False)

    def __init__(self, *args: Any, ballot: Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = ballot.closes_at
        if default is None and ballot.mode == Ballot.Mode.REMOTE:
            default = timezone.localtime() + dt.timedelta(days=7)
        if default is not None:
            self.fields["closes_at"].initial = timezone.localtime(default).strftime(DATETIME_LOCAL)
        if ballot.mode == Ballot.Mode.REMOTE:
            self.fields["closes_at"].required = True
            self.fields["closes_at"].help_text = _("Remote ballots stay open for days; members get a reminder.")
        else:
            self.fields["closes_at"].help_text = _("Optional in a meeting: close it by hand from the console.")


class ReceiptCheckForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt"), max_length=100)
    nonce = forms.CharField(
        label=_("Check code"),
        max_length=100,
        required=False,
        help_text=_("The private code you were shown with your receipt; with it the check proves nothing changed."),
    )

    def clean_receipt(self) -> str:
        code = normalize(self.cleaned_data["receipt"])
        if len(code) != 64:
            raise forms.ValidationError(_("A receipt has 64 hexadecimal characters (spaces do not matter)."))
        return code

    def clean_nonce(self) -> str:
        return normalize(self.cleaned_data.get("nonce", ""))


class ElectionForm(forms.Form):
    seats = forms.IntegerField(label=_("Seats to fill"), min_value=1, initial=1)
    method = forms.ChoiceField(
        label=_("Counting method"),
        choices=[(m, dict(Ballot.Method.choices)[m]) for m in ("irv", "stv-scottish", "stv-meek", "approval")],
    )
    nominations_close_at = DateTimeLocalField(label=_("Nominations close at"))
    term_starts_on = forms.DateField(label=_("Terms start on"), widget=forms.DateInput(attrs={"type": "date"}))


class NominationForm(forms.Form):
    """Nominate a member (yourself: the one "Nominate myself" button; the statement follows on the accept page)."""

    nominee = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())

    def __init__(self, *args: Any, nominees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = nominees  # type: ignore[attr-defined]


class AcceptNominationForm(forms.Form):
    statement = forms.CharField(
        label=_("Your statement to members"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown beside your name on the ballot."),
    )


def marks_from_post(ballot: Ballot, labels: list[str], data: Any) -> list[str]:
    """The voter's marks as option labels, best first, from the ballot paper or the review page.

    `labels` are the ballot's options in order: option position p is labels[p - 1]. The review page posts `mark`
    fields (positions, in order). The paper posts one rank select per option (`rank-<position>`, the no-JavaScript
    fallback, which the tap-and-drag script also fills in), one `choice`, or several `choices`. Anything that is
    not an option is passed on as it is, for the service to refuse by name.
    """
    by_position = {str(i): label for i, label in enumerate(labels, start=1)}
    if "mark" in data:
        return [by_position.get(p, p) for p in data.getlist("mark")]
    mark = ballot.mark
    if mark == kinds.Mark.RANK:
        numbers = {label: data.get(f"rank-{i}", "") for i, label in enumerate(labels, start=1)}
        return ranking_from_numbers(numbers, labels)
    if mark == kinds.Mark.ONE:
        choice = data.get("choice", "")
        return [by_position.get(choice, choice)] if choice else []
    return [by_position.get(p, p) for p in data.getlist("choices")]
