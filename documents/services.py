"""Packets: the service functions views, the API and batch tasks call.

Each checks the caller's scope itself (`cases.access`), so a task running for a user can never
package a case that user cannot see; builds the context (documents/context.py); and lets
documents/storage.py answer from a stored PDF when every input is unchanged, else render
(documents/rendering.py) and store. Photos are embedded as derivatives (documents/photos.py).

The input hash covers the whole context (every value the template shows, evidence hashes
included), the packet kind and parameters, and the template version (a digest of the packet
templates and stylesheet). Building the context is a handful of queries and no rendering, so a
repeat request costs a few milliseconds; any change to the case, its citations, incidents,
statements or evidence changes the context and so the hash, and the next request renders afresh.
A case packet is first looked up by its inputs stamp (documents/fingerprint.py), cheaper still.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext

from cases.access import case_for, complaint_list_visible_to, get_visible_or_404
from cases.audit import audit_record
from cases.models import Case, ExcessiveForceComplaint
from cases.types import User
from citations.lifecycle import citation_track_kind, plea_possible
from citations.models import Citation
from documents import context as ctx
from documents.fingerprint import case_inputs_stamp
from documents.models import PacketKind, StoredPacket
from documents.storage import (
    PacketResult,
    one_snapshot,
    produce,
    read_stored,
    served_again,
    slot_packet,
    stored_for_stamp,
)


class ConfirmationRequired(ValidationError):
    """A complaint packet for a client with open matters needs a lawyer's explicit confirmation."""


def packet_for_case(
    *,
    case: Case,
    by: User,
    kind: str = PacketKind.CASE,
    confirm: bool = False,
    complaint: ExcessiveForceComplaint | None = None,
    citation: Citation | None = None,
    request: HttpRequest | None = None,
) -> PacketResult:
    """A packet of `kind` for one case the user may see (Http404 otherwise)."""
    case = case_for(user=by, case_id=case.public_id)
    kind = PacketKind(kind)
    if kind == PacketKind.CASE:
        # The stamp and the context are read from one snapshot: the stamp stored with a packet
        # describes exactly the data the packet shows.
        with one_snapshot():
            stamp = case_inputs_stamp(case=case, user=by)
            current = slot_packet(kind=kind, case=case)
            stored = stored_for_stamp(current, stamp)
            context = ctx.case_packet_context(case=case, user=by, scope_checked=True) if stored is None else {}
        if stored is not None:
            packet, pdf = stored
            return served_again(packet=packet, pdf=pdf, by=by, kind=kind, target=case, request=request)
        return produce(
            kind=kind,
            case=case,
            cases=[case],
            parameters={},
            context=context,
            by=by,
            request=request,
            audit_target=case,
            stamp=stamp,
            slot_packet=current,
        )
    if kind == PacketKind.COMPLAINT:
        return packet_for_complaint(case=case, complaint=complaint, by=by, confirm=confirm, request=request)
    if kind == PacketKind.PLEA:
        return packet_for_plea(case=case, citation=citation, by=by, request=request)
    raise ValidationError({"kind": gettext("A hearing docket covers a date, not one case.")})


def packet_for_complaint(
    *,
    case: Case,
    by: User,
    complaint: ExcessiveForceComplaint | None = None,
    confirm: bool = False,
    request: HttpRequest | None = None,
) -> PacketResult:
    case = case_for(user=by, case_id=case.public_id)
    complaints = complaint_list_visible_to(user=by).filter(case=case)
    if complaint is not None:
        complaint = get_visible_or_404(complaints, complaint.public_id)
    else:
        complaint = complaints.order_by("-created_at", "-id").first()
        if complaint is None:
            raise ValidationError({"complaint": gettext("This case has no excessive-force complaint.")})
    context = ctx.complaint_packet_context(complaint=complaint, user=by)
    if context["open_matters"]:
        if not confirm:
            raise ConfirmationRequired(
                gettext(
                    "The client has an open citation or case. People with pending charges are advised to see a "
                    "lawyer before filing a complaint: a lawyer must confirm before this packet is generated."
                ),
                code="confirmation_required",
            )
        audit_record(
            actor=by,
            action="packet.complaint_confirmed",
            target=complaint,
            request=request,
            confirmed=True,
            kind="complaint",
        )
        context["confirmation_note"] = "confirmation recorded in the audit trail"
    return produce(
        kind=PacketKind.COMPLAINT,
        case=case,
        cases=[case],
        parameters={"complaint": str(complaint.public_id)},
        context=context,
        by=by,
        request=request,
        audit_target=case,
    )


def citation_takes_a_plea(citation: Citation) -> bool:
    """Whether the plea letter may be generated for `citation` (the lifecycle decides)."""
    return plea_possible(kind=citation_track_kind(citation), status=citation.status, response=citation.response)


def packet_for_plea(
    *, case: Case, by: User, citation: Citation | None = None, request: HttpRequest | None = None
) -> PacketResult:
    case = case_for(user=by, case_id=case.public_id)
    citations = Citation.objects.filter(case=case).select_related("case", "case__event", "case__demonstrator")
    if citation is not None:
        citation = get_visible_or_404(citations, citation.public_id)
    else:
        citation = next(
            (c for c in citations.order_by("issued_at", "id") if citation_takes_a_plea(c)),
            None,
        )
        if citation is None:
            raise ValidationError({"citation": gettext("No citation of this case can still take a plea.")})
    if not citation_takes_a_plea(citation):
        raise ValidationError(
            {"citation": gettext("A plea of not guilty can no longer be entered for citation %(number)s.")
             % {"number": citation.number}}
        )  # fmt: skip
    context = ctx.plea_letter_context(citation=citation, user=by)
    return produce(
        kind=PacketKind.PLEA,
        case=case,
        cases=[case],
        parameters={"citation": str(citation.public_id)},
        context=context,
        by=by,
        request=request,
        audit_target=case,
    )


def packet_for_docket(*, by: User, date: Any, courtroom: str = "", request: HttpRequest | None = None) -> PacketResult:
    """The hearing docket for a date (and courtroom), over the cases the user may see."""
    context = ctx.docket_context(user=by, date=date, courtroom=courtroom)
    cases = list(Case.objects.filter(public_id__in=context["case_ids"]))
    return produce(
        kind=PacketKind.DOCKET,
        case=None,
        cases=cases,
        parameters={"date": context["date"], "courtroom": courtroom},
        context=context,
        by=by,
        request=request,
        audit_target=None,
    )


def packet_download(*, packet: StoredPacket, by: User, request: HttpRequest | None = None) -> bytes:
    """The stored file of a packet already fetched through `packet_list_visible_to`."""
    pdf = read_stored(packet)
    if pdf is None:
        raise StoredPacket.DoesNotExist("the stored packet can no longer be read")
    audit_record(
        actor=by, action="packet.download", target=packet.case if packet.case_id else packet, request=request,
        kind=packet.kind, sha256=packet.sha256,
    )  # fmt: skip
    return pdf
