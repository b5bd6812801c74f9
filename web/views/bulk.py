"""The bulk actions' pages: a mass disposition (with the refunds it leaves owed, recordable one by
one), many cases for one lawyer, and the outcomes of a whole courtroom list entered from a phone.

Each is a preview first (what would change, nothing written), then the same fields posted with
confirm=yes, which queues a background run (citations/runs.py) and redirects to its progress page:
the services (citations.services, cases.services) run each case in its own transaction and report
what they skipped and why; the run's page shows that report once it is done. The preview and
the report show case and citation numbers, never names; the pages that list names (the cases to
assign, the courtroom list) record the read in the audit trail as the other lists do."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import case_list_visible_to, event_list_visible_to, get_visible_or_404
from cases.audit import audit_record
from cases.models import Case, CaseStatus, Event, Payer
from cases.permissions import users_who_may
from cases.services import cases_assign_lawyer
from cases.types import User, signed_in
from citations import lifecycle
from citations.access import bulk_run_visible_to, citation_list_visible_to
from citations.models import BulkAction, BulkRun, Citation, Disposition, PaymentKind
from citations.runs import (
    assign_run_start,
    bulk_run_progress,
    bulk_run_report,
    disposition_run_start,
    outcomes_run_start,
)
from citations.selectors import RefundOwed, citations_for_mass_disposition, hearing_docket, refunds_owed_for
from citations.services import citation_hearing_outcomes, citation_mass_disposition, payment_record
from web.forms.bulk import BulkAssignForm, MassDispositionForm, RefundForm
from web.forms.desk import DocketFilterForm
from web.permissions import page_for

NAME_FIELDS = ["legal_name", "preferred_name"]
SHOWN = 500  # rows of a report shown on the page (the counts cover them all)


def _events(request: HttpRequest) -> QuerySet[Event]:
    return event_list_visible_to(user=request.user).only("public_id", "name", "starts_at").order_by("-starts_at")


# --- mass disposition ------------------------------------------------------------------------


@page_for("citations.mass_disposition")
@require_http_methods(["GET", "POST"])
def mass_disposition(request: HttpRequest) -> HttpResponse:
    """GET the filters; POST them for the preview; POST them with confirm=yes to decide."""
    events = _events(request)
    form = MassDispositionForm(request.POST if request.method == "POST" else None, events=events)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(request, "cases/coordinate/bulk_disposition.html", {"form": form}, status=status)
    data = form.cleaned_data
    user = signed_in(request.user)
    chosen = citations_for_mass_disposition(
        user=user, event=data["event"], kind=data["kind"], issued_from=data["issued_from"], issued_to=data["issued_to"]
    )
    if request.POST.get("confirm") == "yes":
        run = disposition_run_start(
            by=user, event=data["event"], kind=data["kind"], issued_from=data["issued_from"],
            issued_to=data["issued_to"], disposition=data["disposition"], decided_on=data["decided_on"],
        )  # fmt: skip
        return redirect(reverse("coord-bulk-disposition-run", kwargs={"run_id": run.public_id}))
    try:
        result = citation_mass_disposition(
            citations=chosen, disposition=data["disposition"], decided_on=data["decided_on"], by=user, preview=True
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "cases/coordinate/bulk_disposition.html", {"form": form}, status=400)
    context = {
        "form": form,
        "result": result,
        "decided": result.decided[:SHOWN],
        "skipped": result.skipped[:SHOWN],
        "refunds": [_refund_row(refund) for refund in result.refunds[:SHOWN]],
        "event": data["event"],
        "disposition_label": dict(Disposition.choices)[data["disposition"]],
    }
    return render(request, "cases/coordinate/bulk_disposition.html", context)


def _run_context(request: HttpRequest, run_id: UUID, action: str) -> tuple[BulkRun, dict[str, Any]]:
    """A run of `action` the user may see (404 otherwise), its progress and, once finished, its
    report (the first rows, through the reader's scope)."""
    run: BulkRun = get_visible_or_404(bulk_run_visible_to(user=request.user, action=action), run_id)
    context: dict[str, Any] = {"run": run, "progress": bulk_run_progress(run), "event": run.event}
    if run.finished:
        context["report"] = bulk_run_report(run, user=signed_in(request.user), limit=SHOWN)
    return run, context


def _run_status(request: HttpRequest, run_id: UUID, action: str) -> JsonResponse:
    run: BulkRun = get_visible_or_404(bulk_run_visible_to(user=request.user, action=action), run_id)
    response = JsonResponse(bulk_run_progress(run))
    response["Cache-Control"] = "no-store"
    return response


@page_for("citations.mass_disposition")
@require_GET
def disposition_run(request: HttpRequest, run_id: UUID) -> HttpResponse:
    """A confirmed mass disposition: its progress while the worker runs it, then its report."""
    run, context = _run_context(request, run_id, BulkAction.MASS_DISPOSITION)
    context["disposition_label"] = run.get_disposition_display()
    if "report" in context:
        report = context["report"]
        context.update(decided=report.decided, skipped=report.skipped, refunds=[_refund_row(r) for r in report.refunds])
    return render(request, "cases/coordinate/bulk_disposition_run.html", context)


@page_for("citations.mass_disposition")
@require_GET
def disposition_run_status(request: HttpRequest, run_id: UUID) -> JsonResponse:
    return _run_status(request, run_id, BulkAction.MASS_DISPOSITION)


def _refund_row(refund: RefundOwed) -> tuple[RefundOwed, RefundForm, str]:
    """A refund owed, its form (pre-filled) and the payer's label."""
    form = RefundForm(
        initial={
            "citation": refund.citation.public_id,
            "payer": refund.payer,
            "amount": refund.amount,
            "paid_on": timezone.localdate(),
        },
        auto_id=f"refund-{refund.citation.public_id}-{refund.payer}-%s",
    )
    return refund, form, str(dict(Payer.choices).get(refund.payer, refund.payer))


@page_for("citations.mass_disposition")
@require_http_methods(["GET"])
def refunds(request: HttpRequest) -> HttpResponse:
    """The refunds still owed on an event's citations (after a waiver), each recordable here."""
    events = _events(request)
    event = None
    owed: list[Any] = []
    if request.GET.get("event"):
        event = get_visible_or_404(events, request.GET["event"])
        owed = refunds_owed_for(user=request.user, event=event)
    return render(
        request,
        "cases/coordinate/bulk_refunds.html",
        {"events": events, "event": event, "refunds": [_refund_row(refund) for refund in owed]},
    )


@page_for("citations.mass_disposition")
@require_POST
def refund_record(request: HttpRequest) -> HttpResponse:
    """Record one refund owed (a payment of kind refund, through payment_record)."""
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(reverse("coord-bulk-refunds"))
    data = form.cleaned_data
    citation: Citation = get_visible_or_404(
        citation_list_visible_to(user=request.user).select_related("case__event"), data["citation"]
    )
    try:
        payment_record(
            citation=citation, amount=data["amount"], payer=data["payer"], paid_on=data["paid_on"],
            kind=PaymentKind.REFUND, reference=data["reference"], by=signed_in(request.user),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Refund of $%(amount)s on citation %(n)s recorded.") % {"amount": data["amount"], "n": citation.number},
        )
    return redirect(reverse("coord-bulk-refunds") + "?" + urlencode({"event": str(citation.case.event.public_id)}))


# --- many cases for one lawyer ---------------------------------------------------------------


@page_for("cases.bulk_assign")
@require_http_methods(["GET", "POST"])
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """GET: the open cases (of an event; only those without a lawyer unless all=1) to tick;
    POST lawyer and cases for the preview; with confirm=yes to assign."""
    events = _events(request)
    event = None
    source = request.POST if request.method == "POST" else request.GET
    cases = case_list_visible_to(user=request.user).exclude(status=CaseStatus.CLOSED)
    if source.get("event"):
        event = get_visible_or_404(events, source["event"])
        cases = cases.filter(event=event)
    everyone = source.get("all") == "1"
    if not everyone:
        cases = cases.filter(lawyers__isnull=True)
    cases = cases.select_related("demonstrator", "event").prefetch_related("lawyers").order_by("number", "pk")
    lawyers = users_who_may("cases.represent").order_by("username")
    form = BulkAssignForm(request.POST if request.method == "POST" else None, lawyers=lawyers, cases=cases)
    context: dict[str, Any] = {"form": form, "events": events, "event": event, "all": everyone}
    if request.method == "POST" and form.is_valid():
        chosen: list[Case] = list(form.cleaned_data["cases"])
        lawyer: User = form.cleaned_data["lawyer"]
        user = signed_in(request.user)
        try:
            if request.POST.get("confirm") == "yes":
                run = assign_run_start(by=user, cases=chosen, lawyer=lawyer, event=event)
                return redirect(reverse("coord-bulk-assign-run", kwargs={"run_id": run.public_id}))
            result = cases_assign_lawyer(cases=chosen, lawyer=lawyer, by=user, preview=True)
        except ValidationError as exc:
            form.add_error("lawyer", exc)
        else:
            context.update(result=result, chosen=chosen)
            return render(request, "cases/coordinate/bulk_assign.html", context)
    rows = list(cases[:SHOWN])
    if rows:
        audit_record(actor=request.user, action="case.list", fields=NAME_FIELDS, request=request, count=len(rows))
    context["rows"] = rows
    return render(request, "cases/coordinate/bulk_assign.html", context, status=400 if form.errors else 200)


@page_for("cases.bulk_assign")
@require_GET
def assign_run(request: HttpRequest, run_id: UUID) -> HttpResponse:
    """A confirmed assignment: its progress while the worker runs it, then its report (numbers)."""
    run, context = _run_context(request, run_id, BulkAction.ASSIGN)
    lawyer = users_who_may("cases.represent").filter(pk=run.params.get("lawyer")).first()
    context["lawyer"] = (lawyer.get_full_name() or lawyer.username) if lawyer is not None else "—"
    return render(request, "cases/coordinate/bulk_assign_run.html", context)


@page_for("cases.bulk_assign")
@require_GET
def assign_run_status(request: HttpRequest, run_id: UUID) -> JsonResponse:
    return _run_status(request, run_id, BulkAction.ASSIGN)


# --- a courtroom list's outcomes -------------------------------------------------------------


def outcome_choices(citation: Citation) -> list[tuple[str, str]]:
    """The decisions a hearing can end a citation with on its track (not "paid": that is a
    notice's response, not a courtroom outcome)."""
    allowed = lifecycle.track_for(citation.kind).dispositions - {Disposition.PAID}
    return [(value, str(label)) for value, label in Disposition.choices if value in allowed]


@page_for("citations.hearing_outcomes")
@require_http_methods(["GET", "POST"])
def hearing_outcomes(request: HttpRequest) -> HttpResponse:
    """The hearing list of a day (and courtroom) with one outcome per citation: GET shows it,
    POST previews the outcomes chosen, POST with confirm=yes records them (decided that day)."""
    source = request.POST if request.method == "POST" else request.GET
    form = DocketFilterForm(source or None, initial={"date": timezone.localdate()})
    day: datetime.date = timezone.localdate()
    courtroom = ""
    if form.is_bound and form.is_valid():
        day, courtroom = form.cleaned_data["date"], form.cleaned_data["courtroom"]
    user = signed_in(request.user)
    entries = hearing_docket(user=user, date=day, courtroom=courtroom or None)
    citations = {str(c.public_id): c for entry in entries for c in entry.citations}
    chosen = {key: request.POST.get(f"outcome-{key}", "") for key in citations} if request.method == "POST" else {}
    context: dict[str, Any] = {"form": form, "day": day, "courtroom": courtroom}
    status = 200
    if request.method == "POST":
        pairs = [(citations[key], value) for key, value in chosen.items() if value]
        if not pairs:
            messages.error(request, _("Choose an outcome for at least one row."))
            status = 400
        else:
            if request.POST.get("confirm") == "yes":
                run = outcomes_run_start(by=user, outcomes=pairs, decided_on=day, courtroom=courtroom)
                return redirect(reverse("desk-hearing-outcomes-run", kwargs={"run_id": run.public_id}))
            result = citation_hearing_outcomes(outcomes=pairs, decided_on=day, by=user, preview=True)
            labels = dict(Disposition.choices)
            context["result"] = result
            context["decided"] = [(c, value, labels.get(value, value)) for c, value in result.decided]
    if entries:
        audit_record(actor=request.user, action="docket.read", fields=NAME_FIELDS, request=request, count=len(entries))
    context["rows"] = [
        (entry, [(c, outcome_choices(c), chosen.get(str(c.public_id), "")) for c in entry.citations])
        for entry in entries
    ]
    return render(request, "citations/desk/hearing_outcomes.html", context, status=status)


@page_for("citations.hearing_outcomes")
@require_GET
def outcomes_run(request: HttpRequest, run_id: UUID) -> HttpResponse:
    """Confirmed courtroom outcomes: their progress while the worker records them, then the report."""
    run, context = _run_context(request, run_id, BulkAction.HEARING_OUTCOMES)
    context["back"] = urlencode({"date": run.decided_on.isoformat() if run.decided_on else "",
                                 "courtroom": run.params.get("courtroom", "")})  # fmt: skip
    if "report" in context:
        labels = dict(Disposition.choices)
        context["decided"] = [(c, labels.get(value, value)) for c, value in context["report"].decided]
    return render(request, "citations/desk/hearing_outcomes_run.html", context)


@page_for("citations.hearing_outcomes")
@require_GET
def outcomes_run_status(request: HttpRequest, run_id: UUID) -> JsonResponse:
    return _run_status(request, run_id, BulkAction.HEARING_OUTCOMES)
