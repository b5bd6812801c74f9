"""Forms of the reminders pages: a person's opt-in or opt-out, a lawyer's digest choice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import ConsentMethod, ContactChannel

# A team member records what the person said; SMS keywords are recorded by the webhook itself.
RECORDED_BY_TEAM = [(value, label) for value, label in ConsentMethod.choices if value != ConsentMethod.SMS_KEYWORD]


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    granted = forms.TypedChoiceField(
        label=_("Choice"),
        choices=[("1", _("Yes: send reminders")), ("0", _("No: send nothing"))],
        coerce=lambda value: value == "1",
    )
    method = forms.ChoiceField(label=_("How the person said so"), choices=RECORDED_BY_TEAM)


class DigestForm(forms.Form):
    active = forms.BooleanField(label=_("Send me the morning digest of what is due in 7 days"), required=False)
