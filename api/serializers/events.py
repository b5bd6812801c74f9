"""Events: not personal; every signed-in role may read them, coordinators write them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.serializers.base import InputSerializer, OutputSerializer
from cases.models import Event

EVENT_FIELDS = ["name", "starts_at", "ends_at", "place", "jurisdiction", "time_zone", "description"]


class EventOutput(OutputSerializer):
    class Meta:
        model = Event
        fields = ["id", *EVENT_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields
        personal_fields: list[str] = []


class EventInput(InputSerializer):
    ignored_fields = frozenset({"id", "created_at", "updated_at"})

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        extra_kwargs: dict[str, dict[str, Any]] = {
            "name": {"validators": []}
        }  # uniqueness is checked by the service (full_clean)

    def validate_time_zone(self, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(_("Unknown time zone.")) from None
        return value
