"""The claims pages: a complaint's allegations and their findings, and the plaintiff roster of an
event with its CSV and PDF exports (lawyers of the case and coordinators; exports: coordinators);
an officer's history across events, where coordinators merge unidentified records into them;
the signed evidence export of a case or an event (coordinators) and the public key that checks it;
an incident's preservation letters; the blur editor of a photo (lawyers and coordinators), where
faces the detector proposes and rectangles drawn by hand are blurred on every shared copy.
Scoping through cases.access / claims.access (out of scope: 404), reads through claims.selectors,
writes through claims.services; each read of clients' data is recorded in the audit trail."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import (
    case_list_visible_to,
    complaint_list_visible_to,
    event_list_visible_to,
    evidence_list_visible_to,
    get_visible_or_404,
    incident_list_visible_to,
    officer_list_visible_to,
)
from cases.audit import audit_record
from cases.models import CustodyAction, Evidence, ExcessiveForceComplaint, Incident, Officer
from cases.permissions import may
from cases.services import evidence_bytes_for_render, evidence_log_access, officer_merge
from cases.types import User, signed_in
from claims.access import allegation_list_visible_to
from claims.evidence_export import evidence_export
from claims.exports import preservation_letter_pdf, roster_csv, roster_pdf
from claims.models import Finding
from claims.selectors import (
    ROSTER_SORTS,
    allegation_incident_choices,
    allegations_of,
    blur_regions_of,
    blurred_bytes,
    merge_candidates,
    officer_history,
    plaintiff_roster,
    preservation_plans,
    roster_names,
    unidentified_hurt_count,
)
from claims.services import (
    allegation_create,
    allegation_update,
    blur_regions_set,
    face_proposals_for,
    preservation_letter_record,
)
from core.crypto import signing_public_key_pem
from core.downloads import attachment_response
from documents.context import is_photo
from documents.photos import Region
from web.forms.claims import AllegationForm, PreservationSentForm
from web.permissions import page_for


def _form(user: User, complaint: ExcessiveForceComplaint, **kwargs: Any) -> AllegationForm:
    officers = (
        officer_list_visible_to(user=user).filter(merged_into__isnull=True).order_by("agency", "badge_number", "name")
    )
    instance = kwargs.get("instance")
    incidents = allegation_incident_choices(
        complaint=complaint, user=user, current=instance.incident_id if instance is not None else None
    )
    return AllegationForm(officers=officers, incidents=incidents, **kwargs)


def _page(
    request: HttpRequest, complaint: ExcessiveForceComplaint, form: AllegationForm | None, status: int = 200
) -> HttpResponse:
    user = signed_in(request.user)
    allegations = list(allegations_of(complaint=complaint, user=user))
    audit_record(actor=user, action="allegation.list", target=complaint, request=request, count=len(allegations))
    context = {"complaint": complaint, "case": complaint.case, "allegations": allegations, "form": form}
    return render(request, "claims/allegations.html", context, status=status)


@page_for("allegations.read")
@require_GET
def complaint_allegations(request: HttpRequest, complaint_id: UUID) -> HttpResponse:
    user = signed_in(request.user)
    complaint = get_visible_or_404(complaint_list_visible_to(user=user), complaint_id, user=user, request=request)
    form = _form(user, complaint) if may(user, "allegations.create") else None
    return _page(request, complaint, form)


@page_for("allegations.create")
@require_POST
def allegation_add(request: HttpRequest, complaint_id: UUID) -> HttpResponse:
    user = signed_in(request.user)
    complaint = get_visible_or_404(complaint_list_visible_to(user=user), complaint_id, user=user, request=request)
    form = _form(user, complaint, data=request.POST)
    if form.is_valid():
        try:
            allegation_create(complaint=complaint, by=user, **form.changes())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The allegation was added."))
            return redirect("claims-allegations", complaint_id=complaint.public_id)
    return _page(request, complaint, form, status=400)


@page_for("allegations.update")
@require_http_methods(["GET", "POST"])
def allegation_edit(request: HttpRequest, allegation_id: UUID) -> HttpResponse:
    user = signed_in(request.user)
    allegation = get_visible_or_404(allegation_list_visible_to(user=user), allegation_id, user=user, request=request)
    complaint = allegation.complaint
    status = 200
    if request.method == "POST":
        form = _form(user, complaint, data=request.POST, instance=allegation)
        if form.is_valid():
            try:
                allegation_update(allegation=allegation, by=user, **form.changes())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The finding was saved."))
                return redirect("claims-allegations", complaint_id=complaint.public_id)
        status = 400
    else:
        form = _form(user, complaint, instance=allegation)
    audit_record(actor=user, action="allegation.read", target=allegation, request=request)
    return render(
        request,
        "claims/allegation_edit.html",
        {"allegation": allegation, "complaint": complaint, "form": form},
        status=status,
    )


# --- The plaintiff roster of an event --------------------------------------------------------

# What the roster shows of each person (field names, for the audit trail).
ROSTER_FIELDS = ["legal_name", "preferred_name", "injuries", "treatment"]
ROSTER_PAGE = 200


@page_for("roster.read")
@require_GET
def roster_index(request: HttpRequest) -> HttpResponse:
    events = event_list_visible_to(user=request.user).only("public_id", "name", "starts_at").order_by("-starts_at")
    return render(request, "claims/roster_index.html", {"events": events})


@page_for("roster.read")
@require_GET
def roster(request: HttpRequest, event_id: UUID) -> HttpResponse:
    user = signed_in(request.user)
    event = get_visible_or_404(event_list_visible_to(user=user), event_id, user=user, request=request)
    sort = request.GET.get("sort", "days_left")
    rows = plaintiff_roster(event=event, user=user, sort=sort, names=False)
    page = Paginator(rows, ROSTER_PAGE).get_page(request.GET.get("page"))
    roster_names(list(page.object_list))  # the rows themselves: unsealed in place
    audit_record(
        actor=user,
        action="roster.read",
        target=event,
        fields=ROSTER_FIELDS,
        request=request,
        count=len(page.object_list),
    )
    context = {
        "event": event,
        "page": page,
        "total": len(rows),
        "sort": sort,
        "sorts": ROSTER_SORTS,
        "may_export": may(user, "roster.export"),
        "may_export_evidence": may(user, "evidence.export"),
        "unidentified": unidentified_hurt_count(event=event),
        "may_link": may(user, "hotline.update"),
    }
    return render(request, "claims/roster.html", context)


@page_for("roster.export")
@require_GET
def roster_export(request: HttpRequest, event_id: UUID, fmt: str) -> HttpResponse:
    """The whole roster as CSV or PDF (coordinators: a cross-person export, audited)."""
    user = signed_in(request.user)
    event = get_visible_or_404(event_list_visible_to(user=user), event_id, user=user, request=request)
    rows = plaintiff_roster(event=event, user=user, sort=request.GET.get("sort", "days_left"))
    audit_record(
        actor=user,
        action="roster.export",
        target=event,
        fields=ROSTER_FIELDS,
        request=request,
        count=len(rows),
        format=fmt,
    )
    stem = f"plaintiff-roster-{event.public_id}"
    if fmt == "pdf":
        return attachment_response(data=roster_pdf(rows, event), content_type="application/pdf", filename=f"{stem}.pdf")
    return attachment_response(
        data=roster_csv(rows, event), content_type="text/csv; charset=utf-8", filename=f"{stem}.csv"
    )


# --- One officer's history, and merging unidentified records into them -------------------------


@page_for("officers.history")
@require_GET
def officer_index(request: HttpRequest) -> HttpResponse:
    """Find an officer by badge number or name (officers are public employees acting in public)."""
    query = request.GET.get("q", "").strip()[:60]
    officers = officer_list_visible_to(user=request.user).filter(merged_into__isnull=True)
    if query:
        officers = officers.filter(
            Q(badge_number__icontains=query) | Q(name__icontains=query) | Q(unit__icontains=query)
        )
    officers = officers.annotate(seen=Count("sightings__incident", distinct=True)).order_by(
        "-seen", "agency", "badge_number", "id"
    )
    return render(request, "claims/officer_index.html", {"officers": officers[:100], "q": query})


# Incidents an officer was seen in, per page (a busy officer is seen in thousands).
OFFICER_SIGHTINGS_PAGE = 100


def _officer_page(request: HttpRequest, officer: Officer, status: int = 200) -> HttpResponse:
    user = signed_in(request.user)
    history = officer_history(officer=officer, user=user)
    sightings = Paginator(history.sightings, OFFICER_SIGHTINGS_PAGE).get_page(request.GET.get("page"))
    audit_record(actor=user, action="officer.history", target=officer, request=request)
    may_merge = may(user, "officers.merge") and officer.merged_into_id is None
    context = {
        "h": history,
        "sightings": sightings,
        "officer": officer,
        "findings": [(label, history.findings[value]) for value, label in Finding.choices],
        "candidates": list(merge_candidates(officer=officer)[:50]) if may_merge else [],
        "may_merge": may_merge,
    }
    return render(request, "claims/officer.html", context, status=status)


@page_for("officers.history")
@require_GET
def officer_page(request: HttpRequest, officer_id: UUID) -> HttpResponse:
    user = signed_in(request.user)
    officer = get_visible_or_404(officer_list_visible_to(user=user), officer_id, user=user, request=request)
    return _officer_page(request, officer)


@page_for("officers.merge")
@require_POST
def officer_merge_into(request: HttpRequest, officer_id: UUID) -> HttpResponse:
    """Merge an unidentified (partial or covered badge) record into this officer, keeping every
    sighting and what the observer saw (cases.services.officer_merge)."""
    user = signed_in(request.user)
    officer = get_visible_or_404(officer_list_visible_to(user=user), officer_id, user=user, request=request)
    source = merge_candidates(officer=officer).filter(public_id__in=_uuids(request.POST.get("source", ""))).first()
    if source is None:
        messages.error(request, _("Choose one of the records offered for merging."))
        return _officer_page(request, officer, status=400)
    try:
        officer_merge(source=source, target=officer, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _officer_page(request, officer, status=400)
    messages.success(request, _("The record was merged into this officer; every sighting was kept."))
    return redirect("claims-officer", officer_id=officer.public_id)


def _uuids(value: str) -> list[UUID]:
    try:
        return [UUID(value)]
    except ValueError:
        return []


# --- The signed evidence export, and the key that checks it ------------------------------------


@page_for("evidence.export")
@require_GET
def evidence_export_case(request: HttpRequest, case_id: UUID) -> HttpResponseBase:
    user = signed_in(request.user)
    case = get_visible_or_404(case_list_visible_to(user=user), case_id, user=user, request=request)
    export = evidence_export(by=user, case=case, request=request)
    return attachment_response(data=export.chunks, content_type="application/zip", filename=export.filename)


@page_for("evidence.export")
@require_GET
def evidence_export_event(request: HttpRequest, event_id: UUID) -> HttpResponseBase:
    user = signed_in(request.user)
    event = get_visible_or_404(event_list_visible_to(user=user), event_id, user=user, request=request)
    export = evidence_export(by=user, event=event, request=request)
    return attachment_response(data=export.chunks, content_type="application/zip", filename=export.filename)


@page_for("signing_key.read")
@require_GET
def signing_key(request: HttpRequest) -> HttpResponse:
    """The public key that checks evidence export manifests (docs/claims.md says how)."""
    response = HttpResponse(signing_public_key_pem(), content_type="text/plain; charset=us-ascii")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Preservation letters for an incident ------------------------------------------------------


def _incident(request: HttpRequest, incident_id: UUID) -> Incident:
    user = signed_in(request.user)
    return get_visible_or_404(incident_list_visible_to(user=user), incident_id, user=user, request=request)


def _preservation_page(
    request: HttpRequest, incident: Incident, form: PreservationSentForm, status: int = 200
) -> HttpResponse:
    audit_record(actor=request.user, action="preservation.read", target=incident, request=request)
    context = {
        "incident": incident,
        "plans": preservation_plans(incident=incident),
        "form": form,
        "may_send": may(request.user, "preservation.send"),
    }
    return render(request, "claims/preservation.html", context, status=status)


@page_for("preservation.read")
@require_GET
def preservation(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    return _preservation_page(request, _incident(request, incident_id), PreservationSentForm())


@page_for("preservation.send")
@require_GET
def preservation_letter(request: HttpRequest, incident_id: UUID, recipient: str) -> HttpResponse:
    incident = _incident(request, incident_id)
    plan = next((p for p in preservation_plans(incident=incident) if p.recipient == recipient and p.kinds), None)
    if plan is None:
        raise Http404
    audit_record(actor=request.user, action="preservation.letter", target=incident, request=request, kind=recipient)
    data = preservation_letter_pdf(incident=incident, plan=plan)
    return attachment_response(
        data=data, content_type="application/pdf", filename=f"preservation-{recipient}-{incident.public_id}.pdf"
    )


@page_for("preservation.send")
@require_POST
def preservation_sent(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    incident = _incident(request, incident_id)
    form = PreservationSentForm(request.POST)
    if form.is_valid():
        try:
            preservation_letter_record(incident=incident, by=signed_in(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The letter was recorded as sent."))
            return redirect("claims-preservation", incident_id=incident.public_id)
    return _preservation_page(request, incident, form, status=400)


def _photo(request: HttpRequest, evidence_id: UUID) -> Evidence:
    user = signed_in(request.user)
    queryset = evidence_list_visible_to(user=user).select_related("case", "complaint__case", "incident")
    evidence = get_visible_or_404(queryset, evidence_id, user=user, request=request)
    if not is_photo(evidence):
        raise Http404
    return evidence


def _regions_from(raw: str) -> list[Region]:
    """The editor's rectangles (a JSON list of [x, y, w, h] fractions); ValueError if malformed."""
    value = json.loads(raw)
    if not isinstance(value, list):
        raise ValueError("a list of regions")
    regions: list[Region] = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 4 and all(isinstance(n, int | float) for n in item)):
            raise ValueError("a region is four numbers")
        regions.append((float(item[0]), float(item[1]), float(item[2]), float(item[3])))
    return regions


