"""Files the claims pages hand out: the plaintiff roster as files for the lawyers of a group suit: CSV (cells a spreadsheet would
run are neutralised, as the citations export does) and PDF (HTML from a template, turned into a
PDF only by `documents.pdf`, the packets' renderer). The rows come from
`claims.selectors.plaintiff_roster`, already scoped; the caller audits the export. And the
preservation letter of an incident for one record holder (PDF, through `documents.pdf` too).
Recipients' addresses are a starting point for the lawyer to confirm."""

from __future__ import annotations

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from cases.models import Event, Incident
from citations.exports import neutralise
from claims.selectors import PreservationPlan, RosterRow
from documents.archival import pdf_metadata

ROSTER_COLUMNS = [
    "case number", "name", "injuries", "treatment", "injured at arrest", "hurt (hotline)", "officers", "evidence items",
    "witness statements", "complaint filed", "charges pending", "first incident", "civil-claim deadline",
    "days left",
]  # fmt: skip


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def roster_values(row: RosterRow, event: Event) -> list[Any]:
    first = row.first_incident.astimezone(ZoneInfo(event.time_zone)) if row.first_incident else None
    return [
        row.number,
        row.name,
        "; ".join(row.injuries),
        "; ".join(row.treatment),
        _yes(row.injured_at_arrest),
        _yes(row.hurt_on_hotline),
        "; ".join(row.officers),
        row.evidence,
        row.witnesses,
        _yes(row.complaint_filed),
        _yes(row.charges_pending),
        first.strftime("%Y-%m-%d %H:%M") if first else "",
        row.claim_due.isoformat() if row.claim_due else "",
        "" if row.days_left is None else row.days_left,
    ]


def roster_csv(rows: list[RosterRow], event: Event) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(value) for value in roster_values(row, event)])
    return out.getvalue().encode("utf-8")


def roster_pdf(rows: list[RosterRow], event: Event) -> bytes:
    """The roster as an archival PDF (English, like the packets), through the packets' renderer."""
    from documents.pdf import render_pdf  # WeasyPrint loads only in processes that render

    html = render_to_string(
        "claims/roster_pdf.html",
        {
            **pdf_metadata(
                title=f"Plaintiff roster: {event.name}",
                subject="People affected by force at one event, for the lawyers of a group suit",
                keywords="plaintiff roster, privileged, attorney work product",
            ),
            "event": event,
            "columns": ROSTER_COLUMNS,
            "rows": [roster_values(row, event) for row in rows],
        },
    )
    return render_pdf(html).pdf


def preservation_letter_pdf(*, incident: Incident, plan: PreservationPlan) -> bytes:
    """A preservation letter to the police department or the city for an incident's records (English,
    like the packets), through the packets' renderer. It names no client: the incident's time,
    place and the officers seen are what the holder needs to find the records."""
    from documents.pdf import render_pdf  # WeasyPrint loads only in processes that render

    tz = ZoneInfo(incident.event.time_zone)
    officers = sorted(
        {
            str(s.officer)
            for s in incident.officer_sightings.select_related("officer")
            if s.officer.merged_into_id is None
        }
    )
    html = render_to_string(
        "claims/preservation_letter.html",
        {
            **pdf_metadata(
                title=f"Preservation demand: {plan.label}",
                subject="Demand to preserve records of a police incident",
                keywords="preservation letter, evidence",
            ),
            "plan": plan,
            "recipient": RECIPIENTS[plan.recipient],
            "when": incident.occurred_at.astimezone(tz).strftime("%B %-d, %Y at %-I:%M %p %Z"),
            "place": incident.place or incident.event.place,
            "event": incident.event.name,
            "agencies": incident.agencies_present,
            "officers": officers,
        },
    )
    return render_pdf(html).pdf


RECIPIENTS = {
    "police": "Philadelphia Police Department, Office of the Police Commissioner, 400 N. Broad Street, Philadelphia, PA 19130",
    "city": "City of Philadelphia Law Department, 1515 Arch Street, 17th Floor, Philadelphia, PA 19102",
}
