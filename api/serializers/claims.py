"""The claims app over the API (lawyers of the case, coordinators): allegations of complaints and
their findings; a photo's blur regions, face proposals and blurred copy; an incident's
preservation plans and letters."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.base import (
    BoundedDateTimeField,
    InputSerializer,
    OutputSerializer,
    PlainInputSerializer,
    ScopedRelatedField,
)
from api.serializers.incidents import ForceTypeCodes
from cases.access import complaint_list_visible_to, incident_list_visible_to, officer_list_visible_to
from cases.models import ExcessiveForceComplaint, ForceType, Incident, Officer
from claims.models import Allegation, PreservationLetter, RecordHolder, RecordKind, SentHow
from claims.services import MAX_BLUR_REGIONS

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


# --- A photo's blur regions, face proposals and blurred copy --------------------------------


class RegionField(serializers.ListField):
    """One rectangle of a photo: [x, y, width, height], each a fraction of the photo (0 to 1)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.FloatField(min_value=0.0, max_value=1.0), min_length=4, max_length=4, **kwargs
        )


class BlurInput(PlainInputSerializer):
    regions = serializers.ListField(child=RegionField(), allow_empty=True, max_length=MAX_BLUR_REGIONS)


class BlurredCopyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    regions = serializers.IntegerField(read_only=True, help_text="How many regions it blurs.")
    size = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class BlurOutput(serializers.Serializer):
    evidence = serializers.UUIDField(read_only=True)
    regions = serializers.ListField(child=RegionField(), read_only=True)
    blurred_copy = BlurredCopyOutput(read_only=True, allow_null=True)


class FaceProposalsOutput(serializers.Serializer):
    evidence = serializers.UUIDField(read_only=True)
    regions = serializers.ListField(child=RegionField(), read_only=True)


# --- Preservation letters of an incident -----------------------------------------------------


class RecordKindOutput(serializers.ModelSerializer):
    class Meta:
        model = RecordKind
        fields = ["code", "label", "holder", "retention_days", "source", "verified"]
        read_only_fields = fields


class PreservationLetterOutput(OutputSerializer):
    incident = serializers.UUIDField(source="incident.public_id", read_only=True)
    record_kinds: serializers.SlugRelatedField[RecordKind] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    sent_in_time = serializers.BooleanField(read_only=True)

    class Meta:
        model = PreservationLetter
        fields = [
            "id", "incident", "recipient", "record_kinds", "send_by", "sent_at", "sent_how", "reference",
            "sent_in_time", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
        personal_fields: list[str] = []


class PreservationPlanOutput(serializers.Serializer):
    recipient = serializers.ChoiceField(choices=RecordHolder.choices, read_only=True)
    recipient_label = serializers.CharField(source="label", read_only=True)
    kinds = RecordKindOutput(many=True, read_only=True)
    deletion = serializers.DateField(read_only=True, allow_null=True, help_text="The earliest routine deletion.")
    send_by = serializers.DateField(read_only=True, allow_null=True, help_text="The day a letter must go out by.")
    days_left = serializers.IntegerField(read_only=True, allow_null=True)
    letters = PreservationLetterOutput(many=True, read_only=True)


class PreservationSentInput(PlainInputSerializer):
    recipient = serializers.ChoiceField(choices=RecordHolder.choices)
    sent_at = BoundedDateTimeField()
    sent_how = serializers.ChoiceField(choices=SentHow.choices)
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
