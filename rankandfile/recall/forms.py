from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rankandfile.recall.models import RecallRules

MARKDOWN_HELP = _("Markdown: *emphasis*, **bold**, lists with -, [links](https://…).")


class StartForm(forms.Form):
    statement = forms.CharField(
        label=_("Statement of reasons"), widget=forms.Textarea(attrs={"rows": 12}), help_text=MARKDOWN_HELP
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your response"), widget=forms.Textarea(attrs={"rows": 12}), help_text=MARKDOWN_HELP
    )


class RulesForm(forms.ModelForm):
    class Meta:
        model = RecallRules
        fields = (
            "signature_percent",
            "signature_minimum",
            "lapse_days",
            "cooldown_months",
            "ballot_days",
            "threshold",
            "quorum_percent",
            "nomination_days",
        )
