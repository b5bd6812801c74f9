"""The lawyer's desk (coordinators see every case): "My cases", the case page, a citation's page
with its lifecycle actions, "Due this week" and the hearing docket.

Thin views: scoping comes from cases.access / citations.access, reads from citations.selectors,
every change from citations.services. Every page that shows a person's data records the read in
the audit trail (field names only, never values)."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import (
    arrest_list_visible_to,
    case_list_visible_to,
    complaint_list_visible_to,
    event_list_visible_to,
    evidence_list_visible_to,
    get_visible_or_404,
    incident_list_visible_to,
    statement_list_visible_to,
)
from cases.audit import audit_record
from cases.models import Case, CaseStatus, IncidentOfficer
from cases.permissions import may
from cases.selectors import case_attachments, incident_ids_concerning
from cases.services import CloseNeedsConfirmation
from cases.services import case_close as case_close_service
from cases.types import User, signed_in
from citations import services
from citations.access import citation_list_visible_to, deadline_list_visible_to
from citations.deadlines import appeal_path, civil_claim_clocks, warrant_notes
from citations.models import Citation, Deadline, DeadlineRule, DeadlineStatus
from citations.selectors import (
    balance_of,
    case_search,
    case_timeline,
    cases_with_next_deadline,
    citations_with_money,
    deadline_rule_list,
    deadlines_due,
    deadlines_overdue,
    hearing_docket,
    hearing_docket_cases,
    next_hearing_day,
)
from documents.services import citation_takes_a_plea
from web.forms.desk import (
    ACTION_FORMS,
    CaseCloseForm,
    CaseFilterForm,
    CaseSearchForm,
    DocketFilterForm,
    RuleReviewForm,
)
from web.lists import CASE_SORTS, sort_from, sorted_by
from web.permissions import page_for

# What the case page shows of the client (names of the fields, for the audit trail).
CLIENT_FIELDS = [
    "legal_name", "preferred_name", "pronouns", "preferred_language", "date_of_birth", "phone", "email",
    "postal_address", "support_contact", "special_needs",
]  # fmt: skip
NAME_FIELDS = ["legal_name", "preferred_name"]


# --- My cases ------------------------------------------------------------------------------


def _filter_cases(cases: QuerySet[Case], data: dict[str, Any], events: QuerySet[Any]) -> QuerySet[Case]:
    if data.get("event"):
        cases = cases.filter(event__in=events.filter(public_id=data["event"]))
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    window = data.get("due")
    today = timezone.localdate()
    open_ = [DeadlineStatus.OPEN, DeadlineStatus.MISSED]
    if window == "overdue":
        cases = cases.filter(Exists(Deadline.objects.filter(case=OuterRef("pk"), status__in=open_, due_on__lt=today)))
    elif window:
        until = today + datetime.timedelta(days=int(window))
        cases = cases.filter(
            Exists(
                Deadline.objects.filter(
                    case=OuterRef("pk"), status=DeadlineStatus.OPEN, due_on__gte=today, due_on__lte=until
                )
            )
        )
    return cases


SEARCH_SHOWN = 100  # a search shows its first rows, without pages


@page_for("cases.read")
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases one may see, next deadline first (or by a column the reader picks), filtered by
    event, status and deadline window (GET), or found by a search (POST: it may be a name)."""
    user = signed_in(request.user)
    events = event_list_visible_to(user=user).only("public_id", "name", "starts_at").order_by("-starts_at")
    form = CaseFilterForm(request.GET or None, events=events)
    search = CaseSearchForm(request.POST if request.method == "POST" else None)
    cases = case_list_visible_to(user=user)
    if form.is_valid():
        cases = _filter_cases(cases, form.cleaned_data, events)
    searching = search.is_valid()
    sort = sort_from(search.cleaned_data.get("sort") if searching else request.GET.get("sort"), CASE_SORTS, "deadline")
    cases = sorted_by(cases_with_next_deadline(cases).prefetch_related("lawyers"), sort, CASE_SORTS)
    if searching:
        rows = list(case_search(cases, text=search.cleaned_data["q"])[:SEARCH_SHOWN])
        page = None
        audit_record(actor=user, action="case.search", fields=NAME_FIELDS, request=request, count=len(rows))
    else:
        page = Paginator(cases, 50).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if rows:
            audit_record(actor=user, action="case.list", fields=NAME_FIELDS, request=request, count=len(rows))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    context = {
        "form": form, "search": search, "searching": searching, "search_form_id": "case-search",
        "page": page, "rows": rows, "today": timezone.localdate(), "sort": sort,
        "query": query.urlencode(), "shown_max": SEARCH_SHOWN,
    }  # fmt: skip
    status = 400 if search.is_bound and not searching else 200
    return render(request, "citations/desk/case_list.html", context, status=status)


