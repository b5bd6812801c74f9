"""Demonstrators, cases and arrests."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import ConfirmationNeeded
from api.filters import ArrestFilter, CaseFilter, DemonstratorFilter
from api.idempotency import idempotent
from api.rows import Computed, Nested, RowShape
from api.serializers.people import (
    ArrestInput,
    ArrestOutput,
    ArrestUpdate,
    CaseAssignInput,
    CaseCloseInput,
    CaseInput,
    CaseOutput,
    CaseUpdate,
    DemonstratorInput,
    DemonstratorOutput,
    DemonstratorSearchInput,
    DemonstratorUpdate,
)
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.access import arrest_list_visible_to, case_list_visible_to, demonstrator_list_visible_to
from cases.audit import audit_record
from cases.fields import blind_index_fields
from cases.models import Arrest, Case, Demonstrator, User, display_name_of
from cases.selectors import person_named
from cases.services import (
    CloseNeedsConfirmation,
    arrest_create,
    arrest_update,
    case_assign_lawyers,
    case_close,
    case_create,
    case_update,
    demonstrator_create,
    demonstrator_update,
)
from cases.types import signed_in

SEARCH_LIMIT = 50


@extend_schema_view(
    list=extend_schema(summary="List demonstrators (assigned lawyers, coordinators)"),
    retrieve=extend_schema(summary="One demonstrator"),
    create=extend_schema(summary="Intake: create a demonstrator (coordinators)", responses={201: DemonstratorOutput}),
    partial_update=extend_schema(summary="Change a demonstrator's details"),
)
class DemonstratorViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "demonstrators"
    output_serializer_class = DemonstratorOutput
    input_serializer_class = DemonstratorInput
    update_serializer_class = DemonstratorUpdate
    filterset_class = DemonstratorFilter

    def get_queryset(self) -> QuerySet[Demonstrator]:
        return demonstrator_list_visible_to(user=self.request.user).order_by("-created_at", "-id")

    def perform_create(self, data: dict[str, Any]) -> Demonstrator:
        return demonstrator_create(by=signed_in(self.request.user), **data)

    def perform_update(self, instance: Demonstrator, data: dict[str, Any]) -> Demonstrator:
        return demonstrator_update(demonstrator=instance, by=signed_in(self.request.user), **data)

    @extend_schema(
        summary="Find people by exact name, phone or e-mail (blind index; body, never URL)",
        request=DemonstratorSearchInput,
        responses={200: DemonstratorOutput(many=True)},
    )
    @action(detail=False, methods=["post"], operation="search", filterset_class=None, pagination_class=None)
    def search(self, request: Request) -> Response:
        query = DemonstratorSearchInput(data=request.data, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        terms = query.validated_data
        index = {f.name: f for f in blind_index_fields(Demonstrator)}
        condition = Q()
        kinds = []
        if terms.get("name") and terms.get("date_of_birth"):
            condition |= Q(name_dob_index=index["name_dob_index"].index_for(terms["name"], terms["date_of_birth"]))
            kinds.append("name_dob")
        elif terms.get("name"):
            condition |= person_named(terms["name"])
            kinds.append("name")
        if terms.get("phone"):
            condition |= Q(phone_index=index["phone_index"].index_for(terms["phone"]))
            kinds.append("phone")
        if terms.get("email"):
            condition |= Q(email_index=index["email_index"].index_for(terms["email"]))
            kinds.append("email")
        rows = list(self.get_queryset().filter(condition)[:SEARCH_LIMIT])
        audit_record(
            actor=request.user,
            action="api.demonstrators.search",
            fields=list(DemonstratorOutput.Meta.personal_fields),
            request=request,
            query_kind="+".join(kinds),
            count=len(rows),
        )
        return Response(self.output(rows, many=True))


CASE_PERSON_FIELDS_NOT_SHOWN = [
    f"demonstrator__{field.name}"
    for field in Demonstrator._meta.concrete_fields
    if field.name not in ("id", "public_id", "legal_name", "preferred_name", "conceal_legal_name")
]


CASE_ROWS = RowShape(
    CaseOutput,
    computed={
        "client_name": Computed(
            lambda row: display_name_of(
                preferred_name=row["demonstrator__preferred_name"],
                legal_name=row["demonstrator__legal_name"],
                conceal_legal_name=row["demonstrator__conceal_legal_name"],
            ),
            needs=["demonstrator__preferred_name", "demonstrator__legal_name", "demonstrator__conceal_legal_name"],
        )
    },
    nested={
        "lawyers": Nested(
            queryset=lambda: User.objects.all(), link="assigned_cases", flat="username", sort=lambda name: name
        )
    },
)


@extend_schema_view(
    list=extend_schema(summary="List cases in scope"),
    retrieve=extend_schema(summary="One case"),
    create=extend_schema(
        summary="Open a case for a demonstrator at an event (coordinators)", responses={201: CaseOutput}
    ),
    partial_update=extend_schema(summary="Change a case's notes"),
)
class CaseViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "cases"
    output_serializer_class = CaseOutput
    input_serializer_class = CaseInput
    update_serializer_class = CaseUpdate
    filterset_class = CaseFilter
    list_rows = CASE_ROWS

    def get_queryset(self) -> QuerySet[Case]:
        # The output shows the client's display name only: leave the person's other encrypted
        # fields undecrypted (10 values a row otherwise), and fetch lawyers' usernames only.
        return (
            case_list_visible_to(user=self.request.user)
            .defer(*CASE_PERSON_FIELDS_NOT_SHOWN)
            .prefetch_related(Prefetch("lawyers", queryset=User.objects.only("id", "username"), to_attr="lawyer_list"))
            .order_by("-opened_on", "-id")
        )

    def perform_create(self, data: dict[str, Any]) -> Case:
        return case_create(by=signed_in(self.request.user), **data)

    def perform_update(self, instance: Case, data: dict[str, Any]) -> Case:
        return case_update(case=instance, by=signed_in(self.request.user), **data)

    def _fresh(self, case: Case) -> Case:
        return self.get_queryset().get(pk=case.pk)

    @extend_schema(summary="Assign lawyers (coordinators)", request=CaseAssignInput, responses={200: CaseOutput})
    @action(detail=True, methods=["post"], operation="assign")
    @idempotent
    def assign(self, request: Request, id: str) -> Response:
        case = self.get_object()
        body = CaseAssignInput(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        case_assign_lawyers(case=case, lawyers=body.validated_data["lawyers"], by=signed_in(request.user))
        return Response(self.output(self._fresh(case)), status=status.HTTP_200_OK)

    @extend_schema(
        summary="Close a case (starts its retention period)",
        description=(
            "A case with an open citation, an open deadline or a hold answers 409 with the reasons "
            "(`reasons`: code and message); send again with `confirm: true` and a `note` saying why."
        ),
        request=CaseCloseInput,
        responses={200: CaseOutput, 409: OpenApiResponse(description="Confirmation needed: the pending matters")},
    )
    @action(detail=True, methods=["post"], operation="close")
    @idempotent
    def close(self, request: Request, id: str) -> Response:
        case = self.get_object()
        body = CaseCloseInput(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            case_close(
                case=case,
                by=signed_in(request.user),
                closed_on=data.get("closed_on"),
                confirm=data["confirm"],
                note=data["note"],
            )
        except CloseNeedsConfirmation as exc:
            reasons = [{"code": hold.code, "message": hold.text} for hold in exc.holds]
            raise ConfirmationNeeded(exc.messages[0], reasons=reasons) from None
        return Response(self.output(self._fresh(case)))


@extend_schema_view(
    list=extend_schema(summary="List arrests in scope"),
    retrieve=extend_schema(summary="One arrest"),
    create=extend_schema(summary="Record an arrest on a case", responses={201: ArrestOutput}),
    partial_update=extend_schema(summary="Change an arrest"),
)
class ArrestViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "arrests"
    output_serializer_class = ArrestOutput
    input_serializer_class = ArrestInput
    update_serializer_class = ArrestUpdate
    filterset_class = ArrestFilter

    def get_queryset(self) -> QuerySet[Arrest]:
        return arrest_list_visible_to(user=self.request.user).order_by("arrested_at", "id")

    def perform_create(self, data: dict[str, Any]) -> Arrest:
        return arrest_create(by=signed_in(self.request.user), **data)

    def perform_update(self, instance: Arrest, data: dict[str, Any]) -> Arrest:
        return arrest_update(arrest=instance, by=signed_in(self.request.user), **data)
