"""Forms of the bulk actions: a mass disposition's filters, a refund owed, many cases for one
lawyer. Each action is previewed first; the confirmation posts the same fields with confirm=yes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Event, Payer
from cases.types import User
from citations.models import MASS_DECISIONS, CitationKind

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
# What a mass disposition records: the city or the prosecution drops a whole kind of citation.


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Event) -> str:
        return obj.name


class MassDispositionForm(forms.Form):
    event = EventChoiceField(label=_("Event"), queryset=Event.objects.none(), to_field_name="public_id")
    kind = forms.ChoiceField(label=_("Kind of citation"), choices=CitationKind.choices)
    issued_from = forms.DateField(label=_("Issued from"), **DATE)  # type: ignore[arg-type]  # widget only
    issued_to = forms.DateField(label=_("Issued until (included)"), **DATE)  # type: ignore[arg-type]  # widget only
    disposition = forms.ChoiceField(label=_("Decision"), choices=MASS_DECISIONS)
    decided_on = forms.DateField(label=_("Decided on"), initial=timezone.localdate, **DATE)  # type: ignore[arg-type]  # widget only

    def __init__(self, *args: Any, events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(EventChoiceField, self.fields["event"]).queryset = events

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("issued_from") and data.get("issued_to") and data["issued_to"] < data["issued_from"]:
            self.add_error("issued_to", _("The last day comes after the first."))
        return data


class RefundForm(forms.Form):
    citation = forms.UUIDField(widget=forms.HiddenInput)
    payer = forms.ChoiceField(label=_("Paid back to"), choices=Payer.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=10, decimal_places=2, min_value=0)
    paid_on = forms.DateField(label=_("Refunded on"), initial=timezone.localdate, **DATE)  # type: ignore[arg-type]  # widget only
    reference = forms.CharField(label=_("Reference (cheque, transfer)"), max_length=120, required=False)


class LawyerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return obj.number


class BulkAssignForm(forms.Form):
    lawyer = LawyerChoiceField(label=_("Lawyer"), queryset=User.objects.none())
    cases = CaseChoiceField(
        label=_("Cases"), queryset=Case.objects.none(), to_field_name="public_id", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, lawyers: QuerySet[User], cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(LawyerChoiceField, self.fields["lawyer"]).queryset = lawyers
        cast(CaseChoiceField, self.fields["cases"]).queryset = cases
