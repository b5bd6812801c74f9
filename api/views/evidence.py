"""Evidence: multipart upload (type sniffed from content, size limited), metadata reads, and a
permission-checked download that streams the file as an attachment and logs custody."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from api.filters import EvidenceFilter
from api.parsers import BoundedMultiPartParser
from api.serializers.evidence import EvidenceInput, EvidenceOutput
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin
from cases.access import evidence_list_visible_to
from cases.models import Evidence
from cases.services import evidence_add, evidence_open
from cases.types import signed_in
from core.downloads import attachment_response


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
        links = {k: data[k] for k in ("incident", "complaint", "case") if data.get(k) is not None}
        evidence = evidence_add(  # sniffs the type from the content and refuses what it must
            upload=upload,
            kind=data.get("kind") or "",
            content_type="",
            by=signed_in(self.request.user),
            description=data.get("description", ""),
            captured_at=data.get("captured_at"),
            client_sha256=data.get("client_sha256", ""),
            **links,
        )
        return (
            self.get_queryset()
            .model.objects.select_related("uploaded_by", "incident", "complaint", "case")
            .get(pk=evidence.pk)
        )

    @extend_schema(
        summary="Download the file as an attachment (logged in the chain of custody)",
        description=(
            "People get the copy without metadata (photos are re-encoded without EXIF/GPS). Coordinators may ask "
            "for the original exactly as uploaded with ?original=true (checked against its SHA-256)."
        ),
        parameters=[OpenApiParameter("original", bool, description="The original as uploaded (coordinators).")],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], operation="download")
    def download(self, request: Request, id: str) -> HttpResponse:
        evidence = self.get_object()
        original = request.query_params.get("original", "").lower() in ("1", "true", "yes")
        try:
            blob = evidence_open(evidence=evidence, by=signed_in(request.user), request=request, original=original)
        except FileNotFoundError:
            raise NotFound() from None
        return attachment_response(
            data=blob.data, content_type=blob.content_type or "application/octet-stream", filename=blob.filename
        )
