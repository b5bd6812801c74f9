"""The home page (each role's places, which the navigation also shows) and the health check."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases.permissions import may
from cases.roles import Role, role_of
from reminders.selectors import team_alerts_for

if TYPE_CHECKING:  # a lazily translated label
    from django_stubs_ext import StrOrPromise

# Where each role works: (URL name, label). The navigation and the home page link to them.
ROLE_PLACES: dict[Role, list[tuple[str, StrOrPromise]]] = {
    Role.OBSERVER: [("observe-new", _("Report an incident")), ("observe-reports", _("My reports"))],
    Role.JAIL_SUPPORT: [("custody-home", _("Custody boards"))],
    Role.LAWYER: [
        ("desk-cases", _("My cases")),
        ("desk-due", _("Due this week")),
        ("desk-docket", _("Hearing docket")),
        ("citations-calendar", _("Calendar feed")),
        ("claims-roster-index", _("Claims")),
        ("reminders-digest", _("Morning digest")),
        ("dashboard", _("Dashboard")),
    ],
    Role.ORGANIZER: [("dashboard", _("Dashboard"))],
    Role.COORDINATOR: [
        ("coord-home", _("Coordination")),
        ("intake", _("Intake")),
        ("custody-home", _("Custody boards")),
        ("desk-cases", _("Cases")),
        ("desk-due", _("Due this week")),
        ("desk-docket", _("Hearing docket")),
        ("claims-roster-index", _("Claims")),
        ("reminders-outbox", _("Outbox")),
        ("people-merge-queue", _("Likely duplicates")),
        ("dashboard", _("Dashboard")),
    ],
    Role.ADMINISTRATOR: [
        ("coord-home", _("Coordination")),
        ("intake", _("Intake")),
        ("desk-cases", _("Cases")),
        ("reminders-outbox", _("Outbox")),
        ("dashboard", _("Dashboard")),
        ("admin:index", _("Administration")),
        ("lockdown", _("Emergency lockdown")),
    ],
}


ALERT_DAYS = 7


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    # Alerts of the last week for whoever follows deadlines (a lawyer's own clients, every case
    # for coordinators), warrant risk first: reminders.selectors, scoped by reminders.access.
    since = timezone.now() - datetime.timedelta(days=ALERT_DAYS)
    alerts = team_alerts_for(user=request.user, since=since) if may(request.user, "deadlines.read") else []
    return render(
        request,
        "cases/home.html",
        {"role": role.value if role else "", "places": ROLE_PLACES.get(role, []) if role else [], "alerts": alerts},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
