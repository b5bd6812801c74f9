"""The claims app over the API: allegations of complaints and their findings; a photo's blur
regions, face proposals and blurred copy (the `evidence.blur` row); an incident's preservation
plans, letters (PDF) and the record of their sending (`preservation.read`, `preservation.send`).
Thin: scopes from cases.access and claims.access (out of scope: 404), reads from claims.selectors,
writes through claims.services, PDFs from claims.exports, as the pages do."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.idempotency import idempotent
from api.permissions import AreaPermission
from api.serializers.claims import (
    AllegationInput,
    AllegationOutput,
    AllegationUpdate,
    BlurInput,
    BlurOutput,
    FaceProposalsOutput,
    PreservationLetterOutput,
    PreservationPlanOutput,
    PreservationSentInput,
)
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import evidence_list_visible_to, get_visible_or_404, incident_list_visible_to
from cases.audit import audit_record
from cases.models import CustodyAction, Evidence, Incident
from cases.services import SHARED_COPY_TYPE, evidence_log_access
from cases.types import signed_in
from claims.access import allegation_list_visible_to
from claims.exports import preservation_letter_pdf
from claims.models import Allegation
from claims.selectors import (
    blur_regions_of,
    blurred_bytes,
    blurred_copy_of,
    preservation_letters_of,
    preservation_plans,
)
from claims.services import (
    allegation_create,
    allegation_update,
    blur_regions_set,
    face_proposals_for,
    preservation_letter_record,
)
from core.downloads import attachment_response
from documents.context import is_photo
from documents.photos import Region


@extend_schema_view(
    list=extend_schema(summary="List allegations in scope"),
    retrieve=extend_schema(summary="One allegation"),
    create=extend_schema(summary="Add an allegation to a complaint", responses={201: AllegationOutput}),
    partial_update=extend_schema(summary="Record a finding, discipline or dates"),
)
class AllegationViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "allegations"
    output_serializer_class = AllegationOutput
    input_serializer_class = AllegationInput
    update_serializer_class = AllegationUpdate

    def get_queryset(self) -> QuerySet[Allegation]:
        return allegation_list_visible_to(user=self.request.user).order_by("id")

    def perform_create(self, data: dict[str, Any]) -> Allegation:
        complaint = data.pop("complaint")
        allegation = allegation_create(complaint=complaint, by=signed_in(self.request.user), **data)
        return self.get_queryset().get(pk=allegation.pk)

    def perform_update(self, instance: Allegation, data: dict[str, Any]) -> Allegation:
        allegation_update(allegation=instance, by=signed_in(self.request.user), **data)
        return self.get_queryset().get(pk=instance.pk)


# --- A photo's blur regions, face proposals and blurred copy (the `evidence.blur` row) ---------


def _photo(request: Request, id: UUID) -> Evidence:  # noqa: A002 - the route's name
    """A photo in the caller's scope (cases.access); anything else, missing or out of scope: 404."""
    user = signed_in(request.user)
    queryset = evidence_list_visible_to(user=user).select_related("case", "complaint__case", "incident")
    evidence = get_visible_or_404(queryset, id, user=user, request=request)
    if not is_photo(evidence):
        raise NotFound()
    return evidence


def _blur_state(evidence: Evidence) -> dict[str, Any]:
    return {
        "evidence": evidence.public_id,
        "regions": [list(region) for region in blur_regions_of(evidence=evidence)],
        "blurred_copy": blurred_copy_of(evidence=evidence),
    }


class BlurApi(APIView):
    """GET: a photo's saved blur regions and its blurred copy, if any. PUT: replace the regions
    (claims.services.blur_regions_set makes the blurred copy; no regions removes it)."""

    area = "evidence"
    operation = "blur"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="A photo's blur regions and blurred copy",
        description="The saved regions ([x, y, width, height] fractions of the photo) and the blurred copy's "
        "facts; its bytes are at blur/blurred.jpg.",
        responses={200: BlurOutput},
    )
    def get(self, request: Request, id: UUID) -> Response:  # noqa: A002 - the route's name
        evidence = _photo(request, id)
        return Response(BlurOutput(_blur_state(evidence)).data)

    @extend_schema(
        summary="Replace a photo's blur regions and make its blurred copy",
        description="Regions are [x, y, width, height] fractions of the photo. An empty list removes the "
        "blurred copy. The original is never touched.",
        request=BlurInput,
        responses={200: BlurOutput},
    )
    @idempotent
    def put(self, request: Request, id: UUID) -> Response:  # noqa: A002 - the route's name
        evidence = _photo(request, id)
        body = BlurInput(data=request.data)
        body.is_valid(raise_exception=True)
        regions: list[Region] = [(r[0], r[1], r[2], r[3]) for r in body.validated_data["regions"]]
        blur_regions_set(evidence=evidence, regions=regions, by=signed_in(request.user), request=request)
        return Response(BlurOutput(_blur_state(evidence)).data)


