"""The project's URLs plus the framework's floor: plain Django views that return JsonResponse of
`.values()` for the same rows a list endpoint shows (same scoping, same order, same page size,
the same fields, personal fields decrypted the same way by the model fields)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

PAGE = 50


def _citations(user: Any) -> Any:
    from citations.models import Citation

    try:
        from citations.access import citation_list_visible_to
    except ImportError:  # before the citations API exists: the coordinator's scope is everything
        return Citation.objects.all()
    return citation_list_visible_to(user=user)


def _cases(user: Any) -> Any:
    from cases.access import case_list_visible_to

    return case_list_visible_to(user=user)


def _incidents(user: Any) -> Any:
    from cases.access import incident_list_visible_to

    return incident_list_visible_to(user=user)


# What each list shows: the same columns as the API's list serializer.
FLOORS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "citations": (
        _citations,
        (
            "public_id", "case__public_id", "case__number", "number", "agency", "jurisdiction", "kind",
            "offense_code", "offense_subsection", "offense_description", "fine", "costs", "issued_at", "place",
            "status", "response", "responded_at", "hearing_at", "courtroom", "docket_number", "docketed",
            "disposition", "decided_on", "closed_on", "created_at", "updated_at",
        ),
    ),
    "cases": (
        _cases,
        (
            "public_id", "number", "event__public_id", "event__name", "demonstrator__public_id",
            "demonstrator__legal_name", "demonstrator__preferred_name", "demonstrator__conceal_legal_name",
            "status", "opened_on", "closed_on", "retention_until", "created_at", "updated_at",
        ),
    ),
    "incidents": (
        _incidents,
        (
            "public_id", "client_uuid", "event__public_id", "occurred_at", "place", "latitude", "longitude",
            "agencies_present", "commander_present", "dispersal_warning", "dispersal_warning_by",
            "dispersal_warning_words", "dispersal_warning_audible", "narrative", "injuries", "witnesses",
            "video_holders", "media_present", "people_affected_count", "created_at", "updated_at",
        ),
    ),
}  # fmt: skip


@login_required
def floor(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in FLOORS:
        raise Http404
    scope, fields = FLOORS[kind]
    rows = list(scope(request.user).values(*fields)[:PAGE])
    return JsonResponse({"results": rows})


urlpatterns = [*project_urlpatterns, path("bench-floor/<str:kind>/", floor)]
