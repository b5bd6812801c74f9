"""Observer reports: created from phones (offline-safe through client_uuid), read back by their
reporter only inside the read-back window, by the lawyers of the cases they concern, and by
coordinators."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status

from api.filters import IncidentFilter
from api.rows import Nested, RowShape
from api.serializers.incidents import (
    ArrestSeenOutput,
    IncidentInput,
    IncidentOutput,
    IncidentUpdate,
    SightingOutput,
    to_service_input,
)
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import incident_list_visible_to
from cases.models import ArrestSeen, ForceType, Incident, IncidentOfficer
from cases.services import incident_create, incident_update
from cases.types import signed_in


def _sightings() -> QuerySet[IncidentOfficer]:
    return IncidentOfficer.objects.order_by("id")


def _arrests_seen() -> QuerySet[ArrestSeen]:
    return ArrestSeen.objects.order_by("id")


def with_related(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """What IncidentOutput shows for one report, prefetched into plain lists (`to_attr`), in the
    same order as the list page's rows (INCIDENT_ROWS)."""
    return queryset.prefetch_related(
        Prefetch("force_types", to_attr="force_type_list"),
        Prefetch("officer_sightings", queryset=_sightings().select_related("officer"), to_attr="sighting_list"),
        Prefetch("arrests_seen", queryset=_arrests_seen().select_related("case"), to_attr="arrest_seen_list"),
    )


INCIDENT_ROWS = RowShape(
    IncidentOutput,
    nested={
        "force_types": Nested(queryset=lambda: ForceType.objects.all(), link="incidents", flat="code"),
        "officers": Nested(queryset=_sightings, link="incident_id", shape=RowShape(SightingOutput)),
        "arrests_seen": Nested(queryset=_arrests_seen, link="incident_id", shape=RowShape(ArrestSeenOutput)),
    },
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
    list_rows = INCIDENT_ROWS

    def get_queryset(self) -> QuerySet[Incident]:
        return with_related(incident_list_visible_to(user=self.request.user)).order_by("-occurred_at", "-id")

    def perform_create(self, data: dict[str, Any]) -> Incident:
        client_uuid, report = to_service_input(data)
        incident, created = incident_create(reporter=signed_in(self.request.user), client_uuid=client_uuid, data=report)
        self._created = created
        return with_related(Incident.objects.filter(pk=incident.pk).select_related("event", "reporter")).get()

    def create_status(self, instance: Incident) -> int:
        return status.HTTP_201_CREATED if getattr(self, "_created", True) else status.HTTP_200_OK

    def perform_update(self, instance: Incident, data: dict[str, Any]) -> Incident:
        force_types = data.pop("force_types", None)
        incident_update(incident=instance, by=signed_in(self.request.user), force_types=force_types, **data)
        return self.get_queryset().get(pk=instance.pk)
