"""The base every API viewset builds on: scoped lookups by UUID, input and output serializers,
audited reads, one transaction and Idempotency-Key support for writes, If-Match on updates."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.pagination import Pagination
from api.permissions import AreaPermission
from api.rows import RowShape
from cases.access import get_visible_or_404
from cases.audit import audit_record


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it; read it again and retry.")
    default_code = "precondition_failed"


def etag_of(obj: Model) -> str:
    stamp = f"{getattr(obj, 'public_id', obj.pk)}:{getattr(obj, 'updated_at', '')}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


class ApiViewSet(viewsets.GenericViewSet):
    """Subclasses set `area`, `output_serializer_class`, and `input_serializer_class` /
    `update_serializer_class` for the writes they offer, and implement `get_queryset` through
    cases.access (or citations.access)."""

    area: str = ""
    personal: bool = True  # reads of this area are audited
    permission_classes = [AreaPermission]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "patch", "head", "options"]
    output_serializer_class: Any = None
    input_serializer_class: Any = None
    update_serializer_class: Any = None
    operation: str | None = None

    # --- plumbing

    def get_serializer_class(self) -> Any:
        if self.action == "create" and self.input_serializer_class is not None:
            return self.input_serializer_class
        if self.action in ("partial_update", "update") and self.update_serializer_class is not None:
            return self.update_serializer_class
        return self.output_serializer_class

    def get_object(self) -> Any:
        obj = get_visible_or_404(
            self.get_queryset(), self.kwargs[self.lookup_url_kwarg], user=self.request.user, request=self.request
        )
        self.check_object_permissions(self.request, obj)
        return obj

    def output(self, instance: Any, **kwargs: Any) -> dict[str, Any]:
        return self.output_serializer_class(instance, context=self.get_serializer_context(), **kwargs).data

    def audit_read(self, *, target: Any = None, count: int | None = None, action: str | None = None) -> None:
        if not self.personal:
            return
        meta = getattr(self.output_serializer_class, "Meta", None)
        fields = list(getattr(meta, "personal_fields", ()))
        details = {"count": count} if count is not None else {}
        audit_record(
            actor=self.request.user,
            action=f"api.{self.area}.{action or self.action}",
            target=target,
            fields=fields,
            request=self.request,
            **details,
        )


# The mixins below go before ApiViewSet in a viewset's bases; the checker reads them as one.
if TYPE_CHECKING:
    _ViewSetBase = ApiViewSet
else:
    _ViewSetBase = object


class ListMixin(_ViewSetBase):
    """GET on the list. With `list_rows` (an api.rows.RowShape of the output serializer) the page
    is read as `.values()` rows and written by the serializer's fields, without model instances."""

    list_rows: RowShape | None = None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset: QuerySet[Any] = self.filter_queryset(self.get_queryset())
        if self.list_rows is not None and isinstance(self.paginator, Pagination):
            self.paginator.count_queryset = queryset
        if self.list_rows is not None:
            queryset = self.list_rows.queryset(queryset)
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = self.list_rows.write(rows) if self.list_rows is not None else self.output(rows, many=True)
        self.audit_read(count=len(rows))
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)


class RetrieveMixin(_ViewSetBase):
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        data = self.output(instance)
        self.audit_read(target=instance)
        return Response(data, headers={"ETag": etag_of(instance)})


class CreateMixin(_ViewSetBase):
    """POST on the list: `perform_create(validated_data)` calls a service and returns the object."""

    def perform_create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError  # each viewset calls its service

    def create_status(self, instance: Any) -> int:
        return status.HTTP_201_CREATED

    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.input_serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create(serializer.validated_data)
        return Response(self.output(instance), status=self.create_status(instance))


class UpdateMixin(_ViewSetBase):
    """PATCH on an object: `perform_update(instance, validated_data)` calls a service."""

    def perform_update(self, instance: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError  # each viewset calls its service

    @idempotent
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        expected = request.headers.get("If-Match")
        if expected and expected != "*" and expected != etag_of(instance):
            raise PreconditionFailed()
        serializer = self.update_serializer_class(
            instance, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        instance = self.perform_update(instance, serializer.validated_data)
        return Response(self.output(instance), headers={"ETag": etag_of(instance)})
