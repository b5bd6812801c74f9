"""Selectors that build a packet's context: plain dicts of strings, lists and numbers.

Every row comes from a queryset scoped by `cases.access` for the user the packet is built for,
so a packet never holds more than that user may see (the case packet checks its case once and
reads the rows in scope with it directly: `_require_in_scope`). Values are formatted here (times in the
event's time zone, money to the cent), which makes the context both what the template shows and
what the cache hashes: the same context renders the same PDF.

Evidence photos are not in the context: only their identifiers and SHA-256 are, and the caller
loads JPEG derivatives for the keys in `context["images"]` at render time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone, translation

from cases.access import (
    case_list_visible_to,
    evidence_list_visible_to,
    incident_list_visible_to,
    statement_list_visible_to,
)
from cases.models import (
    PACKET_EXPORT_NOTE,
    Arrest,
    Case,
    CaseStatus,
    CustodyEvent,
    Evidence,
    EvidenceKind,
    ExcessiveForceComplaint,
    Incident,
    IncidentOfficer,
    Officer,
    WitnessStatement,
)
from cases.selectors import case_attachments, incidents_concerning
from cases.types import AnyUser, User
from citations.access import deadline_list_visible_to
from citations.deadlines import (
    ClerkHoursTable,
    appeal_path,
    citation_rule_basis,
    civil_claim_deadline,
    clerk_hours_table,
    deadline_provenance,
    due_wording,
    rule_basis_note,
    rule_provenance,
)
from citations.models import (
    Citation,
    CitationKind,
    CitationStatus,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    PaymentKind,
)
from citations.selectors import TimelineEntry, case_timeline, hearing_docket

OPEN_CITATION_STATUSES = {s.value for s in CitationStatus} - {CitationStatus.CLOSED.value}
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/tiff"}


# --- Formatting -------------------------------------------------------------------------------


def _tz(case_or_event: Any) -> ZoneInfo:
    event = getattr(case_or_event, "event", case_or_event)
    try:
        return ZoneInfo(event.time_zone)
    except Exception:
        return ZoneInfo("America/New_York")


def fmt_dt(value: datetime.datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def fmt_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"${value:,.2f}"


def sort_key(value: datetime.datetime | datetime.date | None) -> str:
    """A sortable UTC string for datetimes and dates alike (dates sort at their start)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{value.isoformat()}T00:00:00"


def person_name(case: Case) -> dict[str, str | bool]:
    person = case.demonstrator
    return {
        "display_name": person.display_name,
        "legal_name": person.legal_name,
        "preferred_name": person.preferred_name,
        "conceal_legal_name": person.conceal_legal_name,
        "pronouns": person.pronouns,
        "preferred_language": person.preferred_language,
    }


def label(instance: Any, field: str) -> str:
    """`instance.get_<field>_display()`, from a table made once per field and language: Django's
    own builds a dict of every choice on each call, translating each label to hash it (a packet
    made some fifty such calls, about 2 ms). A value outside the choices shows as itself."""
    meta_field = instance._meta.get_field(field)
    key = (meta_field, translation.get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(text) for value, text in meta_field.flatchoices}
    value = getattr(instance, meta_field.attname)
    return labels.get(value, value)


_LABELS: dict[tuple[Any, str | None], dict[Any, str]] = {}


