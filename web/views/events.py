"""The coordinators' events page: list the events, create one, correct one, through
cases.services (event_create, event_update), so no one needs the Django admin for it. Events
hold no personal data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.access import event_list_visible_to, get_visible_or_404
from cases.models import Event
from cases.services import event_create, event_update
from cases.types import signed_in
from web.forms.events import EventForm
from web.permissions import page_for

FIELDS = ["name", "starts_at", "ends_at", "place", "jurisdiction", "time_zone", "description"]


def _apply_errors(form: EventForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@page_for("events.create")
@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    """Every event, newest first, and the form that creates one."""
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(by=signed_in(request.user), **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Event %(name)s created.") % {"name": event.name})
            return redirect("coord-events")
    rows = event_list_visible_to(user=request.user).order_by("-starts_at")[:200]
    return render(
        request, "cases/coordinate/events.html", {"form": form, "rows": rows}, status=400 if form.errors else 200
    )


@page_for("events.update")
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: UUID) -> HttpResponse:
    event: Event = get_visible_or_404(event_list_visible_to(user=request.user), event_id)
    initial: dict[str, Any] = {name: getattr(event, name) for name in FIELDS}
    form = EventForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if value != initial[name]}
        try:
            event_update(event=event, by=signed_in(request.user), **changes)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Event %(name)s saved.") % {"name": event.name})
            return redirect("coord-events")
    return render(
        request, "cases/coordinate/event_edit.html", {"form": form, "event": event}, status=400 if form.errors else 200
    )
