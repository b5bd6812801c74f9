"""Demonstrators, cases and arrests: personal data, for assigned lawyers and coordinators."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import (
    BoundedDateField,
    InputSerializer,
    OutputSerializer,
    PlainInputSerializer,
    ScopedRelatedField,
)
from cases.access import case_list_visible_to, demonstrator_list_visible_to, event_list_visible_to
from cases.models import Arrest, Case, Demonstrator, Event
from cases.permissions import users_who_may
from cases.services import CLOSE_NOTE_MAX

PERSON_FIELDS = [
    "legal_name", "preferred_name", "conceal_legal_name", "date_of_birth", "phone", "email", "postal_address",
    "preferred_language", "pronouns", "support_contact", "special_needs", "support_notes",
    "consent_share_with_lawyers", "consent_contact_sms", "consent_contact_phone",
]  # fmt: skip
PERSON_ENCRYPTED = [
    "legal_name", "preferred_name", "date_of_birth", "phone", "email", "postal_address", "preferred_language",
    "pronouns", "support_contact", "special_needs", "support_notes",
]  # fmt: skip


class DemonstratorOutput(OutputSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Demonstrator
        fields = ["id", "display_name", *PERSON_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields
        personal_fields = PERSON_ENCRYPTED


class DemonstratorInput(InputSerializer):
    ignored_fields = frozenset({"id", "display_name", "created_at", "updated_at"})

    class Meta:
        model = Demonstrator
        fields = PERSON_FIELDS
        extra_kwargs = {"legal_name": {"required": True, "allow_blank": False}}


class DemonstratorUpdate(DemonstratorInput):
    class Meta(DemonstratorInput.Meta):
        extra_kwargs = {"legal_name": {"allow_blank": False}}


class DemonstratorSearchInput(PlainInputSerializer):
    """Exact match only, through the blind indexes. At least one of name, phone, email."""

    name = serializers.CharField(required=False, max_length=200, help_text=_("Legal or preferred name, exact."))
    phone = serializers.CharField(required=False, max_length=40)
    email = serializers.CharField(required=False, max_length=254)
    date_of_birth = BoundedDateField(required=False, help_text=_("With a name: legal name and birth date."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs.get(k) for k in ("name", "phone", "email")):
            raise serializers.ValidationError(_("Give a name, a phone number or an e-mail address."))
        if attrs.get("date_of_birth") and not attrs.get("name"):
            raise serializers.ValidationError({"date_of_birth": [_("A birth date is matched with a name.")]})
        return attrs


class CaseOutput(OutputSerializer):
    event = serializers.UUIDField(source="event.public_id", read_only=True)
    event_name = serializers.CharField(source="event.name", read_only=True)
    demonstrator = serializers.UUIDField(source="demonstrator.public_id", read_only=True)
    client_name = serializers.CharField(source="demonstrator.display_name", read_only=True)
    lawyers = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id", "number", "event", "event_name", "demonstrator", "client_name", "status", "lawyers", "opened_on",
            "closed_on", "retention_until", "lawyer_notes", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
        personal_fields = ["demonstrator.legal_name", "demonstrator.preferred_name", "lawyer_notes"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_lawyers(self, case: Case) -> list[str]:
        # A plain list when the view prefetched it (no queryset built per row), else the relation.
        lawyers = getattr(case, "lawyer_list", None)
        return sorted(user.username for user in (lawyers if lawyers is not None else case.lawyers.all()))


class CaseInput(InputSerializer):
    ignored_fields = frozenset(
        {"id", "number", "event_name", "client_name", "status", "lawyers", "closed_on", "retention_until",
         "created_at", "updated_at"}
    )  # fmt: skip
    event = ScopedRelatedField(model=Event, scope=event_list_visible_to)
    demonstrator = ScopedRelatedField(model=Demonstrator, scope=demonstrator_list_visible_to)

    class Meta:
        model = Case
        fields = ["event", "demonstrator", "opened_on"]
        validators: list[Any] = []  # the one-case-per-person-per-event rule is checked by the service


class CaseUpdate(InputSerializer):
    ignored_fields = CaseInput.ignored_fields | {"event", "demonstrator", "opened_on"}

    class Meta:
        model = Case
        fields = ["lawyer_notes"]


class CaseAssignInput(PlainInputSerializer):
    lawyers = serializers.ListField(
        child=serializers.CharField(max_length=150), max_length=20, help_text=_("Usernames of lawyers.")
    )

    def validate_lawyers(self, names: list[str]) -> list[Any]:
        # The accounts the permission table lets represent a client (role precedence included).
        users = list(users_who_may("cases.represent").filter(username__in=set(names)))
        found = {u.username for u in users}
        if found != set(names):
            raise serializers.ValidationError(_("Every name must be an active lawyer's username."))
        return users


class CaseCloseInput(PlainInputSerializer):
    closed_on = BoundedDateField(required=False)
    confirm = serializers.BooleanField(
        default=False,
        help_text="Close although matters are pending (open citations or deadlines, holds): the 409 lists them.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=CLOSE_NOTE_MAX,
        help_text="Why the case closes anyway (required with confirm; stored encrypted).",
    )  # fmt: skip


ARREST_FIELDS = [
    "arrested_at", "place", "arresting_unit", "charges", "custody_status", "released_at", "bail_amount",
    "bail_paid_by", "property_returned", "injured", "police_report_number",
]  # fmt: skip


class ArrestOutput(OutputSerializer):
    case = serializers.UUIDField(source="case.public_id", read_only=True)

    class Meta:
        model = Arrest
        fields = ["id", "case", *ARREST_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields
        personal_fields = ["arrested_at", "charges", "custody_status", "police_report_number", "injured"]


class ArrestInput(InputSerializer):
    ignored_fields = frozenset({"id", "created_at", "updated_at"})
    case = ScopedRelatedField(model=Case, scope=case_list_visible_to)

    class Meta:
        model = Arrest
        fields = ["case", *ARREST_FIELDS]


class ArrestUpdate(InputSerializer):
    ignored_fields = frozenset({"id", "case", "created_at", "updated_at"})

    class Meta:
        model = Arrest
        fields = ARREST_FIELDS
