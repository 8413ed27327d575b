from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MARKDOWN_HELP = _("Markdown: *emphasis*, **bold**, lists with -, headings with #, [links](https://…).")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class PeriodForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What it is for"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    code_of_conduct = forms.CharField(
        label=_("Code of conduct"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Published with the period. Moderators may hide a document only under it, citing it."),
    )
    submissions_close_at = forms.DateTimeField(label=_("Submissions close at"), widget=DateTimeInput)
    responses_close_at = forms.DateTimeField(label=_("Responses close at"), widget=DateTimeInput)
    word_limit = forms.IntegerField(label=_("Word limit per document (0: none)"), min_value=0, initial=3000)
    min_cosigners = forms.IntegerField(label=_("Co-signers needed before publication"), min_value=0, initial=0)
    reply_days = forms.IntegerField(label=_("Days for a right of reply"), min_value=0, initial=7)


class IssueForm(forms.Form):
    publish_at = forms.DateTimeField(label=_("Publish at"), widget=DateTimeInput)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}), help_text=MARKDOWN_HELP)
    caucus = forms.TypedChoiceField(
        label=_("Sign in the name of a caucus"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, caucuses: list[tuple[int, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["caucus"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("No: in my own name")), *(caucuses or [])]
        if not caucuses:
            del self.fields["caucus"]


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}), help_text=MARKDOWN_HELP)
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class CaucusForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 8}), help_text=MARKDOWN_HELP)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, citing the code of conduct"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to every member beside the hidden document, with your name and the time."),
    )


class AppealForm(forms.Form):
    text = forms.CharField(label=_("Why the document should be shown"), widget=forms.Textarea(attrs={"rows": 6}))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    period = forms.IntegerField(required=False, widget=forms.HiddenInput)
    author = forms.IntegerField(required=False, widget=forms.HiddenInput)
    caucus = forms.IntegerField(required=False, widget=forms.HiddenInput)
    published_from = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    published_until = forms.DateField(label=_("until"), required=False, widget=forms.DateInput({"type": "date"}))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
