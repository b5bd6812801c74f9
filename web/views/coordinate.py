"""The coordinator's pages: cases waiting for a lawyer and assignment, accounts and roles, and
the audit trail. Writes go through cases.services; scoping through cases.access."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import (
    audit_entry_list_visible_to,
    case_list_visible_to,
    event_list_visible_to,
    get_visible_or_404,
)
from cases.audit import audit_record
from cases.permissions import users_who_may
from cases.services import (
    MFA_NOT_RECENT,
    account_create,
    account_set_active,
    account_set_role,
    case_assign_lawyers,
)
from cases.types import User, signed_in
from citations.deadlines import COURT_CALENDAR_PAGES, court_calendars_missing
from citations.models import ClerkOfficeHours, Court, CourtClosure
from citations.selectors import (
    audit_entry_records,
    case_search,
    cases_with_next_deadline,
    clerk_hours_list,
    court_closure_list,
)
from citations.services import clerk_hours_save, court_closure_delete, court_closure_save
from web.forms.coordinate import (
    AccountCreateForm,
    AccountRoleForm,
    AssignForm,
    AuditFilterForm,
    ClerkHoursForm,
    CourtClosureForm,
)
from web.forms.desk import CaseSearchForm
from web.lists import CASE_SORTS, sort_from, sorted_by
from web.permissions import page_for

NAME_FIELDS = ["legal_name", "preferred_name"]


def _lawyers() -> QuerySet[User]:
    """Who may be assigned: the permission table's `cases.represent` row, with role precedence
    (an account also in a less privileged group is not offered)."""
    return users_who_may("cases.represent").order_by("username")


WAITING_PAGE_SIZE = 50
SEARCH_SHOWN = 100  # a search shows its first rows, without pages


@page_for("cases.assign")
@require_http_methods(["GET", "POST"])
def coordination_home(request: HttpRequest) -> HttpResponse:
    """The coordinators' desk: the cases waiting for a lawyer, next deadline first (or by a
    column picked), found by a search (POST: it may be a name), and the batch form."""
    user = signed_in(request.user)
    search = CaseSearchForm(request.POST if request.method == "POST" else None)
    searching = search.is_valid()
    sort = sort_from(search.cleaned_data.get("sort") if searching else request.GET.get("sort"), CASE_SORTS, "deadline")
    waiting = sorted_by(
        cases_with_next_deadline(case_list_visible_to(user=user).filter(lawyers__isnull=True).exclude(status="closed")),
        sort,
        CASE_SORTS,
    )
    page = None
    if searching:
        rows = list(case_search(waiting, text=search.cleaned_data["q"])[:SEARCH_SHOWN])
        audit_record(actor=user, action="case.search", fields=NAME_FIELDS, request=request, count=len(rows))
    else:
        page = Paginator(waiting, WAITING_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if rows:
            audit_record(actor=user, action="case.list", fields=NAME_FIELDS, request=request, count=len(rows))
    events = event_list_visible_to(user=user).only("public_id", "name", "starts_at").order_by("-starts_at")
    courts = dict(Court.choices)
    missing = [(courts[court], year) for court, year in court_calendars_missing(timezone.localdate())]
    context = {
        "page": page, "rows": rows, "events": events, "search": search, "searching": searching,
        "search_form_id": "waiting-search", "sort": sort, "query": "", "today": timezone.localdate(),
        "shown_max": SEARCH_SHOWN, "missing_calendars": missing,
    }  # fmt: skip
    status = 400 if search.is_bound and not searching else 200
    return render(request, "cases/coordinate/home.html", context, status=status)


@page_for("cases.assign")
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = get_visible_or_404(case_list_visible_to(user=request.user).prefetch_related("lawyers"), case_id)
    lawyers = _lawyers()
    if request.method == "POST":
        form = AssignForm(request.POST, lawyers=lawyers)
        if form.is_valid():
            try:
                case_assign_lawyers(case=case, lawyers=form.cleaned_data["lawyers"], by=signed_in(request.user))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Case %(n)s assigned.") % {"n": case.number})
                return redirect("coord-home")
    else:
        form = AssignForm(initial={"lawyers": list(case.lawyers.all())}, lawyers=lawyers)
    audit_record(actor=request.user, action="case.read", target=case, fields=NAME_FIELDS, request=request)
    return render(
        request, "cases/coordinate/assign.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )


def _calendar_url(closure: CourtClosure) -> str:
    query = urlencode({"court": str(closure.court), "year": str(closure.day.year)})
    return f"{reverse('coord-court-calendar')}?{query}"


@page_for("deadlines.calendar")
@require_http_methods(["GET", "POST"])
def court_calendar(request: HttpRequest) -> HttpResponse:
    """The courts' closures per court and year: enter, correct or remove a day (deadlines
    recompute at once)."""
    court = request.GET.get("court") or Court.PHILADELPHIA
    if court not in Court.values:
        court = Court.PHILADELPHIA
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    form = CourtClosureForm(initial={"court": court})
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            closure = get_object_or_404(CourtClosure, pk=request.POST.get("closure") or 0)
            court_closure_delete(closure=closure, by=signed_in(request.user))
            messages.success(request, _("The closure was removed; deadlines were recomputed."))
            return redirect(_calendar_url(closure))
        form = CourtClosureForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                closure = court_closure_save(
                    court=data["court"], day=data["day"], name=data["name"], source=data["source"],
                    uncertain=data["uncertain"], by=signed_in(request.user),
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The closure was saved; deadlines were recomputed."))
                return redirect(_calendar_url(closure))
    closures = list(court_closure_list(court=court, year=year))
    context = {
        "form": form,
        "closures": closures,
        "unconfirmed": [c for c in closures if c.uncertain],
        "seeded": any(c.entered_by_id is None for c in closures),
        "check_at": COURT_CALENDAR_PAGES.get(court, ""),
        "court": court,
        "court_label": dict(Court.choices)[court],
        "courts": Court.choices,
        "year": year,
        "years": [year - 1, year, year + 1],
    }
    return render(request, "cases/coordinate/court_calendar.html", context, status=400 if form.errors else 200)


def _clerk_hours_initial(hours: ClerkOfficeHours | None) -> dict[str, Any]:
    if hours is None:
        return {"court": Court.PHILADELPHIA, "weekdays": list("01234")}
    return {
        "court": hours.court, "office": hours.office, "weekdays": list(hours.weekdays), "opens": hours.opens,
        "closes": hours.closes, "source": hours.source, "confirmed": not hours.uncertain,
    }  # fmt: skip


@page_for("deadlines.clerk_hours")
@require_http_methods(["GET", "POST"])
def clerk_hours(request: HttpRequest) -> HttpResponse:
    """The courts' clerk's office hours: what a filing's "due" says on every page, the API, the
    feed and the packets. Enter or correct an entry, with its source and whether it is confirmed
    (nothing is recomputed: due days do not move)."""
    editing = None
    pk = request.POST.get("hours") if request.method == "POST" else request.GET.get("edit")
    if pk:
        editing = get_object_or_404(ClerkOfficeHours, pk=pk if str(pk).isdigit() else 0)
    form = ClerkHoursForm(request.POST if request.method == "POST" else None, initial=_clerk_hours_initial(editing))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hours = editing or ClerkOfficeHours()
        hours.court, hours.office, hours.weekdays = (
            data["court"],
            data["office"].strip(),
            "".join(sorted(data["weekdays"])),
        )
        hours.opens, hours.closes, hours.source = data["opens"], data["closes"], data["source"]
        hours.uncertain = not data["confirmed"]
        try:
            clerk_hours_save(hours=hours, by=signed_in(request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The clerk's office hours were saved."))
            return redirect("coord-clerk-hours")
    context = {
        "form": form, "entries": list(clerk_hours_list()), "editing": editing, "courts": dict(Court.choices),
    }  # fmt: skip
    return render(request, "cases/coordinate/clerk_hours.html", context, status=400 if form.errors else 200)


@page_for("accounts.manage")
@require_http_methods(["GET", "POST"])
def accounts(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_create(
                username=data["username"], role=data["role"], password=data["password"], by=signed_in(request.user),
                request=request, first_name=data["first_name"], last_name=data["last_name"],
            )  # fmt: skip
        except ValidationError as exc:
            if _needs_fresh_code(exc):
                return _confirm_code_first(request, exc)
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Account %(u)s created.") % {"u": user.username})
            return redirect("coord-accounts")
    users = (
        get_user_model()
        .objects.prefetch_related(Prefetch("groups"))
        .annotate(cases=Count("assigned_cases", distinct=True))
        .order_by("-is_active", "username")
    )
    page = Paginator(users, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/coordinate/accounts.html",
        {"form": form, "page": page, "role_form": AccountRoleForm()},
        status=400 if form.errors else 200,
    )


def _needs_fresh_code(exc: ValidationError) -> bool:
    return getattr(exc, "code", None) == MFA_NOT_RECENT


def _confirm_code_first(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Account changes need a code confirmed in the last minutes: ask for one, then come back."""
    messages.warning(request, " ".join(exc.messages))
    return redirect(reverse("mfa_verify") + "?" + urlencode({"next": reverse("coord-accounts")}))


