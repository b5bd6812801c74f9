"""Web pages of the core record. Thin: selectors and services do the work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import overload
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases.roles import Role, role_of, sees_everything

# Where each role works: (URL name, label). The navigation and the home page link to them.
ROLE_PLACES: dict[Role, list[tuple[str, str]]] = {
    Role.OBSERVER: [("observe-new", _("Report an incident")), ("observe-reports", _("My reports"))],
    Role.LAWYER: [
        ("desk-cases", _("My cases")),
        ("desk-due", _("Due this week")),
        ("desk-docket", _("Hearing docket")),
        ("citations-calendar", _("Calendar feed")),
        ("dashboard", _("Dashboard")),
    ],
    Role.ORGANIZER: [("dashboard", _("Dashboard"))],
    Role.COORDINATOR: [
        ("coord-home", _("Coordination")),
        ("desk-cases", _("Cases")),
        ("desk-due", _("Due this week")),
        ("desk-docket", _("Hearing docket")),
        ("dashboard", _("Dashboard")),
        ("admin:index", _("Administration")),
    ],
    Role.ADMINISTRATOR: [
        ("coord-home", _("Coordination")),
        ("desk-cases", _("Cases")),
        ("dashboard", _("Dashboard")),
        ("admin:index", _("Administration")),
        ("lockdown", _("Emergency lockdown")),
    ],
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


@overload
def attachment_response(*, data: bytes, content_type: str, filename: str) -> HttpResponse: ...
@overload
def attachment_response(*, data: Iterator[bytes], content_type: str, filename: str) -> StreamingHttpResponse: ...
def attachment_response(
    *, data: bytes | Iterator[bytes], content_type: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """A file handed out as a download that no browser will render or run in our origin; an
    iterator of pieces is streamed (StreamingHttpResponse) instead of held whole."""
    if isinstance(data, bytes):
        response: HttpResponse | StreamingHttpResponse = HttpResponse(data, content_type=content_type)
    else:
        response = StreamingHttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def evidence_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """An evidence file the user may see: the metadata-free copy, or (coordinators, `?original=1`)
    the original as uploaded. Logged in the chain of custody and the audit trail."""
    from cases.access import evidence_list_visible_to, get_visible_or_404
    from cases.services import evidence_open

    evidence = get_visible_or_404(
        evidence_list_visible_to(user=request.user).select_related("case", "complaint__case", "incident"),
        public_id,
        user=request.user,
        request=request,
    )
    original = request.GET.get("original") == "1" and sees_everything(request.user)
    opened = evidence_open(evidence=evidence, by=request.user, request=request, original=original)
    return attachment_response(data=opened.data, content_type=opened.content_type, filename=opened.filename)
