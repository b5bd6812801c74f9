"""Retention and purge: personal data goes once a case has been closed long enough; counts stay.

A closed case carries `retention_until` (closing date + settings.RETENTION_DAYS_AFTER_CLOSE, set
by cases.services.case_close). Once that date has passed, `purge_expired` removes the case's
personal data for good, unless the case is *on hold*: a charge is still pending or a window is
still open (the citations app answers `cases.signals.purge_holds` with its open citations, its open
deadlines whatever their dates, its appeal windows, and its civil-claim periods from the deadline
rules: citations/deadlines.py). The same holds make `case_close` ask for an explicit confirmation.

What a purge removes (docs/retention.md has the full table):
- evidence of the case, its complaints and the incidents that concern only this case: rows, custody
  logs, both files on disk, and the data key they were sealed under (crypto-shredding);
- witness statements of the case, its complaints and those incidents (rows);
- complaint narrative, injuries, treatment, reference number; lawyer notes; assigned lawyers;
- incident narrative, injuries, witnesses and video holders of incidents that concern only this
  case; the description of this person in any "arrest seen" record;
- arrest place, charges and police report number;
- whatever other apps keep (receivers of `cases.signals.case_purging`: citation numbers, dockets,
  courtrooms and payment references, deadlines and calendar entries, stored packets);
- the person's identity, contact and medical fields and every blind index, once none of their
  cases is left unpurged.
What stays: the rows that the dashboard counts (case, demonstrator, arrest, citation, payment,
incident, complaint outcome) with their non-identifying columns (dates, statuses, amounts, kinds).
The audit trail never held values, so it is kept whole (its chain stays verifiable).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases import datakeys
from cases.audit import audit_record
from cases.fields import blind_index_fields, encrypted_fields
from cases.models import (
    Arrest,
    ArrestSeen,
    Case,
    CaseStatus,
    Demonstrator,
    Evidence,
    ExcessiveForceComplaint,
    Incident,
    WitnessStatement,
)
from cases.selectors import case_attachments, incident_ids_concerning
from cases.signals import case_purging, purge_holds
from cases.types import User


def retention_date(*, closed_on: datetime.date) -> datetime.date:
    return closed_on + datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)


def cases_past_retention(*, today: datetime.date) -> QuerySet[Case]:
    return Case.objects.filter(
        status=CaseStatus.CLOSED, retention_until__isnull=False, retention_until__lte=today, purged_at__isnull=True
    ).order_by("retention_until", "pk")


@dataclass(frozen=True)
class Hold:
    """One reason a case must stay: `code` names the kind (what the audit trail records: no dates,
    no values), `text` says it to people (in the active language)."""

    code: str
    text: str

    def __str__(self) -> str:
        return self.text


def purge_holds_for(cases: QuerySet[Case], *, today: datetime.date) -> dict[int, list[Hold]]:
    """Why each of `cases` must stay (case id -> holds; a case without holds is absent): what keeps
    a closed case from being purged, and what closing a case asks to confirm."""
    holds: dict[int, list[Hold]] = {}
    for _receiver, answer in purge_holds.send(sender=Case, cases=cases, today=today):
        # Each receiver answers {case id: holds} (the stubs type every signal's answers as str).
        held = cast("dict[int, list[Hold]] | None", answer)
        for case_id, reasons in (held or {}).items():
            holds.setdefault(case_id, []).extend(reasons)
    return holds


@dataclass
class PurgeReport:
    dry_run: bool
    today: datetime.date
    purged: list[str] = field(default_factory=list)  # case numbers
    held: dict[str, list[str]] = field(default_factory=dict)  # case number -> reasons
    files_deleted: int = 0
    orphans_deleted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "today": self.today.isoformat(),
            "purged": self.purged,
            "held": self.held,
            "files_deleted": self.files_deleted,
            "orphans_deleted": self.orphans_deleted,
        }


def _exclusive_incidents(case: Case) -> QuerySet[Incident]:
    """Incidents whose personal text concerns this case only: linked to it (as a person affected,
    an arrest seen or through its complaints) and to no other case in any way (people affected,
    arrests seen, complaints, statements or evidence of another case)."""
    linked = incident_ids_concerning(case)
    affected = Incident.people_affected.through
    complaint_links = ExcessiveForceComplaint.incidents.through
    others = [
        affected.objects.filter(incident__in=linked).exclude(case=case).values("incident_id"),
        ArrestSeen.objects.filter(incident__in=linked, case__isnull=False).exclude(case=case).values("incident_id"),
        complaint_links.objects.filter(incident__in=linked)
        .exclude(excessiveforcecomplaint__case=case)
        .values("incident_id"),
    ]
    for model in (WitnessStatement, Evidence):
        attached = model.objects.filter(incident__in=linked)
        others.append(attached.filter(case__isnull=False).exclude(case=case).values("incident_id"))
        others.append(attached.filter(complaint__isnull=False).exclude(complaint__case=case).values("incident_id"))
    qs = Incident.objects.filter(pk__in=linked)
    for subquery in others:
        qs = qs.exclude(pk__in=subquery)
    return qs


def _blank(model: type, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every encrypted column to NULL and every blind index to ''."""
    values: dict[str, Any] = {f.name: None for f in encrypted_fields(model) if f.name not in exclude}
    values.update({f.name: "" for f in blind_index_fields(model)})
    return values


