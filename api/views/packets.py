"""Filing packets over the API: one case's packet, a hearing docket, batches with progress, and
downloads. Thin: documents.services and documents.batches do the work and the auditing; every
lookup is scoped (a case, packet or batch out of scope is a 404 like a missing one)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import ConfirmationNeeded
from api.permissions import AreaPermission
from api.serializers.packets import (
    BatchInput,
    BatchOutputSerializer,
    CasePacketInput,
    DocketPacketInput,
    StoredPacketOutput,
)
from cases.access import case_for, complaint_list_visible_to, event_list_visible_to, get_visible_or_404
from cases.types import signed_in
from citations.access import citation_list_visible_to
from core.downloads import attachment_response
from documents.access import batch_list_visible_to, packet_list_visible_to
from documents.batches import batch_create, batch_download
from documents.models import PacketBatch, StoredPacket
from documents.services import ConfirmationRequired, packet_download, packet_for_case, packet_for_docket
from documents.storage import PacketResult, packet_filename

PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF")}


class PacketApi(GenericAPIView):
    area = "packets"
    permission_classes = [AreaPermission]
    operation = "create"

    def deliver(self, result: PacketResult, how: str) -> Any:
        if how == "reference":
            data = StoredPacketOutput(result.packet, context={"cached": result.cached}).data
            return Response(data, status=status.HTTP_200_OK if result.cached else status.HTTP_201_CREATED)
        response = attachment_response(data=result.pdf, content_type="application/pdf", filename=result.filename)
        response["X-Packet-SHA256"] = result.packet.sha256
        response["X-Packet-Cached"] = "1" if result.cached else "0"
        return response


class CasePacketApi(PacketApi):
    serializer_class = CasePacketInput

    @extend_schema(
        summary="Generate (or reuse) a packet for one case: case packet, complaint packet or plea letter",
        request=CasePacketInput,
        responses={**PDF_RESPONSE, 201: StoredPacketOutput, 409: OpenApiResponse(description="Confirmation needed")},
    )
    def post(self, request: Request, id: str) -> Any:
        case = case_for(user=request.user, case_id=id)
        serializer = CasePacketInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        complaint = citation = None
        if data.get("complaint"):
            complaint = get_visible_or_404(
                complaint_list_visible_to(user=request.user).filter(case=case), data["complaint"]
            )
        if data.get("citation"):
            citation = get_visible_or_404(
                citation_list_visible_to(user=request.user).filter(case=case), data["citation"]
            )
        try:
            result = packet_for_case(
                case=case, by=signed_in(request.user), kind=data["kind"], complaint=complaint, citation=citation,
                confirm=data["confirm"], request=request,
            )  # fmt: skip
        except ConfirmationRequired as exc:
            raise ConfirmationNeeded(exc.messages[0]) from None
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.messages) from None
        return self.deliver(result, data["deliver"])


class DocketPacketApi(PacketApi):
    serializer_class = DocketPacketInput

    @extend_schema(
        summary="The hearing docket for a date (and courtroom) over the caller's cases",
        request=DocketPacketInput,
        responses={**PDF_RESPONSE, 201: StoredPacketOutput},
    )
    def post(self, request: Request) -> Any:
        serializer = DocketPacketInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = packet_for_docket(
            by=signed_in(request.user), date=data["date"], courtroom=data["courtroom"], request=request
        )
        return self.deliver(result, data["deliver"])


class StoredPacketDownloadApi(PacketApi):
    operation = "download"

    @extend_schema(summary="Download a stored packet (the caller must see every case it holds)", responses=PDF_RESPONSE)
    def get(self, request: Request, id: str) -> HttpResponse:
        packet = get_visible_or_404(packet_list_visible_to(user=request.user), id)
        try:
            data = packet_download(packet=packet, by=signed_in(request.user), request=request)
        except StoredPacket.DoesNotExist:
            raise exceptions.NotFound() from None
        return attachment_response(data=data, content_type="application/pdf", filename=packet_filename(packet))


class BatchListApi(PacketApi):
    serializer_class = BatchInput
    pagination_class = None  # the newest 50, unpaginated: the schema must say a plain list
    queryset = PacketBatch.objects.none()  # for the schema; requests use batch_list_visible_to

    @property
    def operation(self) -> str:  # type: ignore[override]  # chosen per request method, a class attribute elsewhere
        return "create" if self.request.method == "POST" else "read"

    @extend_schema(summary="The caller's packet batches", responses={200: BatchOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        batches = batch_list_visible_to(user=request.user).order_by("-created_at")[:50]
        return Response(BatchOutputSerializer(batches, many=True).data)

    @extend_schema(
        summary="Start a batch: every case with a hearing on a date, or every case of an event",
        request=BatchInput,
        responses={202: BatchOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = BatchInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = None
        if data.get("event"):
            event = get_visible_or_404(event_list_visible_to(user=request.user), data["event"])
        try:
            batch = batch_create(
                by=signed_in(request.user), kind=data["kind"], hearing_date=data.get("hearing_date"),
                courtroom=data.get("courtroom", ""), event=event, output=data["output"], request=request,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.messages) from None
        batch.refresh_from_db()
        return Response(BatchOutputSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


class BatchDetailApi(PacketApi):
    operation = "read"

    @extend_schema(summary="A batch's progress: done/total, failed cases, download link when done",
                   responses={200: BatchOutputSerializer})  # fmt: skip
    def get(self, request: Request, id: str) -> Response:
        batch = get_visible_or_404(batch_list_visible_to(user=request.user), id)
        response = Response(BatchOutputSerializer(batch).data)
        response["Cache-Control"] = "no-store"
        return response


class BatchDownloadApi(PacketApi):
    operation = "download"

    @extend_schema(
        summary="Download a finished batch: a ZIP (streamed; MANIFEST.txt, one PDF per case, FAILED.txt) or "
        "one merged PDF",
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request: Request, id: str) -> HttpResponse | StreamingHttpResponse:
        batch = get_visible_or_404(batch_list_visible_to(user=request.user), id)
        try:
            download = batch_download(batch=batch, by=signed_in(request.user), request=request)
        except PacketBatch.DoesNotExist:
            raise exceptions.NotFound() from None
        return attachment_response(data=download.chunks, content_type=download.content_type, filename=download.filename)
