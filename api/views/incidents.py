"""Observer reports: created from phones (offline-safe through client_uuid), read back by their
reporter only inside the read-back window, by the lawyers of the cases they concern, and by
coordinators."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status

from api.filters import IncidentFilter
from api.serializers.incidents import IncidentInput, IncidentOutput, IncidentUpdate, to_service_input
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import incident_list_visible_to
from cases.models import ArrestSeen, Incident, IncidentOfficer
from cases.services import incident_create, incident_update


def with_related(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """What IncidentOutput shows, prefetched into plain lists (`to_attr`): reading them builds no
    queryset per row, which at 50 rows was most of the API's cost over a bare `.values()`."""
    return queryset.prefetch_related(
        Prefetch("force_types", to_attr="force_type_list"),
        Prefetch(
            "officer_sightings", queryset=IncidentOfficer.objects.select_related("officer"), to_attr="sighting_list"
        ),
        Prefetch("arrests_seen", queryset=ArrestSeen.objects.select_related("case"), to_attr="arrest_seen_list"),
    )


@extend_schema_view(
    list=extend_schema(summary="List incidents in scope"),
    retrieve=extend_schema(summary="One incident"),
    create=extend_schema(
        summary="Report an incident (observers, coordinators)",
        description=(
            "Officers are named by badge number and agency: a known officer is linked, an unknown one is created "
            "once. A retry with the same client_uuid returns the stored report with 200; different content under "
            "the same client_uuid answers 409."
        ),
        responses={
            201: IncidentOutput,
            200: OpenApiResponse(IncidentOutput, description="A retry: the report stored earlier."),
        },
    ),
    partial_update=extend_schema(
        summary="Correct an incident (its reporter inside the read-back window, coordinators)"
    ),
)
class IncidentViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "incidents"
    output_serializer_class = IncidentOutput
    input_serializer_class = IncidentInput
    update_serializer_class = IncidentUpdate
    filterset_class = IncidentFilter

    def get_queryset(self) -> QuerySet[Incident]:
        return with_related(incident_list_visible_to(user=self.request.user)).order_by("-occurred_at", "-id")

    def perform_create(self, data: dict[str, Any]) -> Incident:
        client_uuid, report = to_service_input(data)
        incident, created = incident_create(reporter=self.request.user, client_uuid=client_uuid, data=report)
        self._created = created
        return with_related(Incident.objects.filter(pk=incident.pk).select_related("event", "reporter")).get()

    def create_status(self, instance: Incident) -> int:
        return status.HTTP_201_CREATED if getattr(self, "_created", True) else status.HTTP_200_OK

    def perform_update(self, instance: Incident, data: dict[str, Any]) -> Incident:
        force_types = data.pop("force_types", None)
        incident_update(incident=instance, by=self.request.user, force_types=force_types, **data)
        return self.get_queryset().get(pk=instance.pk)
