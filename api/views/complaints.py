"""Excessive-force complaints and witness statements."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.filters import ComplaintFilter, StatementFilter
from api.serializers.complaints import (
    ComplaintInput,
    ComplaintOutput,
    ComplaintUpdate,
    StatementInput,
    StatementOutput,
    StatementUpdate,
)
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import complaint_list_visible_to, statement_list_visible_to
from cases.models import ExcessiveForceComplaint, WitnessStatement
from cases.services import complaint_create, complaint_update, statement_create, statement_update
from cases.types import signed_in


@extend_schema_view(
    list=extend_schema(summary="List complaints in scope"),
    retrieve=extend_schema(summary="One complaint"),
    create=extend_schema(summary="Start an excessive-force complaint", responses={201: ComplaintOutput}),
    partial_update=extend_schema(summary="Change a complaint"),
)
class ComplaintViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "complaints"
    output_serializer_class = ComplaintOutput
    input_serializer_class = ComplaintInput
    update_serializer_class = ComplaintUpdate
    filterset_class = ComplaintFilter

    def get_queryset(self) -> QuerySet[ExcessiveForceComplaint]:
        return (
            complaint_list_visible_to(user=self.request.user)
            .prefetch_related("incidents", "officers", "force_types")
            .order_by("-created_at", "-id")
        )

    def perform_create(self, data: dict[str, Any]) -> ExcessiveForceComplaint:
        complaint = complaint_create(by=signed_in(self.request.user), **data)
        return self.get_queryset().get(pk=complaint.pk)

    def perform_update(self, instance: ExcessiveForceComplaint, data: dict[str, Any]) -> ExcessiveForceComplaint:
        complaint_update(complaint=instance, by=signed_in(self.request.user), **data)
        return self.get_queryset().get(pk=instance.pk)


@extend_schema_view(
    list=extend_schema(summary="List witness statements in scope"),
    retrieve=extend_schema(summary="One witness statement"),
    create=extend_schema(summary="Record a witness statement", responses={201: StatementOutput}),
    partial_update=extend_schema(summary="Change a witness statement"),
)
class StatementViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "statements"
    output_serializer_class = StatementOutput
    input_serializer_class = StatementInput
    update_serializer_class = StatementUpdate
    filterset_class = StatementFilter

    def get_queryset(self) -> QuerySet[WitnessStatement]:
        return (
            statement_list_visible_to(user=self.request.user)
            .select_related("taken_by", "incident", "complaint", "case")
            .order_by("-taken_at", "-id")
        )

    def perform_create(self, data: dict[str, Any]) -> WitnessStatement:
        statement = statement_create(by=signed_in(self.request.user), **data)
        return self.get_queryset().get(pk=statement.pk)

    def perform_update(self, instance: WitnessStatement, data: dict[str, Any]) -> WitnessStatement:
        if data.get("anonymous"):
            data["witness_name"] = ""
            data["witness_contact"] = ""
        statement_update(witness_statement=instance, by=signed_in(self.request.user), **data)
        return self.get_queryset().get(pk=instance.pk)
