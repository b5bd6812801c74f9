"""The form of the events page: an event's name, times, place, jurisdiction and time zone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Jurisdiction

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=WHEN)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=WHEN, required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), choices=Jurisdiction.choices)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="America/New_York")
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
