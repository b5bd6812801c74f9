"""The intake desk over the API: one-step intake (`intake.create`), a release recorded into the
case (`intake.release`), and merging two records of one person or undoing it, or marking a
suggested pair as different people or undoing that (`people.merge`),
for coordinators and administrators. Each calls custody.services; a refusal answers 400 with the
field (or "citations.N") it concerns, and writes nothing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.idempotency import idempotent
from api.permissions import AreaPermission
from api.serializers.intake import (
    DismissalInput,
    DismissalOutput,
    IntakeInput,
    IntakeOutput,
    MergeInput,
    MergeOutput,
    ReleaseInput,
    ReleaseOutput,
)
from cases.access import arrest_list_visible_to, get_visible_or_404
from cases.types import signed_in
from custody.selectors.duplicates import dismissals_undoable, merges_undoable
from custody.services.intake import intake_register, release_record
from custody.services.merge import duplicate_dismiss, duplicate_dismissal_undo, person_merge, person_merge_undo


class IntakeApi(APIView):
    area = "intake"
    operation = "create"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="Register a person (or reuse one), their case, an arrest and citations in one step",
        request=IntakeInput,
        responses={201: IntakeOutput},
    )
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = IntakeInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = intake_register(
            by=signed_in(request.user),
            event=data["event"],
            person=data.get("person") or None,
            existing_person=data.get("existing_person"),
            arrest=data.get("arrest") or None,
            citations=data.get("citations", []),
        )
        return Response(IntakeOutput(result).data, status=status.HTTP_201_CREATED)


class ReleaseApi(APIView):
    area = "intake"
    operation = "release"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="Record a release from custody, with the citations handed over (deadlines at once)",
        request=ReleaseInput,
        responses={200: ReleaseOutput},
    )
    @idempotent
    def post(self, request: Request, id: UUID, *args: Any, **kwargs: Any) -> Response:  # noqa: A002 - the route's name
        user = signed_in(request.user)
        arrest = get_visible_or_404(arrest_list_visible_to(user=user), id, user=user, request=request)
        body = ReleaseInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = release_record(
            arrest=arrest,
            by=user,
            released_at=data["released_at"],
            citations=data.get("citations", []),
            property_returned=data.get("property_returned"),
        )
        return Response(ReleaseOutput(result).data)


class PersonMergeApi(APIView):
    area = "people"
    operation = "merge"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="Merge two records of one person (the source's cases and the rest move to the target)",
        request=MergeInput,
        responses={201: MergeOutput},
    )
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MergeInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        merge = person_merge(source=data["merged_person"], target=data["kept_person"], by=signed_in(request.user))
        return Response(MergeOutput(merge).data, status=status.HTTP_201_CREATED)


class PersonMergeUndoApi(APIView):
    area = "people"
    operation = "merge"
    permission_classes = [AreaPermission]

    @extend_schema(summary="Undo a person merge within its window", request=None, responses={200: MergeOutput})
    @idempotent
    def post(self, request: Request, id: UUID, *args: Any, **kwargs: Any) -> Response:  # noqa: A002 - the route's name
        user = signed_in(request.user)
        merge = get_visible_or_404(merges_undoable(user=user), id, user=user, request=request)
        return Response(MergeOutput(person_merge_undo(merge=merge, by=user)).data)


class DuplicateDismissalApi(APIView):
    area = "people"
    operation = "merge"
    permission_classes = [AreaPermission]

    @extend_schema(
        summary="Mark two records as different people: the merge queue no longer pairs them",
        request=DismissalInput,
        responses={201: DismissalOutput},
    )
    @idempotent
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = DismissalInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        dismissal = duplicate_dismiss(
            first=data["first_person"], second=data["second_person"], by=signed_in(request.user)
        )
        return Response(DismissalOutput(dismissal).data, status=status.HTTP_201_CREATED)


class DuplicateDismissalUndoApi(APIView):
    area = "people"
    operation = "merge"
    permission_classes = [AreaPermission]

    @extend_schema(summary="Put a pair marked as different people back in the queue", request=None,
                   responses={200: DismissalOutput})  # fmt: skip
    @idempotent
    def post(self, request: Request, id: UUID, *args: Any, **kwargs: Any) -> Response:  # noqa: A002 - the route's name
        user = signed_in(request.user)
        dismissal = get_visible_or_404(dismissals_undoable(user=user), id, user=user, request=request)
        return Response(DismissalOutput(duplicate_dismissal_undo(dismissal=dismissal, by=user)).data)
