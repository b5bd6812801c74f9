"""Allegations of complaints and their findings (claims app)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.serializers.claims import AllegationInput, AllegationOutput, AllegationUpdate
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.types import signed_in
from claims.access import allegation_list_visible_to
from claims.models import Allegation
from claims.services import allegation_create, allegation_update


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
