"""The organizer's dashboard: aggregates only (citations.dashboard), small counts suppressed."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import AreaPermission
from api.serializers.dashboard import DashboardOutput, DashboardQuery
from cases.access import event_list_visible_to, get_visible_or_404
from citations.dashboard import dashboard_summary


class DashboardView(APIView):
    area = "dashboard"
    operation = "read"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="Aggregates per event or overall (no personal data; small counts suppressed)",
        parameters=[OpenApiParameter("event", OpenApiTypes.UUID, description="An event's id; overall when absent.")],
        responses={200: DashboardOutput},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = DashboardQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        event = None
        if query.validated_data.get("event"):
            event = get_visible_or_404(event_list_visible_to(user=request.user), query.validated_data["event"])
        return Response(dashboard_summary(event=event))
