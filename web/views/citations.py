"""Citation pages: the lawyer's calendar-feed link, the feed itself, and (coordinators and
administrators: the permission table's `citations.import` and `citations.export` rows) CSV
import and export. Thin: citations.calendar, citations.imports and citations.exports do the work."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import get_visible_or_404
from cases.models import Event
from cases.types import signed_in
from citations import imports
from citations.calendar import (
    calendar_feed_ics,
    calendar_feed_issue,
    calendar_feed_revoke,
    calendar_feed_status,
    calendar_feed_user,
)
from citations.exports import citations_csv
from citations.imports import import_citations_csv
from citations.models import Citation
from web.forms.citations import CitationImportForm
from web.permissions import page_for


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics file, authenticated by the secret in its URL alone (calendar apps carry no
    session). Unknown and revoked tokens get the same 404."""
    user = calendar_feed_user(token=token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar_feed_ics(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@page_for("citations.calendar_feed", hidden=True)
@require_http_methods(["GET", "POST"])
@never_cache
def calendar_link(request: HttpRequest) -> HttpResponse:
    """A lawyer sees whether their link is live, regenerates it (the new URL is shown once) or
    revokes it."""
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            token = calendar_feed_issue(user=signed_in(request.user), by=signed_in(request.user))
            new_url = request.build_absolute_uri(reverse("citations-calendar-feed", args=[token]))
        elif action == "revoke":
            calendar_feed_revoke(user=signed_in(request.user), by=signed_in(request.user))
        else:
            return HttpResponse(status=400)
    return render(
        request,
        "citations/calendar.html",
        {"feed": calendar_feed_status(user=signed_in(request.user)), "new_url": new_url},
    )


@page_for("citations.import")
@require_http_methods(["GET", "POST"])
@never_cache
def import_page(request: HttpRequest) -> HttpResponse:
    """Coordinators upload a jail-support spreadsheet (CSV) and see every row error."""
    form = CitationImportForm(request.POST or None, request.FILES or None, user=signed_in(request.user))
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = import_citations_csv(
            data=data["file"].read(),
            by=signed_in(request.user),
            event=data["event"],
            atomic=not data["partial"],
            dry_run=data["dry_run"],
            kind=data["kind"],
            default_fine=data["default_fine"] if data["default_fine"] is not None else Decimal("0.00"),
        )
    context = {
        "form": form,
        "result": result,
        "required_columns": imports.REQUIRED_COLUMNS,
        "optional_columns": imports.MAY_BE_ABSENT,
    }
    return render(request, "citations/import.html", context)


@page_for("citations.export")
@require_GET
@never_cache
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every citation as CSV, for coordinators and administrators (a bulk export across people
    is theirs, audited: docs/security.md), with optional filters ?event=<id>&kind=&status=."""
    queryset = Citation.objects.all()
    event_id = request.GET.get("event")
    if event_id:
        queryset = queryset.filter(case__event__public_id=get_visible_or_404(Event.objects.all(), event_id).public_id)
    for name in ("kind", "status"):
        if request.GET.get(name):
            queryset = queryset.filter(**{name: request.GET[name]})
    body = citations_csv(user=signed_in(request.user), queryset=queryset, request=request)
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="citations-{stamp}.csv"'
    return response
