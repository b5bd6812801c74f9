"""Forms of the custody pages: assigning jail support to an event, the hotline's quick entry,
moving an arrestee on the board, finding the arrest an entry is about and linking it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import FREE_TEXT_WARNING, Arrest, CustodyStatus, Event
from cases.types import User
from custody.models import CustodyPlace, HotlineKind, PlaceKind
from custody.services.hotline import HotlineInput


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class JailSupportAssignForm(forms.Form):
    ASSIGN = "assign"
    UNASSIGN = "unassign"

    user = AccountChoiceField(label=_("Jail-support account"), queryset=User.objects.none())
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none(), to_field_name="public_id")
    action = forms.ChoiceField(
        choices=[(ASSIGN, _("Assign")), (UNASSIGN, _("Remove"))], initial=ASSIGN, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, accounts: QuerySet[User], events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(AccountChoiceField, self.fields["user"]).queryset = accounts
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = events


def _text(label: Any, *, help_text: Any = "", rows: int = 2, max_length: int = 2000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class HotlineEntryForm(forms.Form):
    """The quick entry (under 30 seconds on a phone): who it is about is the one required field."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("What is this"), choices=HotlineKind.choices, initial=HotlineKind.CALL)
    received_at = forms.DateTimeField(
        label=_("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    about = _text(
        _("About whom"),
        help_text=_("A name, or a description if not known: clothing, age, where taken."),
        max_length=500,
    )
    place = forms.ModelChoiceField(
        label=_("Held at"), queryset=CustodyPlace.objects.none(), required=False, to_field_name="public_id"
    )
    medical_needs = _text(_("Medical needs (medication, disability, injury)"))
    hurt_by_force = forms.BooleanField(label=_("Hurt by police force"), required=False)
    injuries = _text(
        _("How they were hurt"),
        help_text=_("What the police did and the injury, e.g. hit with a baton, pepper spray in the eyes."),
    )
    seen = _text(_("What they saw"), help_text=FREE_TEXT_WARNING)
    waiting_outside = _text(_("Who is waiting outside"), rows=1, max_length=500)
    belongings = _text(_("Property"), rows=1, max_length=500)
    caller_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    caller_contact = forms.CharField(label=_("Caller's phone or e-mail"), max_length=200, required=False)
    contact_consent = forms.BooleanField(label=_("The caller agrees to be contacted"), required=False)

    def __init__(self, *args: Any, places: QuerySet[CustodyPlace], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["place"]).queryset = places
        self.fields["about"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("caller_contact") and not data.get("contact_consent"):
            self.add_error("contact_consent", _("Keep the caller's contact only if they agree."))
        return data

    def hotline_input(self, event: Event) -> HotlineInput:
        data = self.cleaned_data
        return HotlineInput(
            event=event,
            kind=data["kind"],
            received_at=data["received_at"],
            about=data["about"],
            place=data["place"],
            medical_needs=data["medical_needs"],
            hurt_by_force=data["hurt_by_force"],
            injuries=data["injuries"],
            seen=data["seen"],
            waiting_outside=data["waiting_outside"],
            belongings=data["belongings"],
            caller_name=data["caller_name"],
            caller_contact=data["caller_contact"],
            contact_consent=data["contact_consent"],
        )


class ArrestMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=CustodyStatus.choices)
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=CustodyPlace.objects.none(), required=False, to_field_name="public_id"
    )

    def __init__(self, *args: Any, places: QuerySet[CustodyPlace], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["place"]).queryset = places


class HotlineLinkForm(forms.Form):
    arrest = forms.ModelChoiceField(
        label=_("About"), queryset=Arrest.objects.none(), required=False, to_field_name="public_id"
    )

    def __init__(self, *args: Any, arrests: QuerySet[Arrest], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["arrest"]).queryset = arrests


class ArrestSearchForm(forms.Form):
    """Which arrest an entry is about, found like a case on the case list (a name is sent in the
    POST body, never in a URL)."""

    q = forms.CharField(
        label=_("Find the arrest"),
        max_length=200,
        help_text=_("Case number, citation or docket number, or a person's full name (exact)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class CustodyPlaceForm(forms.Form):
    """A place of custody: its name (what volunteers and the board call it), kind and address."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("As volunteers say it, e.g. “9th Police District”."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PlaceKind.choices, initial=PlaceKind.DISTRICT)
    address = forms.CharField(label=_("Address (optional)"), max_length=200, required=False)
