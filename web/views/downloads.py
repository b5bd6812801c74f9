"""Evidence downloads from the pages: the metadata-free copy, or the original for those the
permission table's `evidence.original` row allows (the service decides, for the API too). The services log every opening."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cases.access import evidence_list_visible_to, get_visible_or_404
from cases.services import evidence_open
from cases.types import signed_in
from core.downloads import attachment_response
from web.permissions import page_for


@page_for("evidence.download")
@require_GET
def evidence_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """An evidence file the user may see: the metadata-free copy, or (`?original=1`, the
    `evidence.original` row: coordinators and administrators; 403 for the others) the original as uploaded. Logged in the chain of custody and the audit trail."""
    evidence = get_visible_or_404(
        evidence_list_visible_to(user=request.user).select_related("case", "complaint__case", "incident"),
        public_id,
        user=request.user,
        request=request,
    )
    original = request.GET.get("original", "").lower() in ("1", "true", "yes")  # the service decides who may
    opened = evidence_open(evidence=evidence, by=signed_in(request.user), request=request, original=original)
    return attachment_response(data=opened.data, content_type=opened.content_type, filename=opened.filename)