class FaceProposalsApi(APIView):
    area = "evidence"
    operation = "blur"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="Faces the detector proposes on a photo",
        description="Rectangles to check, not a decision: detected once per photo and stored. No face "
        "recognition: nothing identifies anyone.",
        responses={200: FaceProposalsOutput},
    )
    def get(self, request: Request, id: UUID) -> Response:  # noqa: A002 - the route's name
        evidence = _photo(request, id)
        regions = [list(region) for region in face_proposals_for(evidence=evidence)]
        return Response(FaceProposalsOutput({"evidence": evidence.public_id, "regions": regions}).data)


class BlurredCopyApi(APIView):
    area = "evidence"
    operation = "blur"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="The blurred copy of a photo (JPEG; logged in its chain of custody)",
        operation_id="evidence_blurred_copy",
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY), 404: None},
    )
    def get(self, request: Request, id: UUID) -> HttpResponse:  # noqa: A002 - the route's name
        evidence = _photo(request, id)
        data = blurred_bytes(evidence)
        if data is None:
            raise NotFound()
        evidence_log_access(evidence=evidence, by=signed_in(request.user), action=CustodyAction.VIEWED, request=request)
        return attachment_response(
            data=data, content_type=SHARED_COPY_TYPE, filename=f"evidence-{evidence.public_id}-blurred.jpg"
        )


# --- An incident's preservation plans and letters (`preservation.read`, `preservation.send`) ----


def _incident(request: Request, id: UUID) -> Incident:  # noqa: A002 - the route's name
    user = signed_in(request.user)
    queryset = incident_list_visible_to(user=user).select_related("event")
    return get_visible_or_404(queryset, id, user=user, request=request)


class PreservationPlansApi(APIView):
    area = "preservation"
    operation = "read"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="Per record holder: the records at risk, the earliest deletion, the send-by day, letters sent",
        responses={200: PreservationPlanOutput(many=True)},
    )
    def get(self, request: Request, id: UUID) -> Response:  # noqa: A002 - the route's name
        incident = _incident(request, id)
        plans = preservation_plans(incident=incident)
        audit_record(actor=request.user, action="api.preservation.read", target=incident, request=request)
        return Response(PreservationPlanOutput(plans, many=True).data)


class PreservationLettersApi(APIView):
    """GET: the letters recorded for an incident. POST: record that one was sent (when, how, any
    tracking number); its send-by day is computed by the deadline engine."""

    area = "preservation"
    permission_classes = [AreaPermission]

    @property
    def operation(self) -> str:
        return "send" if self.request.method == "POST" else "read"

    @extend_schema(
        summary="The preservation letters recorded for an incident",
        responses={200: PreservationLetterOutput(many=True)},
    )
    def get(self, request: Request, id: UUID) -> Response:  # noqa: A002 - the route's name
        incident = _incident(request, id)
        letters = list(preservation_letters_of(incident=incident))
        audit_record(
            actor=request.user, action="api.preservation.letters", target=incident, request=request, count=len(letters)
        )
        return Response(PreservationLetterOutput(letters, many=True).data)

    @extend_schema(
        summary="Record that a preservation letter was sent",
        request=PreservationSentInput,
        responses={201: PreservationLetterOutput},
    )
    @idempotent
    def post(self, request: Request, id: UUID) -> Response:  # noqa: A002 - the route's name
        incident = _incident(request, id)
        body = PreservationSentInput(data=request.data)
        body.is_valid(raise_exception=True)
        letter = preservation_letter_record(incident=incident, by=signed_in(request.user), **body.validated_data)
        stored = preservation_letters_of(incident=incident).get(pk=letter.pk)
        return Response(PreservationLetterOutput(stored).data, status=status.HTTP_201_CREATED)


class PreservationLetterPdfApi(APIView):
    area = "preservation"
    operation = "send"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="The preservation letter to one record holder (PDF); it names no client",
        operation_id="incidents_preservation_letter_pdf",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: None},
    )
    def get(self, request: Request, id: UUID, recipient: str) -> HttpResponse:  # noqa: A002 - the route's name
        incident = _incident(request, id)
        plan = next((p for p in preservation_plans(incident=incident) if p.recipient == recipient and p.kinds), None)
        if plan is None:
            raise NotFound()
        audit_record(actor=request.user, action="preservation.letter", target=incident, request=request, kind=recipient)
        return attachment_response(
            data=preservation_letter_pdf(incident=incident, plan=plan),
            content_type="application/pdf",
            filename=f"preservation-{recipient}-{incident.public_id}.pdf",
        )
