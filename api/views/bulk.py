"""Bulk actions over the API: a mass disposition, many cases for one lawyer, a courtroom list's
outcomes. Each is a preview (nothing written) unless the body says `"confirm": true`, which
answers 202 with the background run (citations/runs.py) and its `status_url`: the services
(citations.services, cases.services) run each case in its own transaction, audit it, and report
what they left alone and why. Every record named is looked up through the caller's
scope: one out of scope answers 404 like a missing one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import AreaPermission
from api.serializers.bulk import (
    AssignRunOutput,
    BulkAssignInput,
    BulkAssignOutput,
    DispositionRunOutput,
    HearingOutcomesInput,
    HearingOutcomesOutput,
    MassDispositionInput,
    MassDispositionOutput,
    OutcomesRunOutput,
)
from cases.access import case_list_visible_to, event_list_visible_to, get_visible_or_404
from cases.services import cases_assign_lawyer
from cases.types import User, signed_in
from citations.access import bulk_run_visible_to
from citations.models import BulkAction, BulkRun, Citation
from citations.runs import (
    assign_run_start,
    bulk_run_progress,
    bulk_run_report,
    disposition_run_start,
    outcomes_run_start,
)
from citations.selectors import citations_for_mass_disposition, hearing_docket
from citations.services import citation_hearing_outcomes, citation_mass_disposition


def citation_row(citation: Citation, **extra: Any) -> dict[str, Any]:
    return {"citation": citation.public_id, "number": citation.number, "case": citation.case.number, **extra}


class BulkApi(GenericAPIView):
    permission_classes = [AreaPermission]
    pagination_class = None


class MassDispositionApi(BulkApi):
    area = "citations"
    operation = "mass_disposition"
    serializer_class = MassDispositionInput

    @extend_schema(
        summary="Waive or withdraw every citation of a kind issued at an event between two days (preview, then confirm)",
        request=MassDispositionInput,
        responses={200: MassDispositionOutput, 202: DispositionRunOutput},
    )
    def post(self, request: Request) -> Response:
        serializer = MassDispositionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = signed_in(request.user)
        event = get_visible_or_404(event_list_visible_to(user=user), data["event"])
        chosen = citations_for_mass_disposition(
            user=user, event=event, kind=data["kind"], issued_from=data["issued_from"], issued_to=data["issued_to"]
        )
        if data["confirm"]:
            run = disposition_run_start(
                by=user, event=event, kind=data["kind"], issued_from=data["issued_from"],
                issued_to=data["issued_to"], disposition=data["disposition"], decided_on=data["decided_on"],
            )  # fmt: skip
            return Response(DispositionRunOutput(run_body(run, user=user)).data, status=status.HTTP_202_ACCEPTED)
        result = citation_mass_disposition(
            citations=chosen, disposition=data["disposition"], decided_on=data["decided_on"], by=user, preview=True
        )
        body = {
            "preview": True,
            "batch": "",
            "decided": [citation_row(c, disposition=result.disposition) for c in result.decided],
            "skipped": [citation_row(c, reason=why) for c, why in result.skipped],
            "refunds": [citation_row(r.citation, payer=r.payer, amount=r.amount) for r in result.refunds],
            "refund_total": result.refund_total,
        }
        return Response(MassDispositionOutput(body).data)


RUN_ROUTES: dict[str, str] = {
    BulkAction.MASS_DISPOSITION: "api:bulk-mass-disposition-run",
    BulkAction.ASSIGN: "api:bulk-assign-run",
    BulkAction.HEARING_OUTCOMES: "api:bulk-hearing-outcomes-run",
}


def run_body(run: BulkRun, *, user: User) -> dict[str, Any]:
    """A run's progress and, once finished, its whole report (through the reader's scope)."""
    progress = bulk_run_progress(run)
    del progress["decided"], progress["skipped"]  # counts here; the lists below once done
    body: dict[str, Any] = {
        **progress,
        "status_url": reverse(RUN_ROUTES[run.action], kwargs={"id": run.public_id}),
        "decided_count": run.decided,
        "skipped_count": run.skipped,
    }
    if not run.finished:
        return body
    report = bulk_run_report(run, user=user, limit=len(run.item_ids))
    if run.action == BulkAction.ASSIGN:
        body["assigned"] = [{"case": c.public_id, "number": c.number} for c in report.decided]
        body["skipped"] = [{"case": c.public_id, "number": c.number, "reason": why} for c, why in report.skipped]
        return body
    if run.action == BulkAction.HEARING_OUTCOMES:
        body["decided"] = [citation_row(c, disposition=d) for c, d in report.decided]
    else:
        body["decided"] = [citation_row(c, disposition=run.disposition) for c in report.decided]
        body["refunds"] = [citation_row(r.citation, payer=r.payer, amount=r.amount) for r in report.refunds]
    body["skipped"] = [citation_row(c, reason=why) for c, why in report.skipped]
    return body


class RunApi(BulkApi):
    """GET a run of this view's action the caller may see (404 otherwise)."""

    action = BulkAction.MASS_DISPOSITION
    output: type[serializers.Serializer] = DispositionRunOutput

    def get(self, request: Request, id: UUID) -> Response:  # noqa: A002  # the route's name for it
        user = signed_in(request.user)
        run: BulkRun = get_visible_or_404(bulk_run_visible_to(user=user, action=self.action), id)
        response = Response(self.output(run_body(run, user=user)).data)
        response["Cache-Control"] = "no-store"
        return response