# --- The case page -------------------------------------------------------------------------


@page_for("cases.read")
@require_GET
def case_detail(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = request.user
    case = get_visible_or_404(
        case_list_visible_to(user=user).prefetch_related("lawyers"), case_id, user=user, request=request
    )
    citations = list(
        citations_with_money(citation_list_visible_to(user=user).filter(case=case))
        .prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.select_related("rule").order_by("due_at", "id")),
            "payments",
        )
        .order_by("issued_at", "id")
    )
    for citation in citations:
        citation.balance = balance_of(citation)  # type: ignore[attr-defined]  # for the template
        citation.takes_a_plea = citation_takes_a_plea(citation)  # type: ignore[attr-defined]  # for the template
    arrests = list(arrest_list_visible_to(user=user).filter(case=case).order_by("arrested_at"))
    incidents = list(
        incident_list_visible_to(user=user)
        .filter(pk__in=incident_ids_concerning(case))
        .prefetch_related("force_types", Prefetch("officer_sightings", queryset=IncidentOfficer.objects.select_related("officer")))
        .order_by("occurred_at")
    )  # fmt: skip
    incident_ids = [i.pk for i in incidents]
    complaints = list(
        complaint_list_visible_to(user=user)
        .filter(case=case)
        .select_related("force_date")
        .prefetch_related("officers", "force_types", "incidents")
        .order_by("created_at")
    )
    today = timezone.localdate()
    claim_clocks = [
        {"force_on": c.force_on, "due_on": c.due_on, "days_left": c.days_left(today), "rule": c.rule}
        for c in civil_claim_clocks(case_ids=[case.pk])
    ]
    undated_complaints = [c for c in complaints if not c.incidents.all() and not hasattr(c, "force_date")]
    complaint_deadlines = list(
        deadline_list_visible_to(user=user).filter(case=case, complaint__isnull=False).order_by("due_at")
    )
    attached = case_attachments(case, incident_ids=incident_ids, complaint_ids=[c.pk for c in complaints])
    statements = list(statement_list_visible_to(user=user).filter(attached).order_by("taken_at"))
    evidence = list(evidence_list_visible_to(user=user).filter(attached).order_by("created_at"))
    audit_record(
        actor=user,
        action="case.read",
        target=case,
        fields=[*CLIENT_FIELDS, "lawyer_notes", "narrative", "injuries", "witnesses", "statement"],
        request=request,
    )
    context = {
        "case": case,
        "person": case.demonstrator,
        "citations": citations,
        "arrests": arrests,
        "incidents": incidents,
        "complaints": complaints,
        "complaint_deadlines": complaint_deadlines,
        "claim_clocks": claim_clocks,
        "undated_complaints": undated_complaints,
        "statements": statements,
        "evidence": evidence,
        "timeline": case_timeline(
            case=case,
            arrests=arrests,
            citations=citations,
            incidents=incidents,
            complaints=complaints,
            statements=statements,
        ),  # fmt: skip
        "today": timezone.localdate(),
        "calendar_feed": may(user, "citations.calendar_feed"),
        "may_close": case.status != CaseStatus.CLOSED and may(user, "cases.close"),
        "may_packet": may(user, "packets.create"),
    }
    return render(request, "citations/desk/case_detail.html", context)


@page_for("cases.close")
@require_POST
def case_close(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """Close a case. One with pending matters (open citations or deadlines, holds) comes back with
    them listed and a confirmation asking why (409); cases.services.case_close decides."""
    user = signed_in(request.user)
    case = get_visible_or_404(case_list_visible_to(user=user), case_id, user=user, request=request)
    form = CaseCloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case_close_service(
                case=case, by=user, closed_on=data["closed_on"], confirm=data["confirm"], note=data["note"]
            )
        except CloseNeedsConfirmation as exc:
            if data["confirm"]:
                form.add_error("note", _("Say why the case closes while these matters are pending."))
            context = {"case": case, "form": form, "holds": exc.holds, "message": exc.messages[0]}
            return render(request, "citations/desk/case_close_confirm.html", context, status=409)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("desk-case", case_id=case.public_id)
        messages.success(request, _("The case was closed."))
        return redirect("desk-case", case_id=case.public_id)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("desk-case", case_id=case.public_id)


# --- A citation and its lifecycle actions --------------------------------------------------


def _citation_for(request: HttpRequest, citation_id: UUID) -> Citation:
    queryset = citations_with_money(citation_list_visible_to(user=signed_in(request.user))).select_related(
        "case__demonstrator", "issuing_officer"
    )
    return get_visible_or_404(
        queryset.prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.select_related("rule").order_by("due_at", "id")), "payments"
        ),
        citation_id,
        user=signed_in(request.user),
        request=request,
    )


