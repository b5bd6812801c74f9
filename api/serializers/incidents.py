"""Observer reports. Officers are named by badge and agency (a known one is linked, an unknown one
created once); force types by code. Free text is encrypted and audited when read."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import (
    BoundedDateTimeField,
    InputSerializer,
    OutputSerializer,
    PlainInputSerializer,
    ScopedRelatedField,
)
from cases.access import event_list_visible_to
from cases.models import (
    ArrestSeen,
    BadgeStatus,
    Case,
    Conduct,
    Event,
    ForceType,
    Incident,
    IncidentOfficer,
    YesNoUnknown,
)
from cases.services import ArrestWitnessed, OfficerSeen
from cases.services import IncidentInput as ServiceInput


class CoordinateField(serializers.DecimalField):
    """Degrees, rounded to 6 decimal places (about 10 cm) instead of refusing a phone's precision."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        super().__init__(max_digits=9, decimal_places=6, min_value=-limit, max_value=limit, **kwargs)

    def validate_precision(self, value: Decimal) -> Decimal:
        if abs(value) > 1000:
            self.fail("max_whole_digits", max_whole_digits=3)
        return super().validate_precision(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN))


class ForceTypeCodes(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=ForceType.objects.all(), **kwargs)


@extend_schema_field({"type": "string"})
class ForceTypeCodeOutput(serializers.SlugRelatedField):
    """A force type's code, read from a prefetched list (the schema cannot see through it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(slug_field="code", **kwargs)


class SightingOutput(serializers.ModelSerializer):
    officer = serializers.UUIDField(source="officer.public_id", read_only=True)
    agency = serializers.CharField(source="officer.agency", read_only=True)
    name = serializers.CharField(source="officer.name", read_only=True)
    badge_number = serializers.CharField(source="officer.badge_number", read_only=True)
    badge_status = serializers.CharField(source="officer.badge_status", read_only=True)
    unit = serializers.CharField(source="officer.unit", read_only=True)

    class Meta:
        model = IncidentOfficer
        fields = [
            "officer",
            "agency",
            "name",
            "badge_number",
            "badge_status",
            "unit",
            "badge_as_seen",
            "features_as_seen",
        ]
        read_only_fields = fields


class ArrestSeenOutput(serializers.ModelSerializer):
    case: serializers.SlugRelatedField[Case] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = ArrestSeen
        fields = ["person_description", "conduct", "case"]
        read_only_fields = fields


INCIDENT_SCALARS = [
    "occurred_at", "place", "latitude", "longitude", "agencies_present", "commander_present", "dispersal_warning",
    "dispersal_warning_by", "dispersal_warning_words", "dispersal_warning_audible", "narrative", "injuries",
    "witnesses", "video_holders", "media_present", "people_affected_count",
]  # fmt: skip


class IncidentOutput(OutputSerializer):
    event = serializers.UUIDField(source="event.public_id", read_only=True)
    reporter = serializers.CharField(source="reporter.username", read_only=True)
    # Lists prefetched by api.views.incidents.with_related (every queryset this serializer reads).
    force_types = ForceTypeCodeOutput(many=True, read_only=True, source="force_type_list")
    officers = SightingOutput(source="sighting_list", many=True, read_only=True)
    arrests_seen = ArrestSeenOutput(source="arrest_seen_list", many=True, read_only=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, allow_null=True)

    class Meta:
        model = Incident
        fields = [
            "id", "client_uuid", "event", "reporter", *INCIDENT_SCALARS, "occurred_on", "force_types", "officers",
            "arrests_seen", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
        personal_fields = ["narrative", "injuries", "witnesses", "video_holders", "arrests_seen.person_description"]


class OfficerSeenInput(PlainInputSerializer):
    badge_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=120)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=120)
    helmet_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    features = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Identifying features when no badge is seen.")
    )
    badge_status = serializers.ChoiceField(
        choices=BadgeStatus.choices, required=False, help_text=_("Default: full with a badge number, else not seen.")
    )


class ArrestSeenInput(PlainInputSerializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    conduct = serializers.ChoiceField(choices=Conduct.choices, required=False, default=Conduct.UNKNOWN)


class IncidentInput(InputSerializer):
    """An observer's report. `client_uuid` is made on the phone: a retry with the same one returns
    the stored report (200) instead of a second copy; different content under it answers 409."""

    ignored_fields = frozenset({"id", "reporter", "occurred_on", "created_at", "updated_at"})
    client_uuid = serializers.UUIDField(required=False, help_text=_("Made on the phone; reused by retries."))
    event = ScopedRelatedField(model=Event, scope=event_list_visible_to)
    occurred_at = BoundedDateTimeField()
    latitude = CoordinateField(limit=90, required=False, allow_null=True)
    longitude = CoordinateField(limit=180, required=False, allow_null=True)
    people_affected_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100_000)
    force_types = serializers.ListField(child=ForceTypeCodes(), required=False, max_length=20)
    # many=True hands max_length to the ListSerializer it makes; the stubs type only the child's.
    officers = OfficerSeenInput(many=True, required=False, max_length=50)  # type: ignore[call-arg]  # see above
    arrests_seen = ArrestSeenInput(many=True, required=False, max_length=100)  # type: ignore[call-arg]  # see above

    class Meta:
        model = Incident
        fields = ["client_uuid", "event", *INCIDENT_SCALARS, "force_types", "officers", "arrests_seen"]
        extra_kwargs = {
            "dispersal_warning": {"default": YesNoUnknown.UNKNOWN},
            "dispersal_warning_audible": {"default": YesNoUnknown.UNKNOWN},
        }


def to_service_input(validated: dict[str, Any]) -> tuple[uuid.UUID, Any]:
    """The incident_create arguments for a validated IncidentInput body."""
    data = dict(validated)
    client_uuid = data.pop("client_uuid", None) or uuid.uuid4()
    officers = [OfficerSeen(**o) for o in data.pop("officers", [])]
    arrests = [ArrestWitnessed(**a) for a in data.pop("arrests_seen", [])]
    force_types = list(data.pop("force_types", []))
    return client_uuid, ServiceInput(**data, force_types=force_types, officers=officers, arrests_seen=arrests)


class IncidentUpdate(InputSerializer):
    ignored_fields = frozenset(
        {
            "id",
            "client_uuid",
            "event",
            "reporter",
            "occurred_on",
            "officers",
            "arrests_seen",
            "created_at",
            "updated_at",
        }
    )
    occurred_at = BoundedDateTimeField(required=False)
    latitude = CoordinateField(limit=90, required=False, allow_null=True)
    longitude = CoordinateField(limit=180, required=False, allow_null=True)
    people_affected_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100_000)
    force_types = serializers.ListField(child=ForceTypeCodes(), required=False, max_length=20)

    class Meta:
        model = Incident
        fields = [*INCIDENT_SCALARS, "force_types"]