def _account(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(User, pk=user_id)


@page_for("accounts.manage")
@require_POST
def account_role(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _account(request, user_id)
    form = AccountRoleForm(request.POST)
    if form.is_valid():
        try:
            account_set_role(user=user, role=form.cleaned_data["role"], by=signed_in(request.user), request=request)
        except ValidationError as exc:
            if _needs_fresh_code(exc):
                return _confirm_code_first(request, exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role of %(u)s changed.") % {"u": user.username})
    return redirect("coord-accounts")


@page_for("accounts.manage")
@require_POST
def account_active(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _account(request, user_id)
    active = request.POST.get("active") == "1"
    try:
        account_set_active(user=user, active=active, by=signed_in(request.user), request=request)
    except ValidationError as exc:
        if _needs_fresh_code(exc):
            return _confirm_code_first(request, exc)
        messages.error(request, " ".join(exc.messages))
    else:
        message = _("%(u)s can sign in again.") if active else _("%(u)s is deactivated and signed out everywhere.")
        messages.success(request, message % {"u": user.username})
    return redirect("coord-accounts")


@page_for("audit.read")
@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = audit_entry_list_visible_to(user=request.user).order_by("-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_label=data["actor"].strip())
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"].strip())
        if data["target_type"]:
            entries = entries.filter(target_type=data["target_type"].strip().lower())
        if data["target_id"]:
            entries = entries.filter(target_id=data["target_id"].strip())
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(at__gte=datetime.datetime.combine(data["since"], datetime.time.min, tzinfo=tz))
        if data["until"]:
            end = datetime.datetime.combine(data["until"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
            entries = entries.filter(at__lt=end)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = list(page.object_list)
    records = audit_entry_records(user=request.user, entries=rows)
    audit_record(actor=request.user, action="audit.browse", request=request, count=len(rows))
    context = {
        "form": form,
        "page": page,
        "rows": [(entry, records.get(entry.pk)) for entry in rows],
        "query": query.urlencode(),
    }
    return render(request, "cases/coordinate/audit.html", context)
