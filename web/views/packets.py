"""Web actions for packets, linked from the case and docket pages: POST to generate (the PDF
comes back as a download), start a batch, poll its status (JSON), download results.

Each view names its row of the permission table (`page_for("packets.create")`...; 403 for the
roles it leaves out), then every lookup goes through the scopes in cases.access / documents.access: out
of scope and missing are the same 404. Generation and downloads are audited by the services.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.access import case_for, complaint_list_visible_to, event_list_visible_to, get_visible_or_404
from cases.types import signed_in
from citations.access import citation_list_visible_to
from core.downloads import attachment_response
from documents.access import batch_list_visible_to, packet_list_visible_to
from documents.batches import batch_create, batch_progress
from documents.batches import batch_download as open_batch_download
from documents.models import BatchKind, BatchOutput, PacketBatch, PacketKind, StoredPacket
from documents.services import ConfirmationRequired, packet_download, packet_for_case, packet_for_docket
from documents.storage import packet_filename
from documents.subject_access import subject_access_json, subject_access_pdf, subject_access_person
from web.permissions import page_for


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    return attachment_response(data=data, content_type="application/pdf", filename=filename)


@page_for("packets.create")
@require_POST
def case_packet(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """POST kind=case|complaint|plea (complaint=<uuid>, citation=<uuid>, confirm=yes)."""
    case = case_for(user=request.user, case_id=case_id)
    kind = request.POST.get("kind", PacketKind.CASE)
    if kind not in (PacketKind.CASE, PacketKind.COMPLAINT, PacketKind.PLEA):
        return HttpResponse(_("Unknown packet kind."), status=400, content_type="text/plain")
    complaint = citation = None
    if request.POST.get("complaint"):
        complaint = get_visible_or_404(
            complaint_list_visible_to(user=request.user).filter(case=case), request.POST["complaint"]
        )
    if request.POST.get("citation"):
        citation = get_visible_or_404(
            citation_list_visible_to(user=request.user).filter(case=case), request.POST["citation"]
        )
    try:
        result = packet_for_case(
            case=case, by=signed_in(request.user), kind=kind, complaint=complaint, citation=citation,
            confirm=request.POST.get("confirm") == "yes", request=request,
        )  # fmt: skip
    except ConfirmationRequired as exc:
        return render(
            request,
            "documents/web/confirm.html",
            {"case": case, "message": exc.messages[0], "complaint": request.POST.get("complaint", "")},
            status=409,
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    return pdf_response(result.pdf, result.filename)


@page_for("packets.create")
@require_POST
def docket_packet(request: HttpRequest) -> HttpResponse:
    """POST date=YYYY-MM-DD (courtroom=...): the hearing docket over the user's cases."""
    try:
        date = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        return HttpResponse(_("Give the date as YYYY-MM-DD."), status=400, content_type="text/plain")
    result = packet_for_docket(
        by=signed_in(request.user), date=date, courtroom=request.POST.get("courtroom", "")[:40], request=request
    )
    return pdf_response(result.pdf, result.filename)


@page_for("packets.download")
@require_GET
def packet_file(request: HttpRequest, packet_id: UUID) -> HttpResponse:
    packet = get_visible_or_404(packet_list_visible_to(user=request.user), packet_id)
    try:
        data = packet_download(packet=packet, by=signed_in(request.user), request=request)
    except StoredPacket.DoesNotExist:
        raise Http404 from None
    return pdf_response(data, packet_filename(packet))


@page_for("packets.create")
@require_POST
def batch_start(request: HttpRequest) -> HttpResponse:
    """POST kind=hearing_date&date=...(&courtroom=...) or kind=event&event=<uuid>; output=zip|pdf."""
    kind = request.POST.get("kind", "")
    event = None
    hearing_date = None
    try:
        if kind == BatchKind.EVENT:
            event = get_visible_or_404(event_list_visible_to(user=request.user), request.POST.get("event", ""))
        elif kind == BatchKind.HEARING_DATE:
            hearing_date = datetime.date.fromisoformat(request.POST.get("date", ""))
        batch = batch_create(
            by=signed_in(request.user), kind=kind, hearing_date=hearing_date, courtroom=request.POST.get("courtroom", "")[:40],
            event=event, output=request.POST.get("output", BatchOutput.ZIP), request=request,
        )  # fmt: skip
    except ValueError:
        return HttpResponse(
            _("Choose a hearing date or an event, and zip or pdf."), status=400, content_type="text/plain"
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    return redirect("documents-batch", batch_id=batch.public_id)


def _batch(request: HttpRequest, batch_id: UUID) -> PacketBatch:
    return get_visible_or_404(batch_list_visible_to(user=request.user), batch_id)


@page_for("packets.read")
@require_GET
def batch_page(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    batch = _batch(request, batch_id)
    return render(request, "documents/web/batch.html", {"batch": batch, "progress": batch_progress(batch)})


@page_for("packets.read")
@require_GET
def batch_status(request: HttpRequest, batch_id: UUID) -> JsonResponse:
    batch = _batch(request, batch_id)
    progress = batch_progress(batch)
    if batch.result_sha256:
        progress["download_url"] = reverse("documents-batch-download", kwargs={"batch_id": batch.public_id})
    response = JsonResponse(progress)
    response["Cache-Control"] = "no-store"
    return response


@page_for("packets.download")
@require_GET
def batch_download(request: HttpRequest, batch_id: UUID) -> StreamingHttpResponse | HttpResponse:
    batch = _batch(request, batch_id)
    try:
        download = open_batch_download(batch=batch, by=signed_in(request.user), request=request)
    except PacketBatch.DoesNotExist:
        raise Http404 from None
    return attachment_response(data=download.chunks, content_type=download.content_type, filename=download.filename)


@page_for("demonstrators.subject_access")
@require_GET
def subject_access(request: HttpRequest, person_id: UUID, fmt: str) -> HttpResponse:
    """A person's own data for that person (coordinators run it): JSON or PDF, audited."""
    if fmt not in ("json", "pdf"):
        raise Http404
    person = subject_access_person(by=signed_in(request.user), person_id=person_id)
    if fmt == "pdf":
        data, content_type = (
            subject_access_pdf(person=person, by=signed_in(request.user), request=request),
            "application/pdf",
        )
    else:
        data, content_type = (
            subject_access_json(person=person, by=signed_in(request.user), request=request),
            "application/json",
        )
    name = f"subject-access-{person.public_id}.{fmt}"
    return attachment_response(data=data, content_type=content_type, filename=name)
