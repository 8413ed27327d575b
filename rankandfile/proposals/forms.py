from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rankandfile.proposals.models import DecisionRules


class ProposalForm(forms.Form):
    submit_label = _("Save the proposal")  # the button says what it does
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: *emphasis*, **bold**, lists with -, headings with #, [links](https://…)."),
    )


class EditForm(ProposalForm):
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class AmendmentForm(forms.Form):
    submit_label = _("Propose the amendment")  # the button says what it does
    text = forms.CharField(
        label=_("The text as you propose it"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Change the proposal's text here; members will see your change as a difference."),
    )
    rationale = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RulesForm(forms.ModelForm):
    submit_label = _("Save the rules")  # the button says what it does

    class Meta:
        model = DecisionRules
        fields = ("counter_cosigners", "counter_cosigner_percent", "choice_method")
