"""Forms of the case pages. Attachments are not form fields: the sealing upload handler takes them
(uploads.py), so a form never holds a file's plaintext."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rankandfile.cases.domain.workflow import Sanction, State
from rankandfile.cases.models import Category, Entry
from rankandfile.org.models import Member, Unit


class ComplaintForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What kind of concern"), queryset=Category.objects.filter(is_active=True), to_field_name="slug"
    )
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 10}), max_length=50_000)
    others = forms.CharField(
        label=_("Others it concerns (not members, or if you prefer to write names)"), required=False, max_length=2000
    )


class MemberComplaintForm(ComplaintForm):
    unit = forms.ModelChoiceField(
        label=_("Unit where it happened"), queryset=Unit.objects.filter(dissolved_on__isnull=True)
    )
    named = forms.ModelMultipleChoiceField(
        label=_("Members it concerns"),
        queryset=Member.objects.filter(memberships__status="active").distinct(),
        required=False,
        help_text=_("A committee member you name here never receives the case's key."),
    )
    anonymous = forms.BooleanField(
        label=_("File anonymously (the committee will not know who filed; only your receipt brings you back)"),
        required=False,
        initial=True,
    )
    field_order = ("unit", "category", "text", "named", "others", "anonymous")


class RecordedComplaintForm(ComplaintForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(dissolved_on__isnull=True))
    named = MemberComplaintForm.base_fields["named"]
    field_order = ("unit", "category", "text", "named", "others")


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "0000-0000-0000-0000"}
        ),
    )


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=50_000)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Entry.Kind.NOTE, _("note (committee only)")),
            (Entry.Kind.INTERVIEW, _("interview record (committee only)")),
            (Entry.Kind.TO_COMPLAINANT, _("message to the complainant")),
        ],
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=50_000)


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(label=_("Case passphrase"), widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class MoveForm(forms.Form):
    to = forms.ChoiceField(
        choices=[(s.value, s.value) for s in (State.ACKNOWLEDGED, State.INVESTIGATING, State.CLOSED)]
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision and reasons"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50_000)
    sanction = forms.ChoiceField(
        label=_("Sanction"), required=False, choices=[("", _("none")), *[(s.value, s.value) for s in Sanction]]
    )
    sanctioned = forms.ModelChoiceField(
        label=_("Member sanctioned"), queryset=Member.objects.filter(is_active=True), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("sanction")) != bool(data.get("sanctioned")):
            raise forms.ValidationError(_("Name both the sanction and the member, or neither."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("The conflict"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class AppealDecisionForm(forms.Form):
    text = forms.CharField(label=_("Appeal decision and reasons"), widget=forms.Textarea(attrs={"rows": 6}))
    reinstate = forms.BooleanField(label=_("Uphold the appeal: reinstate the member"), required=False)


class PolicyForm(forms.Form):
    """The deadlines and the retention period (the service checks the ranges and names the field it refuses)."""

    acknowledge_days = forms.IntegerField(
        label=_("Acknowledge a complaint within (days)"), help_text=_("From 1 to 30 days.")
    )
    decide_days = forms.IntegerField(
        label=_("Decide a complaint within (days)"), help_text=_("From 7 to 365 days, more than the above.")
    )
    retention_years = forms.IntegerField(
        label=_("Delete a closed case after (years)"), help_text=_("From 1 to 30 years.")
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Category name"), max_length=100)
