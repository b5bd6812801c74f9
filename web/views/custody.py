"""The night of a mass arrest, for jail support and coordinators: the boards one may open, and
the coordinator's assignment of jail-support accounts to events. Scopes in custody/access.py,
writes in custody/services/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import event_list_visible_to
from cases.types import signed_in
from custody.access import board_event_list_visible_to
from custody.selectors.assignments import jail_support_accounts, jail_support_assignment_list
from custody.services.assignments import jail_support_assign, jail_support_unassign
from web.forms.custody import JailSupportAssignForm
from web.permissions import page_for


@page_for("custody.board")
@require_GET
def custody_home(request: HttpRequest) -> HttpResponse:
    """The events whose board this account may open (jail support: those assigned to it)."""
    events = board_event_list_visible_to(user=request.user).only("public_id", "name", "starts_at", "place")
    return render(request, "custody/home.html", {"events": events.order_by("-starts_at")})


@page_for("custody.assign")
@require_http_methods(["GET", "POST"])
def jail_support_assignments(request: HttpRequest) -> HttpResponse:
    accounts = jail_support_accounts()
    events = event_list_visible_to(user=request.user).order_by("-starts_at")
    form = JailSupportAssignForm(request.POST if request.method == "POST" else None, accounts=accounts, events=events)
    if request.method == "POST" and form.is_valid():
        user, event = form.cleaned_data["user"], form.cleaned_data["event"]
        try:
            if form.cleaned_data["action"] == JailSupportAssignForm.UNASSIGN:
                jail_support_unassign(user=user, event=event, by=signed_in(request.user))
                messages.success(request, _("%(u)s no longer supports %(e)s.") % {"u": user.username, "e": event})
            else:
                jail_support_assign(user=user, event=event, by=signed_in(request.user))
                messages.success(request, _("%(u)s now supports %(e)s.") % {"u": user.username, "e": event})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("custody-jail-support")
    context = {"form": form, "assignments": jail_support_assignment_list(user=request.user)}
    return render(request, "custody/jail_support.html", context, status=400 if form.errors else 200)
