"""Subject access: everything the tracker holds about one person, for that person, readably.

`subject_access_data` gathers the person's own data as a plain JSON-ready dict; `subject_access_pdf`
prints the same dict as an archival PDF (through documents/pdf.py). Other people's personal data is
left out on purpose: witnesses' names and contacts, observers' narratives (which name others) and
lawyers' notes (work product) are summarised, not copied; evidence is listed (kind, date, SHA-256),
not attached. Coordinators run it (it is a cross-person tool), and every export is audited.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from cases.access import demonstrator_list_visible_to, get_visible_or_404
from cases.audit import audit_record
from cases.models import Case, Demonstrator, Evidence, ExcessiveForceComplaint, WitnessStatement
from cases.permissions import may
from cases.selectors import incidents_concerning
from cases.types import User
from citations.models import Citation, Payment
from documents.archival import pdf_metadata

PERSON_FIELDS = [
    "legal_name", "preferred_name", "conceal_legal_name", "pronouns", "date_of_birth", "phone", "email",
    "postal_address", "preferred_language", "support_contact", "special_needs", "support_notes",
    "consent_share_with_lawyers", "consent_contact_sms", "consent_contact_phone",
]  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def subject_access_person(*, by: User, person_id: Any) -> Demonstrator:
    """The person, for a coordinator or administrator (everyone else: PermissionDenied / 404)."""
    if not may(by, "demonstrators.subject_access"):
        raise PermissionDenied
    return get_visible_or_404(demonstrator_list_visible_to(user=by), person_id)


def _arrests(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "arrested_at": _plain(a.arrested_at),
            "place": a.place,
            "charges": a.charges,
            "custody": a.get_custody_status_display(),
            "released_at": _plain(a.released_at),
            "bail_amount": _plain(a.bail_amount),
            "bail_paid_by": a.get_bail_paid_by_display(),
            "injured": a.injured,
            "police_report_number": a.police_report_number,
        }
        for a in case.arrests.all()
    ]


def _citations(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "number": c.number,
            "agency": c.agency,
            "kind": c.get_kind_display(),
            "offense": f"{c.offense_code} {c.offense_subsection}".strip(),
            "description": c.offense_description,
            "fine": _plain(c.fine),
            "costs": _plain(c.costs),
            "issued_at": _plain(c.issued_at),
            "status": c.get_status_display(),
            "hearing_at": _plain(c.hearing_at),
            "courtroom": c.courtroom,
            "docket_number": c.docket_number,
            "disposition": c.get_disposition_display(),
            "decided_on": _plain(c.decided_on),
        }
        for c in Citation.objects.filter(case=case).order_by("issued_at")
    ]


def _payments(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "kind": p.get_kind_display(),
            "amount": _plain(p.amount),
            "payer": p.get_payer_display(),
            "paid_on": _plain(p.paid_on),
        }
        for p in Payment.objects.filter(citation__case=case).order_by("paid_on", "pk")
    ]


def _complaints(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "forum": c.get_forum_display(),
            "status": c.get_status_display(),
            "outcome": c.get_outcome_display(),
            "filed_on": _plain(c.filed_on),
            "reference_number": c.reference_number,
            "narrative": c.narrative,
            "injuries": c.injuries,
            "treatment": c.treatment,
            "force": [f.label for f in c.force_types.all()],
            "witness_statements": WitnessStatement.objects.filter(complaint=c).count(),
        }
        for c in ExcessiveForceComplaint.objects.filter(case=case).prefetch_related("force_types")
    ]


def _incidents(case: Case) -> list[dict[str, Any]]:
    """Every incident concerning the case (`cases.selectors`: affected, seen arrested, or cited by
    a complaint), whoever reported it: when, where and the force used, not the narrative."""
    incidents = incidents_concerning(case).prefetch_related("force_types").order_by("occurred_at", "pk")
    return [
        {"occurred_at": _plain(i.occurred_at), "place": i.place, "force": [f.label for f in i.force_types.all()]}
        for i in incidents
    ]


def _evidence(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "kind": e.get_kind_display(),
            "captured_at": _plain(e.captured_at),
            "added_at": _plain(e.created_at),
            "sha256": e.sha256,
        }
        for e in Evidence.objects.filter(case=case).order_by("created_at")
    ]


def _case_data(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "event": case.event.name,
        "status": case.get_status_display(),
        "opened_on": _plain(case.opened_on),
        "closed_on": _plain(case.closed_on),
        "personal_data_deleted_after": _plain(case.retention_until),
        "lawyers_assigned": case.lawyers.count(),
        "arrests": _arrests(case),
        "citations": _citations(case),
        "payments": _payments(case),
        "complaints": _complaints(case),
        "incidents_you_were_part_of": _incidents(case),
        "witness_statements_about_your_case": WitnessStatement.objects.filter(case=case).count(),
        "evidence": _evidence(case),
    }


def subject_access_data(
    *, person: Demonstrator, by: User, request: HttpRequest | None = None, fmt: str = "json"
) -> dict[str, Any]:
    if not may(by, "demonstrators.subject_access"):
        raise PermissionDenied
    cases = list(person.cases.select_related("event").order_by("opened_on", "pk"))
    out: dict[str, Any] = {
        "generated_at": _plain(timezone.now()),
        "about": "Everything the legal-support tracker holds about you.",
        "person": {name: _plain(getattr(person, name)) for name in PERSON_FIELDS},
        "cases": [_case_data(case) for case in cases],
    }
    audit_record(
        actor=by,
        action="subject_access.export",
        target=person,
        fields=[f for f in PERSON_FIELDS if f not in ("conceal_legal_name",) and not f.startswith("consent")],
        request=request,
        format=fmt,
        cases=len(cases),
    )
    return out


def subject_access_json(*, person: Demonstrator, by: User, request: HttpRequest | None = None) -> bytes:
    data = subject_access_data(person=person, by=by, request=request, fmt="json")
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def subject_access_pdf(*, person: Demonstrator, by: User, request: HttpRequest | None = None) -> bytes:
    from documents.pdf import render_pdf  # lazy: WeasyPrint loads only in processes that render

    data = subject_access_data(person=person, by=by, request=request, fmt="pdf")
    html = render_to_string(
        "documents/subject_access.html",
        {
            "data": data,
            **pdf_metadata(
                title="Your data held by the legal-support tracker",
                subject="Subject access export",
                keywords="subject access, personal data",
            ),
        },
    )
    return render_pdf(html).pdf
