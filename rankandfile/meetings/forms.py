"""Forms of the meeting screens. They parse input; the services decide and refuse with field-level messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rankandfile.meetings.domain.speaking_order import DEFAULT_PRESET, PRESETS
from rankandfile.meetings.models import AgendaItem, Dissent, Meeting, StanceChoice
from rankandfile.meetings.selectors import speaker_by_name
from rankandfile.org.models import Member

PRESET_LABELS = {
    "open": _("Open: first come, first served, no time limits"),
    "fair": _("Fair (default): every rule on, 3 minutes a speech"),
    "convention": _("Convention: every rule on, 2 minutes a speech"),
}


CUSTOM_RULES = "custom"


def preset_choices() -> list[tuple[str, Any]]:
    return [(name, PRESET_LABELS.get(name, name)) for name in PRESETS]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.full_name or obj.email


class MeetingForm(forms.Form):
    submit_label = _("Save the meeting")  # the button says what it does
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices, initial=Meeting.Kind.GENERAL)
    mode = forms.ChoiceField(label=_("Held"), choices=Meeting.Mode.choices, initial=Meeting.Mode.IN_PERSON)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    chair = MemberChoiceField(label=_("Chair"), queryset=Member.objects.none(), required=False)
    secretary = MemberChoiceField(label=_("Secretary"), queryset=Member.objects.none(), required=False)
    quorum = forms.IntegerField(
        label=_("Quorum"), min_value=0, initial=0, help_text=_("How many members must be checked in.")
    )
    rules_preset = forms.ChoiceField(label=_("Speaking rules"), choices=preset_choices, initial=DEFAULT_PRESET)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line; you can add and reorder items later."),
    )

    def __init__(self, *args: Any, people: QuerySet[Member], with_agenda: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["secretary"].queryset = people  # type: ignore[attr-defined]
        if not with_agenda:
            del self.fields["agenda"]
        if self.initial.get("rules_preset") == CUSTOM_RULES:
            # Rules set one by one on the Speaking rules page: keep them unless the chair picks a preset.
            self.fields["rules_preset"].choices = [  # type: ignore[attr-defined]
                (CUSTOM_RULES, _("Custom rules (see Speaking rules)")),
                *preset_choices(),
            ]


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200)
    minutes_allotted = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StanceForm(forms.Form):
    stance = forms.ChoiceField(label=_("I want to speak"), choices=StanceChoice.choices, widget=forms.RadioSelect)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Code on the projector"), max_length=40, required=False)


class MemberForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects.none())

    def __init__(self, *args: Any, people: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = people  # type: ignore[attr-defined]


SPEAKER_NAMES = "speaker-names"  # the id of the <datalist> the name fields suggest from


class AddSpeakerForm(forms.Form):
    """A speaker typed by name: the field suggests checked-in and eligible members (a <datalist> the lookup view
    fills as the chair types); `clean_member` resolves the name through `selectors.speaker_by_name`."""

    member = forms.CharField(
        label=_("Member (type a name)"),
        max_length=250,
        widget=forms.TextInput(attrs={"list": SPEAKER_NAMES, "autocomplete": "off", "data-speaker-name": ""}),
    )
    stance = forms.ChoiceField(label=_("Stance"), choices=StanceChoice.choices)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["member"].widget.attrs.update(
            {
                "hx-get": reverse("meetings:speaker_lookup", args=[meeting.pk]),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{SPEAKER_NAMES}",
                "hx-swap": "outerHTML",
            }
        )

    def clean_member(self) -> Member:
        return speaker_by_name(self.meeting, self.cleaned_data["member"])


class ReasonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Reason (shown to everyone and in the minutes)"))
        kwargs.setdefault("max_length", 500)
        # Required by the service (its message is the one shown); the form lets an empty one through to it.
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class MoveForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.IntegerField(label=_("New place (1 = next)"), min_value=1, initial=1)
    reason = ReasonField()


class InsertForm(AddSpeakerForm):
    position = forms.IntegerField(label=_("Place (1 = next)"), min_value=1, initial=1)
    reason = ReasonField()


class RemoveForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = ReasonField()


class ExtendForm(forms.Form):
    seconds = forms.TypedChoiceField(
        label=_("Extra time"),
        coerce=int,
        choices=[(30, _("30 seconds")), (60, _("1 minute")), (120, _("2 minutes"))],
        initial=60,
    )
    reason = ReasonField()


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Your point in one line"), max_length=280, required=False)


class NoteForm(forms.Form):
    speech_id = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Secretary's note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class MotionForm(forms.Form):
    text = forms.CharField(label=_("Motion"), widget=forms.Textarea(attrs={"rows": 3}))
    moved_by = MemberChoiceField(label=_("Moved by"), queryset=Member.objects.none(), required=False)

    def __init__(self, *args: Any, people: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moved_by"].queryset = people  # type: ignore[attr-defined]


class OverrideReasonField(forms.CharField):
    """Passes a guard (too early, inquorate, more votes than checked in): empty unless the chair was warned."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Reason to go ahead anyway (shown to everyone and in the minutes)"))
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class OpenForm(forms.Form):
    override_reason = OverrideReasonField()


