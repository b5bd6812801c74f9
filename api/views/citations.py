"""Citations with their lifecycle actions and payments, and deadlines (read only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import CitationFilter, DeadlineFilter
from api.idempotency import idempotent
from api.rows import Computed, Nested, RowShape, object_writer, once_per_value
from api.serializers.citations import (
    ROW_CLERK_HOURS_NEEDS,
    AppealInput,
    BalanceOutput,
    CitationInput,
    CitationOutput,
    CitationUpdate,
    CloseInput,
    DeadlineBrief,
    DeadlineOutput,
    DispositionInput,
    DocketInput,
    EmptyInput,
    HearingInput,
    PaymentInput,
    PaymentOutput,
    ResponseInput,
    appeal_of_kind,
    row_clerk_hours,
    rules_applied,
)
from api.views.base import ApiViewSet, CreateMixin, ListMixin, RetrieveMixin, UpdateMixin
from cases.types import signed_in
from citations import services
from citations.access import citation_list_visible_to, deadline_list_visible_to
from citations.deadlines import clerk_hours_table
from citations.models import Citation, Deadline, Payment
from citations.selectors import balance_from, citations_with_money


def _deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.select_related("rule").order_by("due_at", "id")  # each shows its rule


_BALANCE = object_writer(BalanceOutput)  # one writer for every row: a serializer per row costs more than the row


def _row_balance(row: dict[str, Any]) -> dict[str, Any]:
    balance = balance_from(
        disposition=row["disposition"],
        fine=row["fine"],
        costs=row["costs"],
        paid=Decimal(row["paid_total"]),
        refunded=Decimal(row["refunded_total"]),
    )
    return _BALANCE(balance)


CITATION_ROWS = RowShape(
    CitationOutput,
    computed={
        "balance": once_per_value(_row_balance, needs=["disposition", "fine", "costs", "paid_total", "refunded_total"]),
        "appeal": once_per_value(lambda row: appeal_of_kind(row["kind"]), needs=["kind"]),
        "rules_applied": once_per_value(
            lambda row: rules_applied(
                kind=row["kind"], jurisdiction=row["jurisdiction"], place=row["case__event__jurisdiction"]
            ),
            needs=["kind", "jurisdiction", "case__event__jurisdiction"],
        ),
    },
    nested={
        "deadlines": Nested(
            queryset=_deadlines,
            link="citation_id",
            shape=RowShape(
                DeadlineBrief,
                computed={
                    "clerk_hours": Computed(row_clerk_hours, needs=ROW_CLERK_HOURS_NEEDS, per_page=clerk_hours_table)
                },
            ),
        )
    },
)


@extend_schema_view(
    list=extend_schema(summary="List citations in scope (with deadlines and balance)"),
    retrieve=extend_schema(summary="One citation"),
    create=extend_schema(summary="Record a citation on a case", responses={201: CitationOutput}),
    partial_update=extend_schema(summary="Correct a citation's non-lifecycle fields"),
)
class CitationViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, ApiViewSet):
    area = "citations"
    output_serializer_class = CitationOutput
    input_serializer_class = CitationInput
    update_serializer_class = CitationUpdate
    filterset_class = CitationFilter
    list_rows = CITATION_ROWS

    def get_queryset(self) -> QuerySet[Citation]:
        return (
            citations_with_money(citation_list_visible_to(user=self.request.user))
            .select_related("issuing_officer")
            .prefetch_related(Prefetch("deadlines", queryset=_deadlines()))
            .order_by("-issued_at", "-id")
        )

    def _fresh(self, citation: Citation) -> Citation:
        return self.get_queryset().get(pk=citation.pk)

    def perform_create(self, data: dict[str, Any]) -> Citation:
        citation = services.citation_create(by=signed_in(self.request.user), **data)
        return self._fresh(citation)

    def perform_update(self, instance: Citation, data: dict[str, Any]) -> Citation:
        services.citation_update(citation=instance, by=signed_in(self.request.user), **data)
        return self._fresh(instance)

    def _act(self, request: Request, body_class: Any, apply: Any) -> Response:
        citation = self.get_object()
        body = body_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        apply(citation, body.validated_data)
        return Response(self.output(self._fresh(citation)))

    def _respond(self, request: Request) -> Response:
        return self._act(
            request,
            ResponseInput,
            lambda c, d: services.citation_record_response(
                citation=c, response=d["response"], at=d.get("at") or timezone.now(), by=signed_in(request.user)
            ),
        )

    @extend_schema(
        summary="Record the response: a plea, or a civil notice paid or disputed",
        request=ResponseInput,
        responses={200: CitationOutput},
    )
    @action(detail=True, methods=["post"], operation="lifecycle")
    @idempotent
    # The action's name is its URL (/response/). APIView's own `response` attribute is set only
    # after the handler has run, so the two never meet.
    def response(self, request: Request, id: str) -> Response:  # type: ignore[override]  # shadows APIView.response
        return self._respond(request)

    @extend_schema(
        summary="Record a plea (the same as /response/)", request=ResponseInput, responses={200: CitationOutput}
    )
    @action(detail=True, methods=["post"], operation="lifecycle")
    @idempotent
    def plea(self, request: Request, id: str) -> Response:
        return self._respond(request)

    @extend_schema(summary="Schedule (or move) the hearing", request=HearingInput, responses={200: CitationOutput})
    @action(detail=True, methods=["post"], operation="lifecycle")
    @idempotent
    def hearing(self, request: Request, id: str) -> Response:
        return self._act(
            request,
            HearingInput,
            lambda c, d: services.citation_schedule_hearing(
                citation=c,
                hearing_at=d["hearing_at"],
                courtroom=d.get("courtroom", ""),
                by=signed_in(request.user),
                confirm_closed_day=d.get("confirm_closed_day", False),
            ),
        )

    @extend_schema(summary="Record that the citation is docketed", request=DocketInput, responses={200: CitationOutput})
    @action(detail=True, methods=["post"], operation="lifecycle")
    @idempotent
    def docket(self, request: Request, id: str) -> Response:
        return self._act(
            request,
            DocketInput,
            lambda c, d: services.citation_record_docketed(
                citation=c, docket_number=d["docket_number"], by=signed_in(request.user)
            ),
        )

    @extend_schema(summary="Record the decision", request=DispositionInput, responses={200: CitationOutput})
    @action(detail=True, methods=["post"], operation="lifecycle")
    @idempotent
    def disposition(self, request: Request, id: str) -> Response:
        return self._act(
            request,
            DispositionInput,
            lambda c, d: services.citation_record_disposition(
                citation=c, disposition=d["disposition"], decided_on=d["decided_on"], by=signed_in(request.user)
            ),
        )

    @extend_schema(
        summary="Open the appeal window after a conviction", request=EmptyInput, responses={200: CitationOutput}
    )
    @action(detail=True, methods=["post"], operation="lifecycle", url_path="appeal-window")
    @idempotent
    def appeal_window(self, request: Request, id: str) -> Response:
        return self._act(
            request,
            EmptyInput,
            lambda c, d: services.citation_open_appeal_window(citation=c, by=signed_in(request.user)),
        )

    @extend_schema(summary="Record an appeal", request=AppealInput, responses={200: CitationOutput})
    @action(detail=True, methods=["post"], operation="lifecycle")
    @idempotent
    def appeal(self, request: Request, id: str) -> Response:
        return self._act(
            request,
            AppealInput,
            lambda c, d: services.citation_record_appeal(
                citation=c, filed_on=d["filed_on"], by=signed_in(request.user)
            ),
        )

    @extend_schema(summary="Close the citation", request=CloseInput, responses={200: CitationOutput})
    @action(detail=True, methods=["post"], operation="lifecycle")
    @idempotent
    def close(self, request: Request, id: str) -> Response:
        return self._act(
            request,
            CloseInput,
            lambda c, d: services.citation_close(
                citation=c,
                by=signed_in(request.user),
                closed_on=d.get("closed_on"),
                appeal_waived=d.get("appeal_waived", False),
            ),
        )

    @extend_schema(
        methods=["GET"], summary="The citation's payments and refunds", responses={200: PaymentOutput(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a payment or a refund (exact to the cent; overpayment refused)",
        request=PaymentInput,
        responses={201: PaymentOutput},
    )
    @action(detail=True, methods=["get", "post"], operation="lifecycle", filterset_class=None, pagination_class=None)
    def payments(self, request: Request, id: str) -> Response:
        if request.method == "GET":
            citation = self.get_object()
            rows = citation.payments.select_related("citation", "recorded_by").order_by("paid_on", "id")
            data = PaymentOutput(rows, many=True).data
            self.audit_read(target=citation, action="payments", count=len(data))
            return Response(data)
        return self._record_payment(request)

    @idempotent
    def _record_payment(self, request: Request) -> Response:
        citation = self.get_object()
        body = PaymentInput(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payment = services.payment_record(citation=citation, by=signed_in(request.user), **body.validated_data)
        payment = Payment.objects.select_related("citation", "recorded_by").get(pk=payment.pk)
        return Response(PaymentOutput(payment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List deadlines in scope (filter by due date, kind, status, lawyer, event)"),
    retrieve=extend_schema(summary="One deadline"),
)
class DeadlineViewSet(ListMixin, RetrieveMixin, ApiViewSet):
    area = "deadlines"
    output_serializer_class = DeadlineOutput
    filterset_class = DeadlineFilter

    def get_queryset(self) -> QuerySet[Deadline]:
        return deadline_list_visible_to(user=self.request.user).order_by("due_at", "id")
