"""This app's part of retention and purge (connected in CitationsConfig.ready).

- `purge_holds`: a case stays while a charge is pending or a window is open: an open citation (any
  state but closed), an open deadline whatever its date (and a missed one that risks a bench
  warrant), an appeal in progress, a citation closed within APPEAL_HOLD_DAYS of its decision (in
  case its appeal rule was switched off), an excessive-force complaint whose civil-claim period,
  counted by the rule data from its latest incident (else its creation), has not ended:
  `citations.deadlines.civil_claim_deadline`, which the packets use too. The same holds make
  closing a case ask for a confirmation (cases.services.case_close).
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
from django.utils.translation import gettext

from cases.models import Case, ExcessiveForceComplaint
from cases.retention import Hold
from citations.deadlines import civil_claim_deadline, civil_claim_rules
from citations.models import Citation, CitationKind, CitationStatus, Deadline, DeadlineKind, DeadlineStatus, Payment


def citation_purge_holds(sender: Any, *, cases: Any, today: datetime.date, **kwargs: Any) -> dict[int, list[Hold]]:
    holds: dict[int, list[Hold]] = {}
    kinds, statuses = dict(CitationKind.choices), dict(CitationStatus.choices)
    pending = Citation.objects.filter(case__in=cases).exclude(status=CitationStatus.CLOSED)
    for case_id, kind, status in pending.order_by("issued_at", "pk").values_list("case_id", "kind", "status"):
        if status == CitationStatus.APPEALED:
            hold = Hold("appeal_in_progress", gettext("appeal in progress"))
        else:
            text = gettext("open citation: %(kind)s (%(status)s)") % {"kind": kinds[kind], "status": statuses[status]}
            hold = Hold("open_citation", text)
        holds.setdefault(case_id, []).append(hold)
    recent = today - datetime.timedelta(days=settings.APPEAL_HOLD_DAYS)
    decided = Citation.objects.filter(case__in=cases, status=CitationStatus.CLOSED, decided_on__gte=recent)
    for case_id in decided.values_list("case_id", flat=True):
        holds.setdefault(case_id, []).append(Hold("recently_decided", gettext("recently decided citation")))
    unresolved = Deadline.objects.filter(case__in=cases).filter(
        Q(status=DeadlineStatus.OPEN) | Q(status=DeadlineStatus.MISSED, warrant_risk=True)
    )
    labels = dict(DeadlineKind.choices)
    rows = unresolved.order_by("due_at", "pk").values_list("case_id", "kind", "status", "due_on", "warrant_risk")
    for case_id, kind, status, due_on, warrant_risk in rows:
        holds.setdefault(case_id, []).append(_deadline_hold(str(labels[kind]), kind, status, due_on, warrant_risk))
    for case_id, reasons in complaint_claim_holds(cases, today=today).items():
        holds.setdefault(case_id, []).extend(reasons)
    return holds


def _deadline_hold(label: str, kind: str, status: str, due_on: datetime.date, warrant_risk: bool) -> Hold:
    values = {"deadline": label, "date": due_on.isoformat()}
    if status == DeadlineStatus.MISSED:
        return Hold(
            "missed_deadline", gettext("missed deadline, bench-warrant risk: %(deadline)s, due %(date)s") % values
        )
    if kind == DeadlineKind.APPEAL:
        return Hold("appeal_window", gettext("appeal window open until %(date)s") % values)
    if kind == DeadlineKind.CIVIL_CLAIM:
        return Hold("civil_claim_deadline", gettext("civil-claim deadline open until %(date)s") % values)
    if warrant_risk:
        text = gettext("open deadline, bench-warrant risk if missed: %(deadline)s, due %(date)s") % values
    else:
        text = gettext("open deadline: %(deadline)s, due %(date)s") % values
    return Hold("open_deadline", text)


def complaint_claim_holds(cases: QuerySet[Case], *, today: datetime.date) -> dict[int, list[Hold]]:
    """A complaint keeps its case while a civil claim may still be brought: the rule data's
    civil-claim period from the complaint's latest incident (else its creation), counted in the
    event's time zone. Two queries (the rules, the complaints) however many cases."""
    holds: dict[int, list[Hold]] = {}
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
            text = gettext("civil-claim window open until %(date)s") % {"date": claim.due_on.isoformat()}
            holds.setdefault(case_id, []).append(Hold("civil_claim_window", text))
    return holds


def purge_case_citations(sender: Any, *, case: Any, **kwargs: Any) -> None:
    for pk, public_id in Citation.objects.filter(case=case).values_list("pk", "public_id"):
        # numbers are unique per agency: a placeholder made of the row's own UUID
        Citation.objects.filter(pk=pk).update(
            number=f"purged-{public_id.hex}", docket_number="", courtroom="", place="", hearing_at=None
        )
    Payment.objects.filter(citation__case=case).update(reference="")
