"""The plaintiff roster as files for the lawyers of a group suit: CSV (cells a spreadsheet would
run are neutralised, as the citations export does) and PDF (HTML from a template, turned into a
PDF only by `documents.pdf`, the packets' renderer). The rows come from
`claims.selectors.plaintiff_roster`, already scoped; the caller audits the export."""

from __future__ import annotations

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Event
from citations.exports import neutralise
from claims.selectors import RosterRow

ROSTER_COLUMNS = [
    "case number", "name", "injuries", "treatment", "injured at arrest", "officers", "evidence items",
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

    now = timezone.localtime()
    html = render_to_string(
        "claims/roster_pdf.html",
        {
            "title": f"Plaintiff roster: {event.name}",
            "subject": "People affected by force at one event, for the lawyers of a group suit",
            "author": "Legal support team",
            "keywords": "plaintiff roster, privileged, attorney work product",
            "generated_at": now.strftime("%Y-%m-%d %H:%M %Z"),
            "generated_iso": now.isoformat(timespec="seconds"),
            "content_hash": "",
            "event": event,
            "columns": ROSTER_COLUMNS,
            "rows": [roster_values(row, event) for row in rows],
        },
    )
    return render_pdf(html).pdf