class CountForm(forms.Form):
    motion_id = forms.IntegerField(widget=forms.HiddenInput)
    votes_for = forms.IntegerField(label=_("For"), min_value=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstain"), min_value=0, initial=0)
    override_reason = OverrideReasonField(
        help_text=_("Only when warned: the meeting is not quorate, or more votes than members checked in.")
    )


class DissentForm(forms.Form):
    submit_label = _("Attach my dissent")  # the button says what it does
    kind = forms.ChoiceField(label=_("Kind"), choices=Dissent.Kind.choices, initial=Dissent.Kind.DISSENT)
    item = forms.ModelChoiceField(
        label=_("On agenda item"), queryset=AgendaItem.objects.none(), required=False, empty_label=_("the meeting")
    )
    text = forms.CharField(label=_("In your words"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.all()  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    submit_label = _("Save the minutes")  # the button says what it does
    narrative = forms.CharField(
        label=_("Narrative of the meeting"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(meeting.items.all())
        self.fields["narrative"].initial = meeting.minutes_narrative
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=_("Narrative: %(item)s") % {"item": item.title},
                required=False,
                initial=item.narrative,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def item_narratives(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}", "") for item in self.items}


class ApproveMinutesForm(forms.Form):
    minutes_of = forms.ModelChoiceField(label=_("Minutes of"), queryset=Meeting.objects.none())
    override_reason = OverrideReasonField(help_text=_("Only when warned that the meeting is not quorate."))

    def __init__(self, *args: Any, meetings: list[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes_of"].queryset = Meeting.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in meetings]
        )


class RulesForm(forms.Form):
    """Each rule of the speaking list on or off, with its parameter; an empty parameter turns that rule off."""

    points_of_order_first = forms.BooleanField(label=_("Points of order go first"), required=False)
    first_time_speakers_first = forms.BooleanField(
        label=_("Members who have not spoken on the item go before those who have"), required=False
    )
    alternate_for_against = forms.BooleanField(label=_("Alternate for and against while both wait"), required=False)
    pile_on_cap = forms.IntegerField(
        label=_("Pile-on cap: officer answers in a row to a member's dissent"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("Empty: no cap."),
    )
    right_of_reply = forms.IntegerField(
        label=_("Right of reply after this many opposing speeches in a row"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("Empty: no right of reply."),
    )
    speech_seconds = forms.IntegerField(
        label=_("Seconds per speech"), min_value=10, max_value=3600, required=False, help_text=_("Empty: no limit.")
    )
    member_item_seconds = forms.IntegerField(
        label=_("Seconds per member on one item"),
        min_value=10,
        max_value=7200,
        required=False,
        help_text=_("Empty: no limit."),
    )