@transaction.atomic
def case_purge(*, case: Case, by: User | None = None, today: datetime.date | None = None) -> int:
    """Remove one case's personal data irreversibly (see the module docstring). Refuses a case
    that is not past retention or is on hold. Returns the number of files deleted."""
    today = today or timezone.localdate()
    case = Case.objects.select_for_update().select_related("demonstrator").get(pk=case.pk)
    due = cases_past_retention(today=today).filter(pk=case.pk)
    if not due.exists():
        raise ValueError(f"case {case.number} is not past its retention date (or was purged already)")
    holds = purge_holds_for(due, today=today)
    if holds.get(case.pk):
        raise ValueError(f"case {case.number} is on hold: {'; '.join(map(str, holds[case.pk]))}")

    incidents = list(_exclusive_incidents(case).values_list("pk", flat=True))
    incident_rows = list(Incident.objects.filter(pk__in=incidents).only("public_id"))
    case_purging.send(sender=Case, case=case, by=by)

    evidence = Evidence.objects.filter(case_attachments(case, incident_ids=incidents))
    names = [n for pair in evidence.values_list("file", "served_file") for n in pair if n]
    evidence.delete()  # custody logs cascade
    for scope in [datakeys.scope_for_case(case), *(datakeys.scope_for_incident(i) for i in incident_rows)]:
        datakeys.datakey_destroy(scope=scope)

    WitnessStatement.objects.filter(case_attachments(case, incident_ids=incidents)).delete()
    ExcessiveForceComplaint.objects.filter(case=case).update(reference_number="", **_blank(ExcessiveForceComplaint))
    Incident.objects.filter(pk__in=incidents).update(**_blank(Incident))
    ArrestSeen.objects.filter(Q(case=case) | Q(incident__in=incidents)).update(**_blank(ArrestSeen))
    Arrest.objects.filter(case=case).update(place="", charges="", police_report_number="")
    case.lawyers.clear()
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(purged_at=now, **_blank(Case))

    person = case.demonstrator
    if not Case.objects.filter(demonstrator=person, purged_at__isnull=True).exists():
        Demonstrator.objects.filter(pk=person.pk).update(purged_at=now, **_blank(Demonstrator))

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    audit_record(actor=by, action="case.purge", target=case, count=len(names), rows=len(incidents))
    return len(names)


def sweep_orphan_files(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> int:
    """Delete evidence files no row points to (left by a rolled-back upload)."""
    known = {n for pair in Evidence.objects.values_list("file", "served_file") for n in pair if n}
    cutoff = timezone.now() - older_than
    deleted = 0
    if not default_storage.exists("evidence"):
        return 0
    for prefix in default_storage.listdir("evidence")[0]:
        for name in default_storage.listdir(f"evidence/{prefix}")[1]:
            path = f"evidence/{prefix}/{name}"
            if path not in known and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted


def purge_expired(*, dry_run: bool = False, by: User | None = None, today: datetime.date | None = None) -> PurgeReport:
    """Purge every case past retention that is not on hold; with dry_run, only say what would go."""
    today = today or timezone.localdate()
    report = PurgeReport(dry_run=dry_run, today=today)
    candidates = cases_past_retention(today=today)
    holds = purge_holds_for(candidates, today=today)
    for case in candidates.only("pk", "number", "public_id"):
        if holds.get(case.pk):
            report.held[case.number] = [str(hold) for hold in holds[case.pk]]
            continue
        report.purged.append(case.number)
        if not dry_run:
            report.files_deleted += case_purge(case=case, by=by, today=today)
    if not dry_run:
        report.orphans_deleted = sweep_orphan_files()
    audit_record(
        actor=by,
        action="retention.purge_expired",
        dry_run=dry_run,
        cases=len(report.purged),
        count=len(report.held),
    )
    return report
