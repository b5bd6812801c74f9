"""Evidence files: uploaded as multipart, hashed on arrival, downloaded only through a checked route."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import BoundedDateTimeField, OutputSerializer, PlainInputSerializer, ScopedRelatedField
from cases.access import case_list_visible_to, complaint_list_visible_to, incident_list_visible_to
from cases.models import Case, Evidence, EvidenceKind, ExcessiveForceComplaint, Incident


class EvidenceOutput(OutputSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, allow_null=True, default=None)
    incident: serializers.SlugRelatedField[Incident] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    complaint: serializers.SlugRelatedField[ExcessiveForceComplaint] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    case: serializers.SlugRelatedField[Case] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id", "kind", "content_type", "size", "sha256", "client_sha256", "client_hash_matched",
            "metadata_stripped", "captured_at", "uploaded_by",
            "description", "incident",
            "complaint", "case", "download_url", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
        personal_fields = ["description"]

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, evidence: Evidence) -> str:
        return reverse("api:evidence-download", kwargs={"id": evidence.public_id})


class EvidenceInput(PlainInputSerializer):
    file = serializers.FileField(allow_empty_file=False, max_length=255)
    kind = serializers.ChoiceField(
        choices=EvidenceKind.choices, required=False, help_text=_("Default: from the file's content.")
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    captured_at = BoundedDateTimeField(required=False, allow_null=True)
    client_sha256 = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        required=False,
        help_text=_(
            "The file's SHA-256 computed before upload (lowercase hex): the server records whether it matched."
        ),
    )
    incident = ScopedRelatedField(model=Incident, scope=incident_list_visible_to, required=False, allow_null=True)
    complaint = ScopedRelatedField(
        model=ExcessiveForceComplaint, scope=complaint_list_visible_to, required=False, allow_null=True
    )
    case = ScopedRelatedField(model=Case, scope=case_list_visible_to, required=False, allow_null=True)

    def validate_file(self, upload: Any) -> Any:
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise serializers.ValidationError(_("The file is too large."))
        return upload

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs.get(k) for k in ("incident", "complaint", "case")):
            raise serializers.ValidationError(_("Link the file to an incident, a complaint or a case."))
        return attrs
