"""Web pages of the core record. Thin: selectors and services do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.roles import Role, role_of

# Where each role works. Later pages register their URL names here; the home page links to them.
ROLE_PLACES: dict[Role, list[tuple[str, str]]] = {
    Role.OBSERVER: [],
    Role.LAWYER: [],
    Role.ORGANIZER: [],
    Role.COORDINATOR: [("admin:index", "Administration")],
    Role.ADMINISTRATOR: [("admin:index", "Administration")],
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    return render(
        request,
        "cases/home.html",
        {"role": role.value if role else "", "places": ROLE_PLACES.get(role, []) if role else []},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