@extend_schema_view(
    get=extend_schema(
        summary="A confirmed mass disposition: its progress, then its report", responses={200: DispositionRunOutput}
    )
)
class MassDispositionRunApi(RunApi):
    area = "citations"
    operation = "mass_disposition"


@extend_schema_view(
    get=extend_schema(summary="A confirmed assignment: its progress, then its report", responses={200: AssignRunOutput})
)
class AssignRunApi(RunApi):
    area = "cases"
    operation = "bulk_assign"
    action = BulkAction.ASSIGN
    output = AssignRunOutput


@extend_schema_view(
    get=extend_schema(
        summary="Confirmed courtroom outcomes: their progress, then the report", responses={200: OutcomesRunOutput}
    )
)
class HearingOutcomesRunApi(RunApi):
    area = "citations"
    operation = "hearing_outcomes"
    action = BulkAction.HEARING_OUTCOMES
    output = OutcomesRunOutput


class BulkAssignApi(BulkApi):
    area = "cases"
    operation = "bulk_assign"
    serializer_class = BulkAssignInput

    @extend_schema(
        summary="Assign many cases to one lawyer (preview, then confirm)",
        request=BulkAssignInput,
        responses={200: BulkAssignOutput, 202: AssignRunOutput},
    )
    def post(self, request: Request) -> Response:
        serializer = BulkAssignInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = signed_in(request.user)
        wanted = set(data["cases"])
        # Ids and numbers only: the service reads each case again itself (no sealed notes opened here).
        cases = list(
            case_list_visible_to(user=user)
            .filter(public_id__in=wanted)
            .select_related(None)
            .only("pk", "public_id", "number")
        )
        if len(cases) != len(wanted):
            raise exceptions.NotFound()
        lawyer = get_user_model()._default_manager.filter(username=data["lawyer"], is_active=True).first()
        if lawyer is None:
            raise exceptions.ValidationError({"lawyer": [_("No such lawyer.")]})
        if data["confirm"]:
            run = assign_run_start(by=user, cases=cases, lawyer=lawyer)
            return Response(AssignRunOutput(run_body(run, user=user)).data, status=status.HTTP_202_ACCEPTED)
        result = cases_assign_lawyer(cases=cases, lawyer=lawyer, by=user, preview=True)
        body = {
            "preview": True,
            "batch": "",
            "assigned": [{"case": c.public_id, "number": c.number} for c in result.assigned],
            "skipped": [{"case": c.public_id, "number": c.number, "reason": why} for c, why in result.skipped],
        }
        return Response(BulkAssignOutput(body).data)


class HearingOutcomesApi(BulkApi):
    area = "citations"
    operation = "hearing_outcomes"
    serializer_class = HearingOutcomesInput

    @extend_schema(
        summary="Record the outcomes of a day's (and courtroom's) hearing list, one per citation (preview, then confirm)",
        request=HearingOutcomesInput,
        responses={200: HearingOutcomesOutput, 202: OutcomesRunOutput},
    )
    def post(self, request: Request) -> Response:
        serializer = HearingOutcomesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = signed_in(request.user)
        entries = hearing_docket(user=user, date=data["date"], courtroom=data["courtroom"] or None)
        on_the_list = {c.public_id: c for entry in entries for c in entry.citations}
        pairs = []
        for row in data["outcomes"]:
            citation = on_the_list.get(row["citation"])
            if citation is None:  # not heard that day, or not the caller's: the same 404
                raise exceptions.NotFound()
            pairs.append((citation, row["disposition"]))
        if data["confirm"]:
            run = outcomes_run_start(by=user, outcomes=pairs, decided_on=data["date"], courtroom=data["courtroom"])
            return Response(OutcomesRunOutput(run_body(run, user=user)).data, status=status.HTTP_202_ACCEPTED)
        result = citation_hearing_outcomes(outcomes=pairs, decided_on=data["date"], by=user, preview=True)
        body = {
            "preview": True,
            "batch": "",
            "decided": [citation_row(c, disposition=d) for c, d in result.decided],
            "skipped": [citation_row(c, reason=why) for c, why in result.skipped],
        }
        return Response(HearingOutcomesOutput(body).data)
