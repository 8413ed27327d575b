from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rankandfile.org.auth import client_ip, is_throttled
from rankandfile.org.domain import api_tokens
from rankandfile.org.domain.capabilities import CAPABILITY_CHOICES
from rankandfile.org.models import Member, Unit


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean(self) -> dict[str, Any]:
        email = (self.data.get("username") or "").strip().lower()
        if email and is_throttled(email, client_ip(self.request)):
            minutes = max(1, round(settings.LOGIN_THROTTLE_WINDOW_SECONDS / 60))
            raise forms.ValidationError(
                _(
                    "Too many failed attempts: logins to this account from here are paused for up to %(minutes)d "
                    "minutes. Wait, or reset your password (that lifts the pause at once)."
                ),
                code="throttled",
                params={"minutes": minutes},
            )
        return super().clean()


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=40,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
        help_text=_("Six digits from your authenticator app, or one of your recovery codes."),
    )


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        required=False,
        help_text=_("Letters, digits and dashes; used in the unit's path. Left empty: from the name."),
    )
    kind = forms.CharField(label=_("Kind"), max_length=40, required=False, help_text=_("e.g. district, branch"))


class RenameUnitForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=200)


class MoveUnitForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("Move under"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents  # type: ignore[attr-defined]


class RoleTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500, initial=1)
    term_months = forms.IntegerField(label=_("Term length (months)"), min_value=1, max_value=120, initial=12)
    term_limit = forms.IntegerField(
        label=_("Term limit"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Most terms one member may hold in this role; empty for no limit."),
    )
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities granted"),
        choices=CAPABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AppointForm(forms.Form):
    holder = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the next elected term starts: the seat is filled until the members elect to it."),
    )
    reason = forms.CharField(
        label=_("Reason for the appointment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required, and shown to every member in the role history."),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = candidates  # type: ignore[attr-defined]


class EndTermForm(forms.Form):
    reason = forms.CharField(label=_("Why the term ends early"), max_length=300)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["full_name", "pronouns", "phone"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("e.g. 'spreadsheet sync'"))
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=api_tokens.SCOPE_CHOICES,
        initial=[api_tokens.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your roles still decide each request; a scope only narrows what the token may try."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(d, _("%d days") % d) for d in api_tokens.LIFETIMES_DAYS],
        initial=api_tokens.DEFAULT_LIFETIME_DAYS,
        help_text=_("Changing your password also ends every token."),
    )


class ImportMembersForm(forms.Form):
    MAX_BYTES = 50 * 1024 * 1024  # 100,000 rows with every column filled are about 10 MB

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma-separated, with a header row: email, full_name, and optional columns."),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_("Import the good rows and list the bad ones. Without it, one bad row means nothing is written."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB; split it into several files."))
        return upload
