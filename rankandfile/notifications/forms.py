from __future__ import annotations

from typing import Any

from django import forms

from rankandfile.notifications import kinds
from rankandfile.notifications.domain.delivery import Delivery
from rankandfile.notifications.models import DELIVERY_CHOICES


class PreferencesForm(forms.Form):
    """One choice per registered kind: immediately, in the daily digest, or never."""

    def __init__(self, *args: Any, current: dict[str, Delivery], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.all_kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label, choices=DELIVERY_CHOICES, widget=forms.RadioSelect, initial=current[kind.key].value
            )

    def choices(self) -> dict[str, Delivery]:
        return {key: Delivery(value) for key, value in self.cleaned_data.items()}
