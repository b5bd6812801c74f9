"""Forms of the intake desk: one person's night in one form (person, event, arrest, citations),
the duplicate suggestions' query, a release, and a merge's confirmation. They only parse input;
custody.services decides and says why not."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import FREE_TEXT_WARNING, CustodyStatus, Event
from cases.services import ArrestChanges, DemonstratorFields
from citations.models import CitationKind
from custody.selectors.duplicates import Typed
from custody.services.intake import IntakeCitation
from web.forms.desk import DATETIME_FORMATS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PERSON_TEXT = ["legal_name", "preferred_name", "pronouns", "phone", "email", "support_contact", "special_needs"]


def _datetime(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET, required=required, help_text=help_text
    )


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return cast(Event, obj).name


class IntakeForm(forms.Form):
    event = EventChoiceField(
        queryset=Event.objects.none(), label=_("Event"), empty_label=None, to_field_name="public_id"
    )
    existing_person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # The person (left out when an existing record is chosen)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    preferred_name = forms.CharField(label=_("Preferred name"), max_length=200, required=False)
    conceal_legal_name = forms.BooleanField(label=_("Conceal the legal name"), required=False)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    support_contact = forms.CharField(
        label=_("Who to tell (support contact)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    special_needs = forms.CharField(
        label=_("Medical or special needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Medication on a schedule, disability, injury."),
    )
    consent_contact_sms = forms.BooleanField(label=_("Agrees to text messages"), required=False)
    consent_contact_phone = forms.BooleanField(label=_("Agrees to phone calls"), required=False)
    # The arrest (recorded when a time is given)
    arrested_at = _datetime(_("Arrested at"), required=False)
    arrest_place = forms.CharField(label=_("Where taken"), max_length=300, required=False)
    custody_status = forms.ChoiceField(label=_("Custody"), choices=CustodyStatus.choices, initial=CustodyStatus.HELD)
    charges = forms.CharField(
        label=_("Charges heard"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=FREE_TEXT_WARNING,
    )
    injured = forms.BooleanField(label=_("Injured"), required=False)
    police_report_number = forms.CharField(label=_("Police report number"), max_length=60, required=False)

    def __init__(self, *args: Any, events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(EventChoiceField, self.fields["event"]).queryset = events

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("existing_person") and not (data.get("legal_name") or "").strip():
            self.add_error("legal_name", _("Give the person's legal name, or choose an existing person."))
        if data.get("arrested_at") is None and any(
            data.get(name) for name in ("arrest_place", "charges", "injured", "police_report_number")
        ):
            self.add_error("arrested_at", _("Give the time of the arrest to record it."))
        return data

    def person_fields(self) -> DemonstratorFields | None:
        """The new person's fields; None when an existing person was chosen."""
        data = self.cleaned_data
        if data.get("existing_person"):
            return None
        fields: DemonstratorFields = {
            "legal_name": data["legal_name"].strip(),
            "preferred_name": data["preferred_name"].strip(),
            "conceal_legal_name": data["conceal_legal_name"],
            "pronouns": data["pronouns"],
            "date_of_birth": data["date_of_birth"],
            "phone": data["phone"],
            "email": data["email"],
            "support_contact": data["support_contact"],
            "special_needs": data["special_needs"],
            "consent_contact_sms": data["consent_contact_sms"],
            "consent_contact_phone": data["consent_contact_phone"],
        }
        return fields

    def arrest_fields(self) -> ArrestChanges | None:
        data = self.cleaned_data
        if data.get("arrested_at") is None:
            return None
        return {
            "arrested_at": data["arrested_at"],
            "place": data["arrest_place"],
            "custody_status": data["custody_status"],
            "charges": data["charges"],
            "injured": data["injured"],
            "police_report_number": data["police_report_number"],
        }


class CitationForm(forms.Form):
    number = forms.CharField(label=_("Citation number"), max_length=40)
    # A blank first choice: the browser sends a select's first option, which would otherwise make
    # an untouched extra row look filled in.
    kind = forms.ChoiceField(label=_("Kind"), choices=[*BLANK_CHOICE_DASH, *CitationKind.choices])
    offense_code = forms.CharField(label=_("Offense (statute)"), max_length=60, help_text=_("e.g. 18 Pa.C.S. § 5502"))
    issued_at = _datetime(_("Issued at"))
    fine = forms.DecimalField(label=_("Fine"), max_digits=10, decimal_places=2, min_value=0, required=False)
    hearing_at = _datetime(_("Hearing (notice to appear)"), required=False)
    courtroom = forms.CharField(label=_("Courtroom"), max_length=40, required=False)

    def citation(self) -> IntakeCitation:
        data = self.cleaned_data
        given: IntakeCitation = {
            "number": data["number"].strip(),
            "kind": data["kind"],
            "offense_code": data["offense_code"].strip(),
            "issued_at": data["issued_at"],
        }
        if data.get("fine") is not None:
            given["fine"] = data["fine"]
        if data.get("hearing_at") is not None:
            given["hearing_at"] = data["hearing_at"]
            given["courtroom"] = data["courtroom"]
        return given


class BaseCitationFormSet(forms.BaseFormSet):
    def citations(self) -> list[IntakeCitation]:
        """The filled-in citations, in order (empty extra rows are skipped)."""
        return [form.citation() for form in self.forms if form.has_changed() and form.cleaned_data]

    def apply_service_error(self, position: int, messages: list[str]) -> None:
        filled = [form for form in self.forms if form.has_changed() and form.cleaned_data]
        if 0 <= position < len(filled):
            filled[position].add_error(None, messages)


CitationFormSet = forms.formset_factory(
    CitationForm, formset=BaseCitationFormSet, extra=2, max_num=20, validate_max=True
)


def citation_formset(data: Any = None) -> BaseCitationFormSet:
    """The citation rows of the intake and release forms (prefix "citation")."""
    return cast(BaseCitationFormSet, CitationFormSet(data, prefix="citation"))


class DuplicateQueryForm(forms.Form):
    """What has been typed so far; posted (a name never goes in a URL)."""

    event = forms.UUIDField(required=False)
    legal_name = forms.CharField(max_length=200, required=False)
    preferred_name = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.CharField(max_length=254, required=False)
    date_of_birth = forms.DateField(required=False)

    def typed(self) -> Typed:
        data = self.cleaned_data
        return Typed(
            legal_name=data["legal_name"],
            preferred_name=data["preferred_name"],
            phone=data["phone"],
            email=data["email"],
            date_of_birth=data["date_of_birth"],
        )


class ReleaseForm(forms.Form):
    released_at = _datetime(_("Released at"))
    property_returned = forms.BooleanField(label=_("Property returned"), required=False)


class MergeForm(forms.Form):
    """Which of the two records is kept; the other's cases, citations and the rest move to it."""

    keep = forms.ChoiceField(label=_("Keep"), choices=[("first", _("First")), ("second", _("Second"))])
    confirm = forms.BooleanField(label=_("These two records are one person"))

    def clean_confirm(self) -> bool:
        if not self.cleaned_data.get("confirm"):
            raise ValidationError(_("Confirm that these records are one person."))
        return True