def user_label(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# --- Pieces -----------------------------------------------------------------------------------


def officer_dict(officer: Officer, *, badge_as_seen: str = "", features_as_seen: str = "") -> dict[str, str | bool]:
    identified = officer.is_identified
    return {
        "name": officer.name or ("" if identified else "Unidentified officer"),
        "badge": badge_as_seen or officer.badge_number,
        "badge_status": label(officer, "badge_status"),
        "unit": officer.unit,
        "agency": officer.agency,
        "helmet": officer.helmet_number,
        "vehicle": officer.vehicle_number,
        "features": features_as_seen or officer.description,
        "identified": identified,
    }


def _payments_total(citation: Citation) -> tuple[Decimal, Decimal]:
    paid = refunded = Decimal("0.00")
    for payment in citation.payments.all():
        if payment.kind == PaymentKind.REFUND:
            refunded += payment.amount
        else:
            paid += payment.amount
    return paid, refunded


def deadline_dict(deadline: Deadline, tz: ZoneInfo, clerk_hours: ClerkHoursTable | None = None) -> dict[str, Any]:
    """A deadline as the packets print it: where it comes from (`deadline_provenance`, the one
    home) and, given the clerk's hours table, what "due" means (`due_wording`, as on the desk:
    a filing's clerk's office hours with their source, a payment received by the last day)."""
    due = fmt_dt(deadline.due_at, tz) if deadline.kind == DeadlineKind.APPEAR else fmt_date(deadline.due_on)
    provenance = deadline_provenance(deadline)
    meaning = ""
    if clerk_hours is not None and deadline.citation_id is not None:
        meaning = due_wording(deadline, clerk_hours=clerk_hours).english(deadline.due_on)
    return {
        "label": label(deadline, "kind"),
        "due": due,
        "sort": sort_key(deadline.due_at),
        "status": label(deadline, "status"),
        "warrant_risk": deadline.warrant_risk,
        "source": f"{provenance.description}. {provenance.english(' ')}",
        "meaning": meaning,
        "hard": True,
        "citation": deadline.citation.number if deadline.citation is not None else "",
    }


def _deadline_rows(deadlines: QuerySet[Deadline]) -> list[Deadline]:
    return list(
        deadlines.select_related(None)
        # what deadline_dict shows, and the citation's court (its event) for the clerk's hours
        .select_related("rule", "citation__case__event")
        .exclude(status=DeadlineStatus.CANCELLED)
        .order_by("due_at", "id")
    )


def case_deadlines(case: Case, user: AnyUser, tz: ZoneInfo) -> list[Deadline]:
    return _deadline_rows(deadline_list_visible_to(user=user).filter(case=case))


def citation_dict(citation: Citation, tz: ZoneInfo, deadlines: list[Deadline] | None = None) -> dict[str, Any]:
    paid, refunded = _payments_total(citation)
    return {
        "public_id": str(citation.public_id),
        "number": citation.number,
        "agency": citation.agency,
        "kind": label(citation, "kind"),
        "kind_code": citation.kind,
        "jurisdiction": label(citation, "jurisdiction"),
        "offense": " ".join(
            part for part in (citation.offense_code, citation.offense_subsection, citation.offense_description) if part
        ),
        "fine": money(citation.fine),
        "costs": money(citation.costs),
        "amount_due": money(citation.amount_due),
        "paid": money(paid),
        "refunded": money(refunded),
        "balance": money(max(citation.amount_due - paid + refunded, Decimal("0.00"))),
        "issued_at": fmt_dt(citation.issued_at, tz),
        "place": citation.place,
        "officer": citation.officer_name_as_written,
        "officer_badge": citation.officer_badge_as_written,
        "status": label(citation, "status"),
        "open": citation.status in OPEN_CITATION_STATUSES,
        "response": label(citation, "response") if citation.response else "No response yet",
        "responded_at": fmt_dt(citation.responded_at, tz),
        "hearing_at": fmt_dt(citation.hearing_at, tz),
        "courtroom": citation.courtroom,
        "docket_number": citation.docket_number,
        "docketed": citation.docketed,
        "disposition": label(citation, "disposition"),
        "decided_on": fmt_date(citation.decided_on),
        "deadlines": [deadline_dict(d, tz) for d in deadlines or [] if d.citation_id == citation.pk],
        "appeal_note": appeal_note(citation, tz),
        "rule_note": rule_basis_note(citation_rule_basis(citation, citation.case.event.jurisdiction)),
    }


def appeal_note(citation: Citation, tz: ZoneInfo) -> str:
    """What the packet says of the appeal beyond the deadlines: not modelled for a civil notice;
    a possible conviction in absence after a hearing passed undecided (reads the rules only then)."""
    path = appeal_path(
        citation, tz=tz, today=timezone.now().astimezone(tz).date(), place=citation.case.event.jurisdiction
    )
    if not path.modelled:
        return (
            "Appeal of the hearing decision: not modelled in this tracker; check the deadline with the clerk "
            "(Office of Administrative Review)."
        )
    if path.absence_appeal_by is not None and path.hearing_on is not None:
        return (
            f"The hearing of {fmt_date(path.hearing_on)} passed with no outcome recorded: this may already be a "
            f"conviction in absence; appeal by {fmt_date(path.absence_appeal_by)} (counted from the hearing)."
        )
    return ""


def _citations(case: Case) -> QuerySet[Citation]:
    # The case itself came from the caller's scope; its citations are in that scope with it.
    return (
        Citation.objects.filter(case=case)
        .select_related("issuing_officer", "case__event")  # the event's place: which rules applied
        .prefetch_related("payments")
        .order_by("issued_at", "id")
    )


def _incidents_concerning(case: Case) -> QuerySet[Incident]:
    """For a case `_require_in_scope` passed: whoever may see a case may see every incident that
    concerns it (a lawyer sees the incidents concerning any of their cases), so the scope's own
    subqueries would only repeat that check."""
    return (
        incidents_concerning(case)
        .prefetch_related(
            "force_types",
            Prefetch("officer_sightings", queryset=IncidentOfficer.objects.select_related("officer")),
        )
        .order_by("occurred_at", "id")
    )


def incident_dict(incident: Incident, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "public_id": str(incident.public_id),
        "ref": incident.public_id.hex[:8],
        "occurred_at": fmt_dt(incident.occurred_at, tz),
        "sort": sort_key(incident.occurred_at),
        "place": incident.place,
        "agencies": incident.agencies_present,
        "commander": incident.commander_present,
        "dispersal_warning": label(incident, "dispersal_warning"),
        "dispersal_warning_by": incident.dispersal_warning_by,
        "dispersal_warning_words": incident.dispersal_warning_words,
        "dispersal_warning_audible": label(incident, "dispersal_warning_audible"),
        "narrative": incident.narrative,
        "force": [f.label for f in incident.force_types.all()],
        "officers": [
            officer_dict(s.officer, badge_as_seen=s.badge_as_seen, features_as_seen=s.features_as_seen)
            for s in incident.officer_sightings.all()
        ],
        "injuries": incident.injuries,
        "witnesses": incident.witnesses,
        "video_holders": incident.video_holders,
        "media_present": incident.media_present,
    }


def statement_dict(statement: WitnessStatement, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "public_id": str(statement.public_id),
        "taken_at": fmt_dt(statement.taken_at, tz),
        "sort": sort_key(statement.taken_at),
        "witness": "Anonymous witness" if statement.anonymous else statement.witness_name,
        "contact": "" if statement.anonymous else statement.witness_contact,
        "statement": statement.statement,
    }


def is_photo(evidence: Evidence) -> bool:
    return evidence.kind == EvidenceKind.PHOTO and evidence.content_type in PHOTO_TYPES


def evidence_dict(evidence: Evidence, tz: ZoneInfo) -> dict[str, Any]:
    custody = [
        {"at": fmt_dt(event.at, tz), "action": label(event, "action"), "actor": user_label(event.actor)}
        for event in evidence.custody_log.all()  # without the packets' export events (`_evidence`)
    ]
    return {
        "public_id": str(evidence.public_id),
        "ref": evidence.public_id.hex[:8],
        "kind": label(evidence, "kind"),
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "captured_at": fmt_dt(evidence.captured_at, tz) or "unknown",
        "uploaded_at": fmt_dt(evidence.created_at, tz),
        "description": evidence.description,
        "custody": custody,
        "image_key": evidence.public_id.hex if is_photo(evidence) else "",
    }


def _evidence(qs: QuerySet[Evidence]) -> QuerySet[Evidence]:
    return qs.prefetch_related(
        # Each packet adds an export event per embedded photo: dropped here, not after loading them.
        Prefetch(
            "custody_log",
            queryset=CustodyEvent.objects.exclude(note=PACKET_EXPORT_NOTE).select_related("actor").order_by("at", "id"),
        )
    ).order_by("captured_at", "created_at", "id")


def computed_civil_claim(incidents: Iterable[Incident], case: Case, tz: ZoneInfo) -> dict[str, Any] | None:
    """The civil-claim deadline from the earliest incident, for force not yet under a complaint (a
    complaint has deadline rows of its own): the rule data's period, through
    `citations.deadlines.civil_claim_deadline`. Reads the rules (one query) only when called."""
    first = min((i.occurred_at for i in incidents), default=None)
    if first is None:
        return None
    claim = civil_claim_deadline(first, tz=tz, jurisdiction=case.event.jurisdiction)
    if claim is None:
        return None
    rule = claim.rule
    provenance = rule_provenance(rule)
    return {
        "label": f"{label(rule, 'kind')} (computed)",
        "due": fmt_date(claim.due_on),
        "sort": sort_key(claim.due_on),
        "status": "Open",
        "warrant_risk": False,
        "source": f"{provenance.description}. {provenance.english(' ')}",
        "meaning": "",
        "hard": True,
        "citation": "",
    }


# --- Packets ----------------------------------------------------------------------------------


def _case_header(case: Case) -> dict[str, Any]:
    return {
        "public_id": str(case.public_id),
        "number": case.number,
        "status": label(case, "status"),
        "opened_on": fmt_date(case.opened_on),
        "closed_on": fmt_date(case.closed_on),
        "event": {
            "name": case.event.name,
            "place": case.event.place,
            "starts_at": fmt_dt(case.event.starts_at, _tz(case)),
            "jurisdiction": label(case.event, "jurisdiction"),
        },
        "lawyers": sorted(user_label(u) for u in case.lawyers.all()),
    }


def _require_in_scope(case: Case, user: AnyUser) -> None:
    """The case must be in the user's scope (one query). Checked once, so that the rows that are in
    scope with it (its citations, deadlines, arrests and complaints, the incidents concerning it)
    are read without repeating the scope's subqueries in each query; statements and files keep
    their own scope (another client's attachment on a shared incident stays out)."""
    if not case_list_visible_to(user=user).filter(pk=case.pk).exists():
        raise PermissionDenied


def arrest_dict(arrest: Arrest, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "arrested_at": fmt_dt(arrest.arrested_at, tz),
        "released_at": fmt_dt(arrest.released_at, tz),
        "place": arrest.place,
        "unit": arrest.arresting_unit,
        "charges": arrest.charges,
        "custody": label(arrest, "custody_status"),
        "bail": money(arrest.bail_amount),
        "bail_paid_by": label(arrest, "bail_paid_by") if arrest.bail_paid_by else "",
        "property_returned": arrest.property_returned,
        "injured": arrest.injured,
        "report_number": arrest.police_report_number,
    }


def timeline_rows(entries: list[TimelineEntry], tz: ZoneInfo) -> list[dict[str, str]]:
    """The case timeline (`citations.selectors.case_timeline`, the desk page's too) as the packet
    prints it: a day alone for what is known only by its day."""
    return [
        {"at": fmt_date(e.at.date()) if e.dated_only else fmt_dt(e.at, tz), "kind": e.kind, "text": e.text}
        for e in entries
    ]


def _case_deadlines(
    deadline_rows: list[Deadline], incident_rows: list[Incident], case: Case, tz: ZoneInfo
) -> list[dict[str, Any]]:
    """The case's deadlines, with the civil-claim deadline computed from its incidents when force
    was used and no complaint has a civil-claim deadline yet. A citation's filings carry their
    clerk's office hours (read once, only when there is a citation deadline)."""
    clerk_hours = clerk_hours_table() if any(d.citation_id for d in deadline_rows) else None
    deadlines = [deadline_dict(d, tz, clerk_hours) for d in deadline_rows]
    has_claim = any(d.kind == DeadlineKind.CIVIL_CLAIM for d in deadline_rows)
    if not has_claim and any(i.force_types.all() for i in incident_rows):
        claim = computed_civil_claim(incident_rows, case, tz)
        if claim:
            deadlines.append(claim)
    return sorted(deadlines, key=lambda d: d["sort"])


def case_packet_context(*, case: Case, user: AnyUser, scope_checked: bool = False) -> dict[str, Any]:
    """Everything the case packet shows, for a case in the user's scope (PermissionDenied otherwise).
    `scope_checked`: the caller has just read `case` through `cases.access.case_for` for this
    user (as `packet_for_case` does), so the check is not made twice."""
    if not scope_checked:
        _require_in_scope(case, user)
    tz = _tz(case)
    deadline_rows = _deadline_rows(Deadline.objects.filter(case=case))  # in scope with the case
    citation_rows = list(_citations(case))
    arrest_rows = list(Arrest.objects.filter(case=case).order_by("arrested_at", "id"))
    incident_rows = list(_incidents_concerning(case))
    complaint_rows = list(ExcessiveForceComplaint.objects.filter(case=case).order_by("created_at", "id"))
    # By ids already read, so no join and no DISTINCT.
    attached = case_attachments(
        case, incident_ids=[i.pk for i in incident_rows], complaint_ids=[c.pk for c in complaint_rows]
    )
    statement_rows = list(statement_list_visible_to(user=user).filter(attached).order_by("taken_at", "id"))
    evidence = [evidence_dict(e, tz) for e in _evidence(evidence_list_visible_to(user=user).filter(attached))]
    timeline = case_timeline(
        case=case, arrests=arrest_rows, citations=citation_rows, incidents=incident_rows,
        complaints=complaint_rows, statements=statement_rows,
    )  # fmt: skip
    return {
        "kind": "case",
        "title": f"Case packet {case.number}",
        "subject": "Case packet: citations, arrests, timeline, observer reports, statements and evidence",
        "case": _case_header(case),
        "client": person_name(case),
        "citations": [citation_dict(c, tz, deadline_rows) for c in citation_rows],
        "arrests": [arrest_dict(a, tz) for a in arrest_rows],
        "deadlines": _case_deadlines(deadline_rows, incident_rows, case, tz),
        "timeline": timeline_rows(timeline, tz),
        "incidents": [incident_dict(i, tz) for i in incident_rows],
        "statements": [statement_dict(s, tz) for s in statement_rows],
        "evidence": evidence,
        "images": [e["image_key"] for e in evidence if e["image_key"]],
    }


def open_matters(case: Case) -> bool:
    """Whether the client has an open case or citation (pending charges: see a lawyer before filing)."""
    if case.status != CaseStatus.CLOSED:
        return True
    return case.demonstrator_id in people_with_open_matters(Case.objects.filter(pk=case.pk))


def people_with_open_matters(cases: QuerySet[Case]) -> set[int]:
    """The ids of the people of `cases` who have an open case or citation anywhere: the complaint
    packet's guardrail for many people at once (the plaintiff roster), in two queries."""
    people = cases.values("demonstrator_id")
    open_cases = Case.objects.filter(demonstrator_id__in=people).exclude(status=CaseStatus.CLOSED)
    # Their cases with an open citation (asked of each case, through the citations' case index:
    # filtering every citation on the person of its case read the whole citations table).
    open_citation = Citation.objects.filter(case=OuterRef("pk"), status__in=OPEN_CITATION_STATUSES)
    cited = Case.objects.filter(Exists(open_citation), demonstrator_id__in=people)
    return set(open_cases.order_by().values_list("demonstrator_id", flat=True).distinct()) | set(
        cited.order_by().values_list("demonstrator_id", flat=True).distinct()
    )


def complaint_packet_context(*, complaint: ExcessiveForceComplaint, user: AnyUser) -> dict[str, Any]:
    case = complaint.case
    tz = _tz(case)
    incident_rows = list(
        incident_list_visible_to(user=user)
        .filter(pk__in=complaint.incidents.values("pk"))
        .prefetch_related(
            "force_types",
            Prefetch("officer_sightings", queryset=IncidentOfficer.objects.select_related("officer")),
        )
        .order_by("occurred_at", "id")
    )
    incident_ids = [i.pk for i in incident_rows]
    officers = [officer_dict(o) for o in complaint.officers.all().order_by("name", "badge_number", "id")]
    if not officers:  # not yet named on the complaint: those the observers saw in its incidents
        officers = [
            officer_dict(s.officer, badge_as_seen=s.badge_as_seen, features_as_seen=s.features_as_seen)
            for incident in incident_rows
            for s in incident.officer_sightings.all()
        ]
    statements = [
        statement_dict(s, tz)
        for s in statement_list_visible_to(user=user)
        .filter(Q(complaint=complaint) | Q(incident__in=incident_ids))
        .distinct()
        .order_by("taken_at", "id")
    ]
    evidence = [
        evidence_dict(e, tz)
        for e in _evidence(
            evidence_list_visible_to(user=user).filter(Q(complaint=complaint) | Q(incident__in=incident_ids)).distinct()
        )
    ]
    deadline_rows = case_deadlines(case, user, tz)
    own = [deadline_dict(d, tz) for d in deadline_rows if d.complaint_id == complaint.pk]
    claims = [d for d in deadline_rows if d.complaint_id == complaint.pk and d.kind == DeadlineKind.CIVIL_CLAIM]
    claim = deadline_dict(claims[0], tz) if claims else computed_civil_claim(incident_rows, case, tz)
    if claim and not claims:
        own.append(claim)
    citations = [citation_dict(c, tz) for c in _citations(case)]
    return {
        "kind": "complaint",
        "title": f"Excessive-force complaint {case.number}",
        "subject": f"Complaint to the {label(complaint, 'forum')}",
        "case": _case_header(case),
        "client": person_name(case),
        "complaint": {
            "public_id": str(complaint.public_id),
            "forum": label(complaint, "forum"),
            "status": label(complaint, "status"),
            "outcome": label(complaint, "outcome"),
            "filed_on": fmt_date(complaint.filed_on),
            "reference": complaint.reference_number,
            "narrative": complaint.narrative,
            "injuries": complaint.injuries,
            "treatment": complaint.treatment,
            "force": sorted(
                {f.label for f in complaint.force_types.all()}
                | {f for i in incident_rows for f in (x.label for x in i.force_types.all())}
            ),
        },
        "incidents": [incident_dict(i, tz) for i in incident_rows],
        "officers": officers,
        "statements": statements,
        "evidence": evidence,
        "citations": [
            {"number": c["number"], "offense": c["offense"], "status": c["status"], "disposition": c["disposition"]}
            for c in citations
        ],
        "civil_claim_deadline": claim,
        "deadlines": sorted(own, key=lambda d: d["sort"]),
        "open_matters": open_matters(case),
        "images": [e["image_key"] for e in evidence if e["image_key"]],
    }


def plea_letter_context(*, citation: Citation, user: AnyUser) -> dict[str, Any]:
    case = citation.case
    tz = _tz(case)
    person = case.demonstrator
    collateral = citation.amount_due if citation.amount_due > 0 else Decimal("50.00")
    return {
        "kind": "plea",
        "title": f"Plea of not guilty, citation {citation.number}",
        "subject": "Plea of not guilty to a summary citation (Pa.R.Crim.P. 403(B)(2))",
        "case": _case_header(case),
        "client": {**person_name(case), "postal_address": person.postal_address},
        "citation": citation_dict(citation, tz, case_deadlines(case, user, tz)),
        "collateral": money(collateral),
        "collateral_default": citation.amount_due <= 0,
        "summary": citation.kind in (CitationKind.PA_SUMMARY, CitationKind.PHL_SUMMARY_NTA),
    }


def docket_context(
    *, user: AnyUser, date: datetime.date, courtroom: str = "", tz_name: str | None = None
) -> dict[str, Any]:
    """Every defendant with a hearing on `date` (and in `courtroom`) among the user's cases,
    from the citations app's docket selector."""
    tz = ZoneInfo(tz_name or settings.TIME_ZONE)
    entries = hearing_docket(user=user, date=date, courtroom=courtroom or None, tz=tz.key)
    citations = [c for entry in entries for c in entry.citations]
    prefetch_related_objects(citations, "payments")
    names = {c.case_id: c.case for c in citations}
    prefetch_related_objects(list(names.values()), "demonstrator")
    rows: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = str(entry.case_public_id)
        row = rows.get(key)
        if row is None:
            case = names[entry.citations[0].case_id]
            row = rows[key] = {
                "case": entry.case_number,
                "case_id": key,
                "defendant": person_name(case),
                "lawyers": sorted(entry.lawyers),
                "citations": [],
            }
        row["citations"].extend(citation_dict(c, tz) for c in entry.citations)
    label = date.isoformat() + (f", courtroom {courtroom}" if courtroom else "")
    return {
        "kind": "docket",
        "title": f"Hearing docket {label}",
        "subject": "Hearing docket: defendants, citations, pleas and lawyers",
        "date": date.isoformat(),
        "courtroom": courtroom,
        "label": label,
        "defendants": list(rows.values()),
        "case_ids": list(rows),
    }
