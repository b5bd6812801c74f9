"""Forms of the claims pages: an allegation of a complaint and its finding; a preservation letter sent."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Incident, Officer
from claims.models import Allegation, RecordHolder, SentHow


class AllegationForm(forms.ModelForm[Allegation]):
    """The choices of officers and incidents come from the caller's scopes (the view passes them)."""

    class Meta:
        model = Allegation
        fields = [
            "officer",
            "force_type",
            "incident",
            "finding",
            "discipline",
            "oversight_body",
            "body_case_number",
            "filed_on",
            "decided_on",
        ]
        labels = {
            "officer": _("Officer"),
            "force_type": _("Force type"),
            "incident": _("Incident"),
            "finding": _("Finding"),
            "discipline": _("Discipline"),
            "oversight_body": _("Oversight body"),
            "body_case_number": _("The body's case number"),
            "filed_on": _("Filed on"),
            "decided_on": _("Decided on"),
        }
        widgets = {
            "filed_on": forms.DateInput(attrs={"type": "date"}),
            "decided_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, officers: QuerySet[Officer], incidents: QuerySet[Incident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Officer], self.fields["officer"]).queryset = officers
        cast(forms.ModelChoiceField[Incident], self.fields["incident"]).queryset = incidents

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PreservationSentForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Sent to"), choices=RecordHolder.choices)
    sent_at = forms.DateTimeField(label=_("Sent at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    sent_how = forms.ChoiceField(label=_("Sent how"), choices=SentHow.choices)
    reference = forms.CharField(label=_("Tracking or message number"), max_length=120, required=False)
