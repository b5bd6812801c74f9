"""The night over the API: the hotline log (`hotline.read`, `hotline.create`, linking with
`hotline.update`), an event's custody board (`custody.board`, with an ETag: 304 while nothing
changed), moving an arrestee (`custody.stage`) and the places of custody (`places.read`,
`places.manage`). Scopes in custody/access.py, writes in
custody/services/, the same rows of the permission table as the pages."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
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
    PlaceInput,
    PlaceOutput,
    PlaceUpdate,
    StageInput,
)
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import get_visible_or_404
from cases.audit import audit_record
from cases.types import signed_in
from custody.access import board_arrest_list_visible_to, board_event_for, hotline_entry_list_visible_to
from custody.models import CustodyPlace, HotlineEntry
from custody.selectors.board import board_for_event, board_version
from custody.selectors.places import custody_place_list
from custody.services.board import arrest_move
from custody.services.hotline import HotlineConflict, HotlineInput, hotline_entry_create, hotline_entry_link
from custody.services.places import (
    custody_place_create,
    custody_place_delete,
    custody_place_set_active,
    custody_place_update,
)

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


@extend_schema_view(
    list=extend_schema(summary="List the places of custody, retired ones too"),
    retrieve=extend_schema(summary="One place of custody"),
    create=extend_schema(summary="Add a place (coordinators)", request=PlaceInput, responses={201: PlaceOutput}),
    partial_update=extend_schema(
        summary="Rename, correct, retire (active: false) or reinstate a place (coordinators)", request=PlaceUpdate
    ),
    destroy=extend_schema(summary="Delete a place nothing names (coordinators); 409 when in use: retire it"),
)
class CustodyPlaceViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    """Places of custody: data, not personal. Read by whoever records where people are held
    (`places.read`); written by coordinators (`places.manage`) through custody/services/places.py."""

    area = "places"
    personal = False
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    output_serializer_class = PlaceOutput
    input_serializer_class = PlaceInput
    update_serializer_class = PlaceUpdate

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.operation = "read" if request.method in permissions.SAFE_METHODS else "manage"
        super().initial(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[CustodyPlace]:
        return custody_place_list()

    def perform_create(self, data: dict[str, Any]) -> CustodyPlace:
        place = custody_place_create(by=signed_in(self.request.user), **data)
        return custody_place_list().get(pk=place.pk)

    def perform_update(self, instance: CustodyPlace, data: dict[str, Any]) -> CustodyPlace:
        by = signed_in(self.request.user)
        if {"name", "kind", "address"} & set(data):
            custody_place_update(
                place=instance,
                name=data.get("name", instance.name),
                kind=data.get("kind", instance.kind),
                address=data.get("address", instance.address),
                by=by,
            )
        if "active" in data:
            custody_place_set_active(place=instance, active=data["active"], by=by)
        return custody_place_list().get(pk=instance.pk)

    @transaction.atomic
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        place = self.get_object()
        try:
            custody_place_delete(place=place, by=signed_in(request.user))
        except DjangoValidationError as exc:
            raise Conflict(exc.messages[0]) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
