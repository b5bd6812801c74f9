"""The intake desk's bodies: one-step intake (a person or a chosen existing one, the event, an
arrest, citations) and a release with its citations. Nested parts reuse the people's and the
citations' input serializers, so the same fields are checked the same way."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import BoundedDateTimeField, InputSerializer, PlainInputSerializer, ScopedRelatedField
from api.serializers.citations import EDITABLE, CitationOutput
from api.serializers.people import ARREST_FIELDS, ArrestOutput, CaseOutput, DemonstratorInput
from cases.access import demonstrator_list_visible_to, event_list_visible_to, officer_list_visible_to
from cases.models import Arrest, Demonstrator, Event, Officer
from citations.models import Citation

CITATIONS_MAX = 20


class IntakeArrestInput(InputSerializer):
    ignored_fields = frozenset({"id", "case", "created_at", "updated_at"})

    class Meta:
        model = Arrest
        fields = [name for name in ARREST_FIELDS if name not in ("released_at", "bail_amount", "bail_paid_by")]


class IntakeCitationInput(InputSerializer):
    ignored_fields = frozenset({"id", "case", "case_number", "deadlines", "balance", "created_at", "updated_at"})
    issuing_officer = ScopedRelatedField(model=Officer, scope=officer_list_visible_to, required=False, allow_null=True)
    hearing_at = BoundedDateTimeField(required=False, help_text=_("A notice to appear's date and time."))
    courtroom = serializers.CharField(required=False, allow_blank=True, max_length=40)

    class Meta:
        model = Citation
        fields = [*EDITABLE, "hearing_at", "courtroom"]
        validators: list[Any] = []  # (agency, number) uniqueness is checked by the service


class IntakeInput(PlainInputSerializer):
    event = ScopedRelatedField(model=Event, scope=event_list_visible_to)
    existing_person = ScopedRelatedField(
        model=Demonstrator,
        scope=demonstrator_list_visible_to,
        required=False,
        allow_null=True,
        help_text=_("A person chosen from the suggestions, instead of `person`."),
    )
    person = DemonstratorInput(required=False, help_text=_("A new person's details, instead of `existing_person`."))
    arrest = IntakeArrestInput(required=False)
    citations = serializers.ListField(child=IntakeCitationInput(), required=False, max_length=CITATIONS_MAX)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("person")) == bool(attrs.get("existing_person")):
            raise serializers.ValidationError(_("Give a new person's details or choose an existing person, not both."))
        return attrs


class IntakeOutput(serializers.Serializer):
    person = serializers.UUIDField(source="person.public_id")
    person_created = serializers.BooleanField()
    case_created = serializers.BooleanField()
    case = CaseOutput()
    arrest = ArrestOutput(allow_null=True)
    citations = CitationOutput(many=True)


class ReleaseInput(PlainInputSerializer):
    released_at = BoundedDateTimeField()
    property_returned = serializers.BooleanField(required=False, allow_null=True, default=None)
    citations = serializers.ListField(child=IntakeCitationInput(), required=False, max_length=CITATIONS_MAX)


class ReleaseOutput(serializers.Serializer):
    arrest = ArrestOutput()
    case = CaseOutput()
    citations = CitationOutput(many=True)


class MergeInput(PlainInputSerializer):
    merged_person = ScopedRelatedField(
        model=Demonstrator, scope=demonstrator_list_visible_to, help_text=_("The record merged away.")
    )
    kept_person = ScopedRelatedField(
        model=Demonstrator, scope=demonstrator_list_visible_to, help_text=_("The record kept.")
    )


class MergeOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    merged_person = serializers.UUIDField(source="source.public_id")
    kept_person = serializers.UUIDField(source="target.public_id")
    merged_at = serializers.DateTimeField()
    undo_until = serializers.DateTimeField()
    undone_at = serializers.DateTimeField(allow_null=True)
    cases_moved = serializers.SerializerMethodField()
    cases_folded = serializers.SerializerMethodField()

    def get_cases_moved(self, merge: Any) -> int:
        return len(merge.moved.get("cases", []))

    def get_cases_folded(self, merge: Any) -> int:
        return len(merge.moved.get("folded", []))


class DismissalInput(PlainInputSerializer):
    first_person = ScopedRelatedField(
        model=Demonstrator, scope=demonstrator_list_visible_to, help_text=_("One record.")
    )
    second_person = ScopedRelatedField(
        model=Demonstrator, scope=demonstrator_list_visible_to, help_text=_("The record it is not the same person as.")
    )


class DismissalOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    first_person = serializers.UUIDField(source="first.public_id")
    second_person = serializers.UUIDField(source="second.public_id")
    dismissed_at = serializers.DateTimeField()
    undone_at = serializers.DateTimeField(allow_null=True)
