"""Packet buttons on the desk pages: generate a case packet or a hearing docket and download it.

One packet renders in a second or two, so the request waits for it (the page's script shows
that it is working); batches of many packets run as tasks (the batch endpoints). Everything
goes through documents.services, which checks scope, caches by input hash and audits."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from cases.access import case_for, page_for
from documents.services import PacketResult, packet_for_case, packet_for_docket


def _attachment(result: PacketResult) -> HttpResponse:
    response = HttpResponse(result.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Packet-Cached"] = "1" if result.cached else "0"
    return response


@page_for("desk")
@require_POST
def case_packet(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = case_for(user=request.user, case_id=case_id)
    return _attachment(packet_for_case(case=case, by=request.user, request=request))


@page_for("desk")
@require_POST
def docket_packet(request: HttpRequest) -> HttpResponse:
    try:
        day = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        raise ValidationError("A date is needed.") from None
    courtroom = request.POST.get("courtroom", "").strip()[:40]
    return _attachment(packet_for_docket(by=request.user, date=day, courtroom=courtroom, request=request))
