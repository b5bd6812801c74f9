"""Web pages of the core record. Thin: selectors and services do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases.roles import Role, role_of

# Where each role works: (URL name, label). The navigation and the home page link to them.
ROLE_PLACES: dict[Role, list[tuple[str, str]]] = {
    Role.OBSERVER: [("observe-new", _("Report an incident")), ("observe-reports", _("My reports"))],
    Role.LAWYER: [],
    Role.ORGANIZER: [],
    Role.COORDINATOR: [("admin:index", _("Administration"))],
    Role.ADMINISTRATOR: [("admin:index", _("Administration"))],
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
