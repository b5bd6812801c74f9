"""The project's URLs plus the framework's floor: plain Django views that return JsonResponse of
`.values()` for the same rows a list endpoint shows: same scoping (cases.access), same order,
same page size, the same columns (personal ones decrypted by the same model fields; a citation's
deadlines with their rule's provenance, the clerk's hours table they are looked up in), and the
same related lists, each fetched with one more `.values()` query, as a prefetch would. No
serializer, no computed fields, no pagination count, no audit entry: that is the API's own cost
being measured."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

PAGE = 50


def _attach(rows: list[dict[str, Any]], key: str, pairs: Any) -> None:
    """Group (id, value) pairs onto their rows under `key` (what a prefetch does, by hand)."""
    by_id: dict[int, list[Any]] = {row["id"]: [] for row in rows}
    for row_id, value in pairs:
        by_id[row_id].append(value)
    for row in rows:
        row[key] = by_id[row["id"]]


def _finish(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row.pop("id", None)
    return rows


def floor_cases(user: Any) -> dict[str, Any]:
    from cases.access import case_list_visible_to
    from cases.models import Case

    rows = list(
        case_list_visible_to(user=user)
        .order_by("-opened_on", "-id")
        .values(
            "id", "public_id", "number", "event__public_id", "event__name", "demonstrator__public_id",
            "demonstrator__legal_name", "demonstrator__preferred_name", "demonstrator__conceal_legal_name", "status",
            "opened_on", "closed_on", "retention_until", "lawyer_notes", "created_at", "updated_at",
        )[:PAGE]
    )  # fmt: skip
    ids = [row["id"] for row in rows]
    lawyers = Case.lawyers.through.objects.filter(case_id__in=ids).values_list("case_id", "user__username")
    _attach(rows, "lawyers", lawyers)
    return {"results": _finish(rows)}


def floor_incidents(user: Any) -> dict[str, Any]:
    from cases.access import incident_list_visible_to
    from cases.models import ArrestSeen, Incident, IncidentOfficer

    rows = list(
        incident_list_visible_to(user=user)
        .order_by("-occurred_at", "-id")
        .values(
            "id", "public_id", "client_uuid", "event__public_id", "reporter__username", "occurred_at", "place",
            "latitude", "longitude", "agencies_present", "commander_present", "dispersal_warning",
            "dispersal_warning_by", "dispersal_warning_words", "dispersal_warning_audible", "narrative", "injuries",
            "witnesses", "video_holders", "media_present", "people_affected_count", "occurred_on", "created_at",
            "updated_at",
        )[:PAGE]
    )  # fmt: skip
    ids = [row["id"] for row in rows]
    force = Incident.force_types.through.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "forcetype__code"
    )
    _attach(rows, "force_types", force)
    sightings = IncidentOfficer.objects.filter(incident_id__in=ids).values(
        "incident_id", "officer__public_id", "officer__agency", "officer__name", "officer__badge_number",
        "officer__badge_status", "officer__unit", "badge_as_seen", "features_as_seen",
    )  # fmt: skip
    _attach(rows, "officers", ((s.pop("incident_id"), s) for s in sightings))
    seen = ArrestSeen.objects.filter(incident_id__in=ids).values(
        "incident_id", "person_description", "conduct", "case__public_id"
    )
    _attach(rows, "arrests_seen", ((s.pop("incident_id"), s) for s in seen))
    return {"results": _finish(rows)}


def floor_citations(user: Any) -> dict[str, Any]:
    from citations.access import citation_list_visible_to
    from citations.models import ClerkOfficeHours, Deadline
    from citations.selectors import citations_with_money

    rows = list(
        citations_with_money(citation_list_visible_to(user=user))
        .order_by("-issued_at", "-id")
        .values(
            "id", "public_id", "case__public_id", "case__number", "number", "agency", "jurisdiction", "kind",
            "offense_code", "offense_subsection", "offense_description", "fine", "costs", "issued_at", "place",
            "issuing_officer__public_id", "officer_name_as_written", "officer_badge_as_written", "status", "response",
            "responded_at", "hearing_at", "courtroom", "docket_number", "docketed", "disposition", "decided_on",
            "appealed_on", "closed_on", "status_changed_at", "paid_total", "refunded_total", "created_at",
            "updated_at", "case__event__jurisdiction",
        )[:PAGE]
    )  # fmt: skip
    ids = [row["id"] for row in rows]
    deadlines = (
        Deadline.objects.filter(citation_id__in=ids)
        .order_by("due_at", "id")
        .values(
            "citation_id", "public_id", "kind", "due_on", "due_at", "status", "warrant_risk", "uncertain_closure_on",
            "rule__code", "rule__source", "rule__verified", "rule__verified_at", "citation__jurisdiction",
            "case__event__jurisdiction",
        )
    )  # fmt: skip
    _attach(rows, "deadlines", ((d.pop("citation_id"), d) for d in deadlines))
    # The clerk's office hours a filing deadline shows, as one more read of a small table.
    hours = list(
        ClerkOfficeHours.objects.values("court", "office", "weekdays", "opens", "closes", "source", "uncertain")
    )
    return {"results": _finish(rows), "clerk_hours": hours}


FLOORS = {"cases": floor_cases, "incidents": floor_incidents, "citations": floor_citations}


@login_required
def floor(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in FLOORS:
        raise Http404
    return JsonResponse(FLOORS[kind](request.user))


urlpatterns = [*project_urlpatterns, path("bench-floor/<str:kind>/", floor)]
