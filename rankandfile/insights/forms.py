from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rankandfile.insights.models import ExitResponse

LIKERT_CHOICES = [
    ("", _("I would rather not say")),
    ("5", _("5 Strongly agree")),
    ("4", _("4 Agree")),
    ("3", _("3 Neither agree nor disagree")),
    ("2", _("2 Disagree")),
    ("1", _("1 Strongly disagree")),
]


class ClimateSurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    closes_at = forms.DateTimeField(
        label=_("Closes at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), required=True
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["closes_at"].initial = (timezone.localtime() + dt.timedelta(days=14)).replace(
            second=0, microsecond=0
        )


class ExitSurveyForm(forms.Form):
    reason = forms.ChoiceField(label=_("The main reason you left"), choices=ExitResponse.Reason.choices)
    free_to_disagree = forms.TypedChoiceField(
        label=_("I felt free to disagree in meetings"),
        choices=LIKERT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
