"""Excessive-force complaints and witness statements (personal; lawyers of the case, coordinators)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.serializers.base import InputSerializer, OutputSerializer, ScopedRelatedField
from api.serializers.incidents import ForceTypeCodes
from cases.access import (
    case_list_visible_to,
    complaint_list_visible_to,
    incident_list_visible_to,
    officer_list_visible_to,
)
from cases.models import Case, ExcessiveForceComplaint, ForceType, Incident, Officer, WitnessStatement

COMPLAINT_FIELDS = ["narrative", "injuries", "treatment", "forum", "filed_on", "reference_number", "status", "outcome"]


class ComplaintOutput(OutputSerializer):
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    incidents: serializers.SlugRelatedField[Incident] = serializers.SlugRelatedField(
        slug_field="public_id", many=True, read_only=True
    )
    officers: serializers.SlugRelatedField[Officer] = serializers.SlugRelatedField(
        slug_field="public_id", many=True, read_only=True
    )
    force_types: serializers.SlugRelatedField[ForceType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = ExcessiveForceComplaint
        fields = ["id", "case", "incidents", "officers", "force_types", *COMPLAINT_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields
        personal_fields = ["narrative", "injuries", "treatment"]


class ComplaintInput(InputSerializer):
    ignored_fields = frozenset({"id", "created_at", "updated_at"})
    case = ScopedRelatedField(model=Case, scope=case_list_visible_to)
    incidents = serializers.ListField(
        child=ScopedRelatedField(model=Incident, scope=incident_list_visible_to), required=False, max_length=50
    )
    officers = serializers.ListField(
        child=ScopedRelatedField(model=Officer, scope=officer_list_visible_to), required=False, max_length=50
    )
    force_types = serializers.ListField(child=ForceTypeCodes(), required=False, max_length=20)

    class Meta:
        model = ExcessiveForceComplaint
        fields = ["case", "incidents", "officers", "force_types", *COMPLAINT_FIELDS]


class ComplaintUpdate(ComplaintInput):
    ignored_fields = frozenset({"id", "case", "created_at", "updated_at"})

    class Meta(ComplaintInput.Meta):
        fields = ["incidents", "officers", "force_types", *COMPLAINT_FIELDS]


STATEMENT_FIELDS = ["anonymous", "witness_name", "witness_contact", "statement", "taken_at"]


class StatementOutput(OutputSerializer):
    taken_by = serializers.CharField(source="taken_by.username", read_only=True, allow_null=True, default=None)
    incident: serializers.SlugRelatedField[Incident] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    complaint: serializers.SlugRelatedField[ExcessiveForceComplaint] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    case: serializers.SlugRelatedField[Case] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = WitnessStatement
        fields = ["id", *STATEMENT_FIELDS, "taken_by", "incident", "complaint", "case", "created_at", "updated_at"]
        read_only_fields = fields
        personal_fields = ["witness_name", "witness_contact", "statement"]


class StatementInput(InputSerializer):
    ignored_fields = frozenset({"id", "taken_by", "created_at", "updated_at"})
    incident = ScopedRelatedField(model=Incident, scope=incident_list_visible_to, required=False, allow_null=True)
    complaint = ScopedRelatedField(
        model=ExcessiveForceComplaint, scope=complaint_list_visible_to, required=False, allow_null=True
    )
    case = ScopedRelatedField(model=Case, scope=case_list_visible_to, required=False, allow_null=True)

    class Meta:
        model = WitnessStatement
        fields = [*STATEMENT_FIELDS, "incident", "complaint", "case"]
        extra_kwargs = {"statement": {"required": True, "allow_blank": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not any(attrs.get(k) for k in ("incident", "complaint", "case")):
            raise serializers.ValidationError(_("Link the statement to an incident, a complaint or a case."))
        if attrs.get("anonymous"):
            attrs["witness_name"] = ""
            attrs["witness_contact"] = ""
        return attrs


class StatementUpdate(InputSerializer):
    ignored_fields = frozenset({"id", "taken_by", "incident", "complaint", "case", "created_at", "updated_at"})

    class Meta:
        model = WitnessStatement
        fields = STATEMENT_FIELDS
        extra_kwargs = {"statement": {"allow_blank": False}}
