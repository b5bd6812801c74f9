"""Evidence: multipart upload (type sniffed from content, size limited), metadata reads, and a
permission-checked download that streams the file as an attachment and logs custody."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from api.filters import EvidenceFilter
from api.parsers import BoundedMultiPartParser
from api.serializers.evidence import EvidenceInput, EvidenceOutput
from api.uploads import sniff
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin
from cases.access import evidence_list_visible_to
from cases.models import CustodyAction, Evidence
from cases.services import evidence_add, evidence_log_access

EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic", "image/heif": ".heif",
    "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm", "video/3gpp": ".3gp",
    "application/pdf": ".pdf", "text/plain": ".txt",
}  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="List evidence in scope (metadata only)"),
    retrieve=extend_schema(summary="One evidence file's metadata"),
    create=extend_schema(
        summary="Upload an evidence file (multipart)",
        description="The type is sniffed from the content: photos, videos, PDF and plain text only.",
        request={"multipart/form-data": EvidenceInput},
        responses={201: EvidenceOutput},
    ),
)
class EvidenceViewSet(ListMixin, RetrieveMixin, CreateMixin, ApiViewSet):
    area = "evidence"
    output_serializer_class = EvidenceOutput
    input_serializer_class = EvidenceInput
    filterset_class = EvidenceFilter

    def get_parsers(self) -> list[Any]:
        if getattr(self, "action", None) == "create" or self.request is None or self.request.method == "POST":
            return [BoundedMultiPartParser()]
        return super().get_parsers()

    def get_queryset(self) -> QuerySet[Evidence]:
        return (
            evidence_list_visible_to(user=self.request.user)
            .select_related("uploaded_by", "incident", "complaint", "case")
            .order_by("-created_at", "-id")
        )

    def perform_create(self, data: dict[str, Any]) -> Evidence:
        upload = data.pop("file")
        found = sniff(upload)
        if found is None:
            raise serializers.ValidationError({"file": ["This type of file is not accepted."]})
        links = {k: data[k] for k in ("incident", "complaint", "case") if data.get(k) is not None}
        evidence = evidence_add(
            upload=upload,
            kind=data.get("kind") or found.kind,
            content_type=found.content_type,
            by=self.request.user,
            description=data.get("description", ""),
            captured_at=data.get("captured_at"),
            **links,
        )
        return (
            self.get_queryset()
            .model.objects.select_related("uploaded_by", "incident", "complaint", "case")
            .get(pk=evidence.pk)
        )

    @extend_schema(
        summary="Download the file (as an attachment; the access is logged in the chain of custody)",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], operation="download")
    def download(self, request: Request, id: str) -> FileResponse:
        evidence = self.get_object()
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise NotFound() from None
        evidence_log_access(evidence=evidence, by=request.user, action=CustodyAction.DOWNLOADED, request=request)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"evidence-{evidence.public_id}{EXTENSIONS.get(evidence.content_type, '')}",
            content_type=evidence.content_type or "application/octet-stream",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
