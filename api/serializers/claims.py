"""Allegations of complaints and their findings (lawyers of the case, coordinators)."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer, OutputSerializer, ScopedRelatedField
from api.serializers.incidents import ForceTypeCodes
from cases.access import complaint_list_visible_to, incident_list_visible_to, officer_list_visible_to
from cases.models import ExcessiveForceComplaint, ForceType, Incident, Officer
from claims.models import Allegation

ALLEGATION_FIELDS = ["finding", "discipline", "oversight_body", "body_case_number", "filed_on", "decided_on"]


class AllegationOutput(OutputSerializer):
    complaint = serializers.UUIDField(source="complaint.public_id", read_only=True)
    officer: serializers.SlugRelatedField[Officer] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True
    )
    force_type: serializers.SlugRelatedField[ForceType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    incident: serializers.SlugRelatedField[Incident] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True
    )

    class Meta:
        model = Allegation
        fields = [
            "id",
            "complaint",
            "officer",
            "force_type",
            "incident",
            *ALLEGATION_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        personal_fields: list[str] = []


class AllegationInput(InputSerializer):
    ignored_fields = frozenset({"id", "created_at", "updated_at"})
    complaint = ScopedRelatedField(model=ExcessiveForceComplaint, scope=complaint_list_visible_to)
    officer = ScopedRelatedField(model=Officer, scope=officer_list_visible_to, required=False, allow_null=True)
    force_type = ForceTypeCodes(required=False, allow_null=True)
    incident = ScopedRelatedField(model=Incident, scope=incident_list_visible_to, required=False, allow_null=True)

    class Meta:
        model = Allegation
        fields = ["complaint", "officer", "force_type", "incident", *ALLEGATION_FIELDS]


class AllegationUpdate(AllegationInput):
    ignored_fields = frozenset({"id", "complaint", "created_at", "updated_at"})

    class Meta(AllegationInput.Meta):
        fields = ["officer", "force_type", "incident", *ALLEGATION_FIELDS]