def _render_citation(request: HttpRequest, citation: Citation, bound: Any = None, status: int = 200) -> HttpResponse:
    citation.balance = balance_of(citation)  # type: ignore[attr-defined]  # for the template
    citation.takes_a_plea = citation_takes_a_plea(citation)  # type: ignore[attr-defined]  # for the template
    # Only the actions the citation's state allows (citations.lifecycle); a refused form stays
    # on screen with the service's reason.
    forms = {
        name: bound if bound is not None and bound.action == name else form_class(citation=citation)
        for name, form_class in ACTION_FORMS.items()
        if form_class.open_for(citation) or (bound is not None and bound.action == name)
    }
    audit_record(actor=request.user, action="citation.read", target=citation, fields=NAME_FIELDS, request=request)
    tz = ZoneInfo(citation.case.event.time_zone)
    appeal = appeal_path(
        citation, tz=tz, today=timezone.now().astimezone(tz).date(), place=citation.case.event.jurisdiction
    )
    notes = warrant_notes(
        citation,
        place=citation.case.event.jurisdiction,
        balance_due=citation.balance.balance_due,  # type: ignore[attr-defined]  # set above
    )
    return render(
        request,
        "citations/desk/citation_detail.html",
        {"citation": citation, "case": citation.case, "forms": forms, "today": timezone.localdate(),
         "open_form": bound.action if bound is not None else "", "appeal": appeal, "warrant_notes": notes},
        status=status,
    )  # fmt: skip


@page_for("citations.read")
@require_GET
def citation_detail(request: HttpRequest, citation_id: UUID) -> HttpResponse:
    return _render_citation(request, _citation_for(request, citation_id))


def _perform(action: str, citation: Citation, data: dict[str, Any], by: User) -> None:
    if action == "respond":
        services.citation_record_response(citation=citation, response=data["response"], at=data["at"], by=by)
    elif action == "hearing":
        services.citation_schedule_hearing(
            citation=citation, hearing_at=data["hearing_at"], courtroom=data["courtroom"], by=by,
            confirm_closed_day=data["confirm_closed_day"],
        )  # fmt: skip
    elif action == "docket":
        services.citation_record_docketed(citation=citation, docket_number=data["docket_number"], by=by)
    elif action == "decision":
        services.citation_record_disposition(
            citation=citation, disposition=data["disposition"], decided_on=data["decided_on"], by=by
        )
    elif action == "payment":
        services.payment_record(
            citation=citation, amount=data["amount"], payer=data["payer"], paid_on=data["paid_on"],
            kind=data["kind"], reference=data["reference"], by=by,
        )  # fmt: skip
    elif action == "appeal":
        services.citation_record_appeal(citation=citation, filed_on=data["filed_on"], by=by)
    elif action == "close":
        services.citation_close(
            citation=citation, by=by, closed_on=data["closed_on"], appeal_waived=data["appeal_waived"]
        )


DONE_MESSAGES = {
    "respond": gettext_noop("The response was recorded."),
    "hearing": gettext_noop("The hearing was scheduled."),
    "docket": gettext_noop("The docket number was recorded."),
    "decision": gettext_noop("The decision was recorded."),
    "payment": gettext_noop("The payment was recorded."),
    "appeal": gettext_noop("The appeal was recorded."),
    "close": gettext_noop("The citation was closed."),
}


@page_for("citations.lifecycle")
@require_POST
def citation_action(request: HttpRequest, citation_id: UUID, action: str) -> HttpResponse:
    citation = _citation_for(request, citation_id)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, citation=citation)
    if form.is_valid():
        try:
            _perform(action, citation, form.cleaned_data, signed_in(request.user))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _(DONE_MESSAGES[action]))
            return redirect("desk-citation", citation_id=citation.public_id)
    return _render_citation(request, _citation_for(request, citation_id), bound=form, status=400)


# --- Due this week and the hearing docket ----------------------------------------------------


DUE_PAGE_SIZE = 100
DOCKET_PAGE_SIZE = 100  # defendants a page
OVERDUE_SHOWN = 200  # on the first page, oldest first


