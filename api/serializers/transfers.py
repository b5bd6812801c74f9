"""Bulk import and export of citations (coordinators)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import PlainInputSerializer, ScopedRelatedField
from cases.access import event_list_visible_to
from cases.models import Event
from citations.models import CitationKind


class CitationImportInput(PlainInputSerializer):
    file = serializers.FileField(allow_empty_file=True, max_length=255, help_text=_("CSV, UTF-8 or Windows-1252."))
    event = ScopedRelatedField(model=Event, scope=event_list_visible_to)
    kind = serializers.ChoiceField(choices=CitationKind.choices, default=CitationKind.PHL_CVN)
    default_fine = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.00"), required=False, default=Decimal("0.00")
    )
    dry_run = serializers.BooleanField(default=False, help_text=_("Check every row, write nothing."))
    # `partial` and `errors` below are named like serializer attributes; DRF's metaclass moves
    # declared fields off the class, so they do not shadow them.
    partial = serializers.BooleanField(  # type: ignore[assignment]  # the stubs see BaseSerializer.partial
        default=False, help_text=_("Write the good rows even if others fail.")
    )


class ImportRowError(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class CitationImportOutput(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField()
    rows = serializers.IntegerField()
    errors = ImportRowError(many=True)  # type: ignore[assignment]  # the stubs see Serializer.errors
    warnings = serializers.ListField(child=serializers.CharField())
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
