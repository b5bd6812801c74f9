"""The night over the API: the hotline log (`hotline.read`, `hotline.create`, linking with
`hotline.update`), an event's custody board (`custody.board`, with an ETag: 304 while nothing
changed) and moving an arrestee (`custody.stage`). Scopes in custody/access.py, writes in
custody/services/, the same rows of the permission table as the pages."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import Conflict
from api.permissions import AreaPermission
from api.serializers.custody import (
    BoardOutput,
    HotlineEntryInput,
    HotlineEntryOutput,
    HotlineLinkInput,
    StageInput,
)
from cases.access import get_visible_or_404
from cases.audit import audit_record
from cases.types import signed_in
from custody.access import board_arrest_list_visible_to, board_event_for, hotline_entry_list_visible_to
from custody.models import HotlineEntry
from custody.selectors.board import board_for_event, board_version
from custody.services.board import arrest_move
from custody.services.hotline import HotlineConflict, HotlineInput, hotline_entry_create, hotline_entry_link

LOG_FIELDS = [
    "about", "caller_name", "caller_contact", "seen", "medical_needs", "injuries", "belongings", "waiting_outside",
]  # fmt: skip


class HotlineListApi(generics.ListAPIView):
    """GET: an event's log (`?event=`), newest first. POST: one quick entry, once per client UUID
    (201 stored, 200 already stored, 409 the id was used for other content)."""

    area = "hotline"
    permission_classes = [AreaPermission]
    serializer_class = HotlineEntryOutput

    @property
    def operation(self) -> str:
        return "create" if self.request.method == "POST" else "read"

    def get_queryset(self) -> QuerySet[HotlineEntry]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without an event
            return HotlineEntry.objects.none()
        event_id = self.request.query_params.get("event")
        if not event_id:
            raise ValidationError({"event": ["Name the event (?event=<id>)."]})
        event = board_event_for(user=self.request.user, event_id=event_id, request=self.request)
        return (
            hotline_entry_list_visible_to(user=self.request.user)
            .filter(event=event)
            .select_related("event", "place", "arrest")
            .order_by("-received_at", "-id")
        )

    @extend_schema(parameters=[OpenApiParameter("event", str, required=True)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        results = response.data.get("results", []) if isinstance(response.data, dict) else []
        if results:
            audit_record(
                actor=request.user, action="hotline.list", fields=LOG_FIELDS, request=request, count=len(results)
            )
        return response

    @extend_schema(request=HotlineEntryInput, responses={201: HotlineEntryOutput, 200: HotlineEntryOutput})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = HotlineEntryInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        client_uuid = data.pop("client_uuid")
        try:
            entry, created = hotline_entry_create(
                by=signed_in(request.user), client_uuid=client_uuid, data=HotlineInput(**data)
            )
        except HotlineConflict as exc:
            raise Conflict(exc.messages[0] if exc.messages else None) from None
        return Response(
            HotlineEntryOutput(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class HotlineLinkApi(APIView):
    area = "hotline"
    operation = "update"
    permission_classes = [AreaPermission]

    @extend_schema(request=HotlineLinkInput, responses={200: HotlineEntryOutput})
    def post(self, request: Request, id: UUID, *args: Any, **kwargs: Any) -> Response:  # noqa: A002 - the route's name
        user = signed_in(request.user)
        entry = get_visible_or_404(hotline_entry_list_visible_to(user=user), id, user=user, request=request)
        body = HotlineLinkInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        linked = hotline_entry_link(entry=entry, arrest=body.validated_data["arrest"], by=user)
        return Response(HotlineEntryOutput(linked).data)


class BoardApi(APIView):
    area = "custody"
    operation = "board"
    permission_classes = [AreaPermission]

    @extend_schema(responses={200: BoardOutput})
    def get(self, request: Request, id: UUID, *args: Any, **kwargs: Any) -> Response:  # noqa: A002 - the route's name
        event = board_event_for(user=request.user, event_id=id, request=request)
        version = f'"{board_version(event=event)}"'
        if request.headers.get("If-None-Match", "").strip() == version:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            board = board_for_event(event=event)
            count = sum(len(column.people) for column in board.columns)
            audit_record(
                actor=request.user, action="custody.board.read", target=event, request=request, count=count,
                fields=["legal_name", "preferred_name", "special_needs", "waiting_outside"],
            )  # fmt: skip
            response = Response(BoardOutput(board).data)
        response["ETag"] = version
        return response


class ArrestStageApi(APIView):
    area = "custody"
    operation = "stage"
    permission_classes = [AreaPermission]

    @extend_schema(request=StageInput, responses={200: None})
    def post(self, request: Request, id: UUID, *args: Any, **kwargs: Any) -> Response:  # noqa: A002 - the route's name
        user = signed_in(request.user)
        arrest = get_visible_or_404(board_arrest_list_visible_to(user=user), id, user=user, request=request)
        body = StageInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        moved = arrest_move(
            arrest=arrest, stage=body.validated_data["stage"], place=body.validated_data.get("place"), by=user
        )
        return Response({"arrest": str(moved.public_id), "stage": moved.custody_status})