@page_for("complaints.update")
@require_POST
def complaint_force_date(request: HttpRequest, complaint_id: UUID) -> HttpResponse:
    """The day force was used, for a complaint without an incident report."""
    user = signed_in(request.user)
    complaint = get_visible_or_404(complaint_list_visible_to(user=user).select_related("case__event"), complaint_id)
    try:
        day = datetime.date.fromisoformat(request.POST.get("force_used_on", ""))
    except ValueError:
        messages.error(request, _("Give the day force was used (YYYY-MM-DD)."))
        return redirect("desk-case", complaint.case.public_id)
    try:
        services.complaint_force_date_set(complaint=complaint, force_used_on=day, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The day force was used is saved; the civil-claim clock runs from it."))
    return redirect("desk-case", complaint.case.public_id)


@page_for("deadlines.read")
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    """Every deadline rule with its source, whether a lawyer has checked it, and its reviews."""
    return _rules_page(request, form=None, reviewing="")


def _rules_page(request: HttpRequest, *, form: RuleReviewForm | None, reviewing: str) -> HttpResponse:
    rows = list(deadline_rule_list())
    context = {
        "rules": rows,
        "form": form or RuleReviewForm(),
        "reviewing": reviewing,
        "may_review": may(request.user, "deadlines.review"),
    }
    return render(request, "citations/desk/rules.html", context, status=400 if form is not None else 200)


@page_for("deadlines.review")
@require_POST
def rule_review(request: HttpRequest, code: str) -> HttpResponse:
    """Sign a rule as checked against a version of its source (a review record)."""
    try:
        rule = DeadlineRule.objects.get(code=code)
    except DeadlineRule.DoesNotExist:
        raise Http404 from None
    form = RuleReviewForm(request.POST)
    if form.is_valid():
        try:
            services.rule_review_record(
                rule=rule,
                source_version=form.cleaned_data["source_version"],
                note=form.cleaned_data["note"],
                by=signed_in(request.user),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rule %(code)s is signed as checked.") % {"code": rule.code})
            return redirect("desk-rules")
    return _rules_page(request, form=form, reviewing=rule.code)


@page_for("deadlines.read")
@require_GET
def due_this_week(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # A page at a time (a coordinator can have thousands due in a week): count, rows, lawyers.
    page = Paginator(
        deadlines_due(user=signed_in(request.user), within_days=7, today=today).select_related("case__demonstrator"),
        DUE_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    due = list(page.object_list)
    overdue = (
        list(
            deadlines_overdue(user=signed_in(request.user), today=today).select_related("case__demonstrator")[
                :OVERDUE_SHOWN
            ]
        )
        if page.number == 1
        else []
    )
    if due or overdue:
        audit_record(
            actor=request.user,
            action="deadline.list",
            fields=NAME_FIELDS,
            request=request,
            count=len(due) + len(overdue),
        )
    return render(
        request,
        "citations/desk/due.html",
        {"due": due, "page": page, "overdue": overdue, "today": today, "until": today + datetime.timedelta(days=7)},
    )


@page_for("citations.read")
@require_http_methods(["GET"])
def docket(request: HttpRequest) -> HttpResponse:
    """One day's hearings. Without a date it opens on the next day with a hearing (today when
    there is one); a day without hearings points to the next one."""
    user = signed_in(request.user)
    today = timezone.localdate()
    form = DocketFilterForm(request.GET or None)
    courtroom = ""
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["date"]
        courtroom = form.cleaned_data["courtroom"]
        moved = False
    else:
        day = next_hearing_day(user=user, on_or_after=today) or today
        moved = day != today
        form = DocketFilterForm(initial={"date": day})
    # A long day's docket comes a page of defendants at a time (the PDF holds the whole day).
    page = Paginator(hearing_docket_cases(user=user, date=day, courtroom=courtroom or None), DOCKET_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = (
        hearing_docket(user=user, date=day, courtroom=courtroom or None, case_ids=list(page.object_list))
        if page.object_list
        else []
    )
    following = None
    if not entries:
        following = next_hearing_day(
            user=user, on_or_after=day + datetime.timedelta(days=1), courtroom=courtroom or None
        )
    if entries:
        audit_record(actor=user, action="docket.read", fields=NAME_FIELDS, request=request, count=len(entries))
    context = {
        "form": form, "entries": entries, "day": day, "moved": moved, "following": following,
        "courtroom": courtroom, "today": today, "page": page,
    }  # fmt: skip
    return render(request, "citations/desk/docket.html", context)
