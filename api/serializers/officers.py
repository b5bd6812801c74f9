"""Officers: public employees acting in public (name, badge, unit and agency are not personal data)."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer, OutputSerializer, ScopedRelatedField
from cases.access import officer_list_visible_to
from cases.models import Officer

OFFICER_FIELDS = [
    "agency", "name", "badge_number", "badge_status", "payroll_number", "unit", "helmet_number", "vehicle_number",
    "description",
]  # fmt: skip


class OfficerOutput(OutputSerializer):
    merged_into: serializers.SlugRelatedField[Officer] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Officer
        fields = ["id", *OFFICER_FIELDS, "merged_into", "created_at", "updated_at"]
        read_only_fields = fields
        personal_fields: list[str] = []


class OfficerInput(InputSerializer):
    ignored_fields = frozenset({"id", "merged_into", "created_at", "updated_at"})

    class Meta:
        model = Officer
        fields = OFFICER_FIELDS


class OfficerMergeInput(serializers.Serializer):
    into = ScopedRelatedField(model=Officer, scope=officer_list_visible_to, help_text="The officer to keep.")
