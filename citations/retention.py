"""This app's part of retention and purge (connected in CitationsConfig.ready).

- `purge_holds`: a case stays while an appeal window or a civil-claim deadline is open (an open
  APPEAL or CIVIL_CLAIM deadline not yet past; a decided citation within APPEAL_HOLD_DAYS of its
  decision, in case its deadline rule was switched off; an appeal in progress; an excessive-force
  complaint whose civil-claim period, counted by the rule data from its latest incident (else its
  creation), has not ended: `citations.deadlines.civil_claim_deadline`, which the packets use too).
- `purge_case_citations`: a purged case's citations keep what the dashboard counts (kind, status,
  disposition, money, dates of issue and decision) and lose what finds the person in court
  records: citation and docket numbers, courtroom, place, hearing time, payment references.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Q, QuerySet

from cases.models import Case, ExcessiveForceComplaint
from citations.deadlines import civil_claim_deadline, civil_claim_rules
from citations.models import Citation, CitationStatus, Deadline, DeadlineKind, DeadlineStatus, Payment


def citation_purge_holds(sender: Any, *, cases: Any, today: datetime.date, **kwargs: Any) -> dict[int, list[str]]:
    holds: dict[int, list[str]] = {}
    open_windows = Deadline.objects.filter(
        case__in=cases,
        kind__in=[DeadlineKind.APPEAL, DeadlineKind.CIVIL_CLAIM],
        status=DeadlineStatus.OPEN,
        due_on__gte=today,
    )
    for case_id, kind, due_on in open_windows.values_list("case_id", "kind", "due_on"):
        label = "appeal window" if kind == DeadlineKind.APPEAL else "civil-claim deadline"
        holds.setdefault(case_id, []).append(f"{label} open until {due_on.isoformat()}")
    recent = today - datetime.timedelta(days=settings.APPEAL_HOLD_DAYS)
    decided = Citation.objects.filter(case__in=cases).filter(
        Q(status=CitationStatus.APPEALED)
        | Q(status__in=[CitationStatus.DECIDED, CitationStatus.APPEAL_WINDOW], decided_on__gte=recent)
        | Q(status=CitationStatus.APPEAL_WINDOW, decided_on__isnull=True)
    )
    for case_id, status in decided.values_list("case_id", "status"):
        reason = "appeal in progress" if status == CitationStatus.APPEALED else "recently decided citation"
        holds.setdefault(case_id, []).append(reason)
    for case_id, reasons in complaint_claim_holds(cases, today=today).items():
        holds.setdefault(case_id, []).extend(reasons)
    return holds


def complaint_claim_holds(cases: QuerySet[Case], *, today: datetime.date) -> dict[int, list[str]]:
    """A complaint keeps its case while a civil claim may still be brought: the rule data's
    civil-claim period from the complaint's latest incident (else its creation), counted in the
    event's time zone. Two queries (the rules, the complaints) however many cases."""
    holds: dict[int, list[str]] = {}
    rules = civil_claim_rules()
    rows = (
        ExcessiveForceComplaint.objects.filter(case__in=cases)
        .annotate(latest=Max("incidents__occurred_at"))
        .values_list("case_id", "forum", "created_at", "latest", "case__event__time_zone", "case__event__jurisdiction")
    )
    for case_id, forum, created_at, latest, time_zone, jurisdiction in rows:
        claim = civil_claim_deadline(
            latest or created_at, tz=ZoneInfo(time_zone), jurisdiction=jurisdiction, forum=forum, rules=rules
        )
        if claim is not None and claim.due_on >= today:
            holds.setdefault(case_id, []).append(f"civil-claim window open until {claim.due_on.isoformat()}")
    return holds


def purge_case_citations(sender: Any, *, case: Any, **kwargs: Any) -> None:
    for pk, public_id in Citation.objects.filter(case=case).values_list("pk", "public_id"):
        # numbers are unique per agency: a placeholder made of the row's own UUID
        Citation.objects.filter(pk=pk).update(
            number=f"purged-{public_id.hex}", docket_number="", courtroom="", place="", hearing_at=None
        )
    Payment.objects.filter(citation__case=case).update(reference="")
