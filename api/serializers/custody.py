"""The night over the API: hotline entries (a quick entry in, the log out), the custody board of
an event, a move to another stage, the places of custody. Events, places and arrests are written as their UUIDs and
looked up in the caller's scope (custody/access.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import BoundedDateTimeField, OutputSerializer, PlainInputSerializer, ScopedRelatedField
from cases.models import Arrest, CustodyStatus, Event
from cases.types import AnyUser
from custody.access import board_arrest_list_visible_to, board_event_list_visible_to
from custody.models import CustodyPlace, HotlineEntry, HotlineKind, PlaceKind
from custody.selectors.places import custody_places


def _places(*, user: AnyUser | None) -> Any:
    return custody_places()


class HotlineEntryInput(PlainInputSerializer):
    client_uuid = serializers.UUIDField(help_text=_("Made on the phone; a retry with the same id stores nothing new."))
    event = ScopedRelatedField(model=Event, scope=board_event_list_visible_to)
    kind = serializers.ChoiceField(choices=HotlineKind.choices, default=HotlineKind.CALL)
    received_at = BoundedDateTimeField(required=False)
    about = serializers.CharField(max_length=500)
    place = ScopedRelatedField(model=CustodyPlace, scope=_places, required=False, allow_null=True)
    medical_needs = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    hurt_by_force = serializers.BooleanField(
        required=False, default=False, help_text=_("Hurt by police force: puts the person on the plaintiff roster.")
    )
    injuries = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    seen = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    waiting_outside = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    belongings = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    caller_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    caller_contact = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_consent = serializers.BooleanField(required=False, default=False)


class HotlineEntryOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    event = serializers.UUIDField(source="event.public_id")
    place = serializers.CharField(source="place.name", default="")
    arrest = serializers.UUIDField(source="arrest.public_id", default=None)

    class Meta:
        model = HotlineEntry
        fields = [
            "id", "client_uuid", "event", "kind", "received_at", "about", "place", "medical_needs", "hurt_by_force",
            "injuries", "seen",
            "waiting_outside", "belongings", "caller_name", "caller_contact", "contact_consent", "arrest",
        ]  # fmt: skip

    def to_representation(self, instance: HotlineEntry) -> dict[str, Any]:
        data = super().to_representation(instance)
        for name in (
            "about",
            "medical_needs",
            "injuries",
            "seen",
            "waiting_outside",
            "belongings",
            "caller_name",
            "caller_contact",
        ):
            data[name] = data[name] or ""
        return data


class HotlineLinkInput(PlainInputSerializer):
    arrest = ScopedRelatedField(model=Arrest, scope=board_arrest_list_visible_to, allow_null=True)


class StageInput(PlainInputSerializer):
    stage = serializers.ChoiceField(choices=CustodyStatus.choices)
    place = ScopedRelatedField(model=CustodyPlace, scope=_places, required=False, allow_null=True)


class BoardPersonOutput(serializers.Serializer):
    arrest = serializers.UUIDField(source="arrest_id")
    name = serializers.CharField()
    stage = serializers.CharField()
    place = serializers.CharField()
    arrested_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(allow_null=True)
    hours = serializers.FloatField()
    held = serializers.BooleanField()
    overdue = serializers.BooleanField(help_text=_("Still in custody past CUSTODY_ALERT_HOURS (time alone)."))
    medical = serializers.BooleanField()
    waiting = serializers.ListField(child=serializers.CharField())
    entries = serializers.IntegerField()


class BoardColumnOutput(serializers.Serializer):
    stage = serializers.CharField()
    title = serializers.CharField(source="label")
    people = BoardPersonOutput(many=True)


class BoardOutput(serializers.Serializer):
    event = serializers.UUIDField(source="event.public_id")
    alert_hours = serializers.IntegerField()
    in_custody = serializers.IntegerField()
    overdue = serializers.IntegerField()
    unidentified = serializers.IntegerField()
    built_at = serializers.DateTimeField()
    columns = BoardColumnOutput(many=True)


class PlaceOutput(OutputSerializer):
    placed = serializers.IntegerField(read_only=True, help_text=_("Arrestees whose placement names this place."))
    in_use = serializers.BooleanField(read_only=True, help_text=_("Named by a placement or a hotline entry."))

    class Meta:
        model = CustodyPlace
        fields = ["id", "name", "kind", "address", "active", "placed", "in_use"]
        read_only_fields = fields
        personal_fields: list[str] = []


class PlaceInput(PlainInputSerializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=PlaceKind.choices, default=PlaceKind.DISTRICT)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PlaceUpdate(PlainInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    kind = serializers.ChoiceField(choices=PlaceKind.choices, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, help_text=_("false retires the place, true offers it again."))