@page_for("evidence.blur")
@require_http_methods(["GET", "POST"])
def blur_editor(request: HttpRequest, evidence_id: UUID) -> HttpResponse:
    """A photo's blur regions: the saved ones, or (none saved yet) the faces the detector
    proposes; POST saves the rectangles drawn and makes the blurred copy."""
    evidence = _photo(request, evidence_id)
    user = signed_in(request.user)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            regions = _regions_from(request.POST.get("regions", ""))
            blur_regions_set(evidence=evidence, regions=regions, by=user, request=request)
        except (ValueError, ValidationError):
            status, error = 400, _("The regions could not be saved: draw them again.")
        else:
            messages.success(request, _("Saved: shared copies of this photo are blurred."))
            return redirect("claims-blur", evidence_id=evidence.public_id)
    saved = blur_regions_of(evidence=evidence)
    proposed = [] if saved else face_proposals_for(evidence=evidence)
    evidence_log_access(evidence=evidence, by=user, action=CustodyAction.VIEWED, request=request)
    context = {
        "evidence": evidence,
        "regions": [list(r) for r in (saved or proposed)],
        "proposed": not saved and bool(proposed),
        "has_blurred": bool(saved),
        "error": error,
    }
    return render(request, "claims/blur.html", context, status=status)


@page_for("evidence.blur")
@require_GET
def blur_image(request: HttpRequest, evidence_id: UUID, which: str) -> HttpResponse:
    """The photo the editor shows: its copy without metadata, or its blurred copy."""
    evidence = _photo(request, evidence_id)
    data = blurred_bytes(evidence) if which == "blurred" else evidence_bytes_for_render(evidence=evidence)
    if data is None:
        raise Http404
    evidence_log_access(evidence=evidence, by=signed_in(request.user), action=CustodyAction.VIEWED, request=request)
    content_type = "image/jpeg" if which == "blurred" else (evidence.served_content_type or evidence.content_type)
    return attachment_response(data=data, content_type=content_type, filename=f"photo-{evidence.public_id}-{which}")
