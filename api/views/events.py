"""Events: listed for every role (observers pick one; organizers filter the dashboard by one)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.filters import EventFilter
from api.serializers.events import EventInput, EventOutput
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import event_list_visible_to
from cases.models import Event
from cases.services import event_create, event_update
from cases.types import signed_in


@extend_schema_view(
    list=extend_schema(summary="List events"),
    retrieve=extend_schema(summary="One event"),
    create=extend_schema(summary="Create an event (coordinators)", request=EventInput, responses={201: EventOutput}),
    partial_update=extend_schema(summary="Change an event (coordinators)", request=EventInput),
)
class EventViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "events"
    personal = False
    output_serializer_class = EventOutput
    input_serializer_class = EventInput
    update_serializer_class = EventInput
    filterset_class = EventFilter

    def get_queryset(self) -> QuerySet[Event]:
        return event_list_visible_to(user=self.request.user).order_by("-starts_at", "-id")

    def perform_create(self, data: dict[str, Any]) -> Event:
        return event_create(by=signed_in(self.request.user), **data)

    def perform_update(self, instance: Event, data: dict[str, Any]) -> Event:
        return event_update(event=instance, by=signed_in(self.request.user), **data)
