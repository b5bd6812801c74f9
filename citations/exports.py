"""CSV export of citations.

    citations_csv(*, user, queryset=None, request=None) -> str

Only citations in the user's scope are exported (whatever `queryset` holds), and the personal
columns (name, date of birth, phone) only for roles allowed to see them for those cases
(assigned lawyers, coordinators and administrators). Every cell a spreadsheet would run as a
formula (starting with =, +, -, @, a tab or a carriage return) is neutralised with a leading
apostrophe (OWASP "CSV injection"). Each export is audited with its row count only.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from cases.audit import audit_record
from cases.types import AnyUser
from citations.access import citation_list_visible_to, sees_personal_columns
from citations.models import Citation, Deadline, DeadlineStatus
from citations.selectors import balance_of, citations_with_money

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERSONAL_COLUMNS = ["name", "date of birth", "phone"]
COLUMNS = [
    "case number", "event", "citation number", "agency", "kind", "jurisdiction", "offense", "offense description",
    "issued at", "place", "officer badge", "status", "response", "hearing at", "courtroom", "docketed",
    "docket number", "disposition", "decided on", "fine", "costs", "paid", "refunded", "balance due",
    "refund due", "next deadline", "next deadline kind",
]  # fmt: skip


def neutralise(value: Any) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _local(moment: Any, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def citations_csv(
    *, user: AnyUser, queryset: QuerySet[Citation] | None = None, request: HttpRequest | None = None
) -> str:
    """The citations of `queryset` that `user` may see, as CSV text (UTF-8; the caller adds a
    BOM if spreadsheets need one). Three queries whatever the number of rows."""
    visible = citation_list_visible_to(user=user)
    if queryset is not None:
        visible = visible.filter(pk__in=queryset.values("pk"))
    personal = sees_personal_columns(user)
    next_due = Deadline.objects.filter(
        citation=OuterRef("pk"), status__in=(DeadlineStatus.OPEN, DeadlineStatus.MISSED)
    ).order_by("due_at", "id")
    rows = (
        citations_with_money(visible)
        .annotate(
            next_due_on=Subquery(next_due.values("due_on")[:1]),
            next_due_kind=Subquery(next_due.values("kind")[:1]),
        )
        .select_related("case__event", *(["case__demonstrator"] if personal else []))
        .order_by("case__number", "issued_at", "number")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((PERSONAL_COLUMNS if personal else []) + COLUMNS)
    count = 0
    for citation in rows:
        event = citation.case.event
        tz = ZoneInfo(event.time_zone)
        balance = balance_of(citation)
        cells: list[Any] = []
        if personal:
            person = citation.case.demonstrator
            cells += [
                person.display_name,
                person.date_of_birth.isoformat() if person.date_of_birth else "",
                person.phone,
            ]
        cells += [
            citation.case.number, event.name, citation.number, citation.agency, citation.get_kind_display(),
            citation.jurisdiction, citation.offense_code, citation.offense_description,
            _local(citation.issued_at, tz), citation.place, citation.officer_badge_as_written,
            citation.get_status_display(), citation.get_response_display() if citation.response else "",
            _local(citation.hearing_at, tz), citation.courtroom, "yes" if citation.docketed else "not yet",
            citation.docket_number, citation.get_disposition_display(),
            citation.decided_on.isoformat() if citation.decided_on else "",
            _money(citation.fine), _money(citation.costs), _money(balance.paid), _money(balance.refunded),
            _money(balance.balance_due), _money(balance.refund_due),
            citation.next_due_on.isoformat() if citation.next_due_on else "",
            citation.next_due_kind or "",
        ]  # fmt: skip
        writer.writerow([neutralise(cell) for cell in cells])
        count += 1
    audit_record(
        actor=user,
        action="citations.export",
        fields=PERSONAL_COLUMNS if personal else [],
        request=request,
        count=count,
        format="csv",
    )
    return out.getvalue()
