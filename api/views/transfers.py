"""Bulk import (citations.imports) and CSV export (citations.exports) of citations, for coordinators
and administrators (the permission table's `citations.import` and `citations.export` rows).

An import that writes nothing because rows were refused answers 400 with every error by row and
column (and the counts); a dry run or a written import answers 200 with the counts.
The export takes the citation list's filters and returns CSV with spreadsheet formulas
neutralised; both are audited by the citations services themselves."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import problem_response
from api.filters import CitationFilter
from api.idempotency import idempotent
from api.parsers import BoundedMultiPartParser
from api.permissions import AreaPermission
from api.serializers.transfers import CitationImportInput, CitationImportOutput
from cases.types import signed_in
from citations.access import citation_list_visible_to
from citations.exports import citations_csv
from citations.imports import import_citations_csv


class CitationImportView(APIView):
    area = "citations"
    operation = "import"
    permission_classes = [AreaPermission]
    parser_classes = [BoundedMultiPartParser]

    @extend_schema(
        summary="Import citations and people from a jail-support CSV (all-or-nothing by default)",
        request={"multipart/form-data": CitationImportInput},
        responses={200: CitationImportOutput},
    )
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CitationImportInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = import_citations_csv(
            data=data["file"].read(),
            by=signed_in(request.user),
            event=data["event"],
            atomic=not data["partial"],
            dry_run=data["dry_run"],
            kind=data["kind"],
            default_fine=data["default_fine"],
        )
        summary = CitationImportOutput(result.as_dict()).data
        if result.errors and not result.written and not data["dry_run"]:
            errors: dict[str, list[str]] = {}
            for error in result.errors[:500]:
                where = f"row {error['row']}" + (f": {error['column']}" if error["column"] else "")
                errors.setdefault(where, []).append(error["message"])
            response = problem_response(ValidationError(errors))
            response.data["result"] = summary
            return response
        return Response(summary)


class CitationExportView(APIView):
    area = "citations"
    operation = "export"
    permission_classes = [AreaPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = CitationFilter

    def get_queryset(self) -> Any:
        return citation_list_visible_to(user=self.request.user)

    @extend_schema(
        summary="Citations as CSV (the list's filters apply; formulas neutralised)",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        filters=True,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset = CitationFilter(
            request.query_params, queryset=citation_list_visible_to(user=request.user), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        text = citations_csv(user=request.user, queryset=filterset.qs, request=request)
        response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="citations-{timezone.localdate():%Y-%m-%d}.csv"'
        response["Cache-Control"] = "no-store"
        return response
