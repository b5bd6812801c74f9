"""The observer's pages: the incident form (also the endpoint the phone's offline queue posts to)
and the list of one's own reports. Observers never see anyone else's reports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import incident_list_visible_to
from cases.models import Event
from cases.services import IncidentConflict, incident_create
from cases.types import signed_in
from web.forms.observe import IncidentReportForm, posted_chips
from web.offline import queued_post, service_worker_response
from web.permissions import page_for


@page_for("incidents.create")
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: one report; with `Accept: application/json` (the phone's queue) the answer
    is 201 (stored), 200 (already stored under this client UUID), 400 (errors) or 409 (id reused)."""
    if request.method == "POST":
        form = IncidentReportForm(request.POST, request.FILES, user=request.user)
        answer = queued_post(
            request,
            form,
            save=lambda: incident_create(
                reporter=signed_in(request.user),
                client_uuid=form.cleaned_data["client_uuid"],
                data=form.incident_input(),
                attachments=form.cleaned_data["attachments"],
            ),
            conflict=IncidentConflict,
            conflict_message=_("This report was already sent with different content. Reload the form."),
            saved_message=_("Report received. Thank you."),
            done=reverse("observe-reports"),
        )
        if answer is not None:
            return answer
    else:
        form = IncidentReportForm(user=request.user)
    return render(
        request,
        "cases/observe/form.html",
        {"form": form, "chips": posted_chips(form), "messages_for_script": _script_messages()},
        status=400 if form.errors else 200,
    )


@page_for("incidents.create")
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    """One's own reports as the server holds them (time, place, event, attachments: never the
    narrative, so a lost phone reveals little), plus what is still waiting on the phone (script)."""
    reports = (
        incident_list_visible_to(user=request.user)
        .filter(reporter=signed_in(request.user))
        .annotate(files=Count("evidence", distinct=True))
        .defer("narrative", "injuries", "witnesses", "video_holders")
        .order_by("-created_at", "-id")
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "cases/observe/reports.html", {"page": page, "messages_for_script": _script_messages()})


def _script_messages() -> dict[str, str]:
    """The phone script's words, translated here (the script itself holds no text)."""
    return {
        "saved": _("Saved on this phone. It will be sent when there is a connection."),
        "waiting": _("Waiting for a connection"),
        "sending": _("Sending"),
        "sent": _("Received by the legal team"),
        "sent_at": _("Sent at %(time)s. The legal team has the report."),
        "rejected": _("Not accepted; see why below and discard it or send it again"),
        "conflict": _("Already used for another report; discard this copy"),
        "signin": _("Sign in again to send"),
        "discard": _("Discard"),
        "retry": _("Send again"),
        "confirm_discard": _("Discard this report from the phone? It has not reached the legal team."),
        "online": _("Online"),
        "offline": _("Offline: reports are kept on this phone"),
        "pending": _("waiting on this phone"),
        "remove": _("Remove"),
        "location_added": _("Location added"),
        "location_failed": _("Location not available"),
        "location_removed": _("Location removed"),
        "no_storage": _("This browser cannot keep reports offline; stay online to send."),
        "officer": _("Officer"),
        "arrest": _("Arrest"),
    }


@page_for("incidents.create")
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker that lets the form open offline; served under /observe/ for its scope.
    It keeps the form and the list of one's reports (times, places, events: never a narrative)."""
    return service_worker_response(
        request,
        cache_prefix="tracker-observer-",
        pages=[reverse("observe-new")],
        lists=[reverse("observe-reports")],
        assets=[static("css/app.css"), static("js/observer.js")],
        data_version=str(Event.objects.count()),  # a new copy of the form when the events change
    )
