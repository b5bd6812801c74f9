"""Officers: looked up by observers, lawyers and coordinators; merged by coordinators."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import OfficerFilter
from api.idempotency import idempotent
from api.serializers.officers import OfficerInput, OfficerMergeInput, OfficerOutput
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import officer_list_visible_to
from cases.models import Officer
from cases.services import officer_create, officer_merge, officer_update
from cases.types import signed_in


@extend_schema_view(
    list=extend_schema(summary="List officers"),
    retrieve=extend_schema(summary="One officer"),
    create=extend_schema(summary="Add an officer", responses={201: OfficerOutput}),
    partial_update=extend_schema(summary="Change an officer"),
)
class OfficerViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "officers"
    personal = False
    output_serializer_class = OfficerOutput
    input_serializer_class = OfficerInput
    update_serializer_class = OfficerInput
    filterset_class = OfficerFilter

    def get_queryset(self) -> QuerySet[Officer]:
        return (
            officer_list_visible_to(user=self.request.user)
            .select_related("merged_into")
            .order_by("agency", "badge_number", "id")
        )

    def perform_create(self, data: dict[str, Any]) -> Officer:
        return officer_create(by=signed_in(self.request.user), **data)

    def perform_update(self, instance: Officer, data: dict[str, Any]) -> Officer:
        return officer_update(officer=instance, by=signed_in(self.request.user), **data)

    @extend_schema(
        summary="Merge this (unidentified or duplicate) officer into another (coordinators)",
        request=OfficerMergeInput,
        responses={200: OfficerOutput},
    )
    @action(detail=True, methods=["post"], operation="merge")
    @idempotent
    def merge(self, request: Request, id: str) -> Response:
        source = self.get_object()
        body = OfficerMergeInput(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        target = officer_merge(source=source, target=body.validated_data["into"], by=signed_in(request.user))
        return Response(self.output(target))
