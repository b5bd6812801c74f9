"""Reads of the claims app: a complaint's allegations, the findings per allegation for the
dashboard, the plaintiff roster of an event, an officer's history, and the preservation plan of an
incident; a photo's blur regions and its blurred copy, unsealed.

The dashboard lives in `citations` (below this app, so it cannot import it): the findings block is
a section registered from `ClaimsConfig.ready()` (`citations.dashboard.register_section`). Its query
counts allegations per event and finding (one grouped query, no personal data); its cells use the
dashboard's suppression: small events are left out, the total is tied to its breakdown by finding
on each page and each overall count to the same count per event in one
`citations.disclosure.LinkedTable`, so no small count can be worked out by subtraction across pages,
and a total below the threshold gets no breakdown.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import datakeys
from cases.access import (
    case_list_visible_to,
    complaint_list_visible_to,
    evidence_list_visible_to,
    incident_list_visible_to,
    statement_list_visible_to,
)
from cases.models import (
    Arrest,
    BadgeStatus,
    Case,
    ComplaintStatus,
    Event,
    Evidence,
    ExcessiveForceComplaint,
    Incident,
    IncidentOfficer,
    Officer,
    display_name_of,
    local_date,
)
from cases.selectors import PersonAffected, case_incident_pairs, incident_ids_concerning
from cases.types import AnyUser
from citations.dashboard import count_cell, threshold, withheld_cell
from citations.deadlines import CivilClaimDeadline, civil_claim_deadline, civil_claim_rules, preservation_dates
from citations.disclosure import HIDDEN, WITHHELD, LinkedTable
from citations.models import Citation
from claims.access import allegation_list_visible_to
from claims.models import Allegation, BlurredCopy, BlurRegion, Finding, PreservationLetter, RecordHolder, RecordKind
from custody.models import HotlineEntry
from documents.context import people_with_open_matters
from documents.photos import Region

ALL = "all"


def allegations_of(*, complaint: ExcessiveForceComplaint, user: AnyUser) -> QuerySet[Allegation]:
    """A complaint's allegations in the user's scope, with their officer, force type and incident."""
    return allegation_list_visible_to(user=user).filter(complaint=complaint).order_by("id")


def allegation_incident_choices(
    *, complaint: ExcessiveForceComplaint, user: AnyUser, current: int | None = None
) -> QuerySet[Incident]:
    """The incidents an allegation of `complaint` may name: those in the user's scope, at the
    complaint's event, that concern its case (people affected, arrests seen, the complaint's own
    incidents), and the one the allegation names now (`current`, its id), oldest first. Not every
    incident of the event: at a mass arrest that is tens of thousands, a menu no one can use that
    took seconds to render."""
    concerning = Q(pk__in=incident_ids_concerning(complaint.case))
    if current is not None:
        concerning |= Q(pk=current)
    return (
        incident_list_visible_to(user=user)
        .filter(concerning, event_id=complaint.case.event_id)
        .order_by("occurred_at", "id")
    )


def finding_rows() -> list[dict[str, Any]]:
    """Allegations per event and finding: one grouped query."""
    rows = Allegation.objects.order_by().values("complaint__case__event_id", "finding").annotate(n=Count("*"))
    return [dict(row) for row in rows]


def finding_cells(rows: list[dict[str, Any]], event: Event | None, counted: list[int]) -> dict[str, Any]:
    """The findings block of one page (`event`, or overall when None): the allegations counted,
    and per finding, every count suppressed as the dashboard's are (see the module docstring)."""
    findings = list(Finding.values)
    per: dict[Any, dict[str, int]] = {event_id: dict.fromkeys(findings, 0) for event_id in counted}
    for row in rows:
        if row["complaint__case__event_id"] in per:
            per[row["complaint__case__event_id"]][row["finding"]] += row["n"]
    per[ALL] = {finding: sum(per[event_id][finding] for event_id in counted) for finding in findings}
    table = LinkedTable(limit=threshold(), withheld_floor=threshold())
    for scope, values in per.items():
        total = sum(values.values())
        table.cell((scope, "total"), total)
        for finding, n in values.items():
            table.cell((scope, finding), n)
        table.add_sum((scope, "total"), [(scope, finding) for finding in findings], breakdown=(scope, "findings"))
        if 0 < total < threshold():
            table.hide((scope, "findings"))
    if counted:
        for key in ["total", *findings]:
            table.add_sum((ALL, key), [(event_id, key) for event_id in counted])
    table.protect()
    scope = ALL if event is None else event.pk
    labels = {finding: str(label) for finding, label in Finding.choices}
    if scope not in per:  # an event without people: nothing counted
        return {"allegations": count_cell(0), "by_finding": None, "labels": labels}

    def shown(key: tuple[Any, str]) -> dict[str, Any] | None:
        state = table.state[key]
        if state == HIDDEN:
            return None
        return withheld_cell() if state == WITHHELD else count_cell(table.values[key])

    by_finding = {finding: shown((scope, finding)) for finding in findings}
    return {
        "allegations": shown((scope, "total")),
        "by_finding": None if all(cell is None for cell in by_finding.values()) else by_finding,
        "labels": labels,
    }


# --- The plaintiff roster of an event ----------------------------------------------------------

ROSTER_SORTS = ("days_left", "name", "number", "officers", "evidence", "witnesses", "complaint", "pending")


@dataclass
class RosterRow:
    """One person affected by force at an event, as the lawyers of a group suit read them."""

    case_id: int
    public_id: uuid.UUID
    number: str
    person_id: int
    name: str
    injured_at_arrest: bool = False
    hurt_on_hotline: bool = False
    injuries: list[str] = field(default_factory=list)
    treatment: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    evidence: int = 0
    witnesses: int = 0
    complaint_filed: bool = False
    charges_pending: bool = False
    first_incident: datetime.datetime | None = None
    claim_due: datetime.date | None = None
    days_left: int | None = None
    incidents: set[int] = field(default_factory=set)
    # The legal name is the one shown, and it is still sealed (see `roster_names`).
    legal_name_sealed: bool = False


def hurt_on_hotline(event: Event) -> QuerySet[HotlineEntry]:
    """The event's hotline entries about someone hurt by police force (linked or not)."""
    return HotlineEntry.objects.filter(event=event, hurt_by_force=True)


def roster_cases(*, event: Event, user: AnyUser) -> QuerySet[Case]:
    """The cases of the people affected by force at `event` that `user` reaches: a person affected
    in an incident of the event, one with an excessive-force complaint, one injured at arrest, or
    one a hotline entry about someone hurt by police force was linked to (through their arrest)."""
    affected = PersonAffected.objects.filter(incident__event=event).values("case_id")
    complained = ExcessiveForceComplaint.objects.filter(case__event=event).values("case_id")
    injured = Arrest.objects.filter(case__event=event, injured=True).values("case_id")
    hurt = hurt_on_hotline(event).filter(arrest__isnull=False).values("arrest__case_id")
    return (
        case_list_visible_to(user=user)
        .filter(event=event)
        .filter(Q(pk__in=affected) | Q(pk__in=complained) | Q(pk__in=injured) | Q(pk__in=hurt))
    )


def unidentified_hurt_count(*, event: Event) -> int:
    """How many hotline entries of `event` about someone hurt by police force are not linked to
    a person yet: possible plaintiffs the roster cannot list until a coordinator links the entry
    to their arrest (a count, no personal data)."""
    return hurt_on_hotline(event).filter(arrest__isnull=True).count()


def _officer_label(name: str, badge: str, status: str, unit: str) -> str:
    label = name or str(_("Unidentified officer"))
    if badge:
        label += f" #{badge}" + ("" if status == BadgeStatus.FULL else "?")
    if unit:
        label += f" ({unit})"
    return label


def plaintiff_roster(
    *, event: Event, user: AnyUser, sort: str = "days_left", today: datetime.date | None = None, names: bool = True
) -> list[RosterRow]:
    """Everyone affected by force at `event` in `user`'s scope, one row each: injuries and
    treatment (from their complaints; injured at arrest), the officers seen in their incidents or
    named in their complaints, the evidence and witness statements attached to them (as the case
    page counts them, in the user's scope), whether a complaint is filed, whether charges are
    still pending (the complaint packet's guardrail, `documents.context.people_with_open_matters`),
    and the days left on the civil-claim clock from their earliest incident (the deadline engine,
    `citations.deadlines.civil_claim_deadline`). A fixed number of queries whatever the size.

    `names=False` (a page of the roster): the legal names shown are left sealed unless the order
    is by name; `roster_names` unseals those of the rows the page shows."""
    today = today or timezone.localdate()
    cases = roster_cases(event=event, user=user)
    rows: dict[int, RosterRow] = {}
    names = names or sort.lstrip("-") == "name"  # a sort by name needs every name
    for values in cases.order_by().values(
        "pk", "public_id", "number", "demonstrator_id", "demonstrator__preferred_name",
        "demonstrator__conceal_legal_name",
    ):  # fmt: skip
        rows[values["pk"]] = RosterRow(
            case_id=values["pk"],
            public_id=values["public_id"],
            number=values["number"],
            person_id=values["demonstrator_id"],
            name=display_name_of(
                preferred_name=values["demonstrator__preferred_name"],
                legal_name="",
                conceal_legal_name=values["demonstrator__conceal_legal_name"],
            ),
            legal_name_sealed=not (names or values["demonstrator__preferred_name"])
            and not values["demonstrator__conceal_legal_name"],
        )
    if not rows:
        return []
    # Legal names are unsealed only where they are shown: no preferred name, and not concealed.
    if names:
        legal = cases.filter(demonstrator__preferred_name__isnull=True, demonstrator__conceal_legal_name=False)
        for pk, legal_name in legal.order_by().values_list("pk", "demonstrator__legal_name"):
            rows[pk].name = legal_name
    # The rows below are read for the whole event and those of cases not in `rows` dropped here:
    # a plain filter on the event, never a list of thousands of ids (more costly to send than the
    # queries take to run) nor the roster's own three-way subquery repeated in every query.
    ids = Case.objects.filter(event=event)
    # Only the incidents concerning someone of the event (one UNION subquery): at a mass arrest
    # most incidents concern no one on the roster, and reading all of them (their times and
    # every officer seen in them) was most of the roster's time.
    concerning = incident_ids_concerning(ids)
    incidents = incident_list_visible_to(user=user).filter(event=event, pk__in=concerning)
    when = dict(incidents.order_by().values_list("pk", "occurred_at"))
    by_incident: dict[int, list[int]] = {}
    for case_id, incident_id in case_incident_pairs(ids):
        if incident_id in when and case_id in rows:
            rows[case_id].incidents.add(incident_id)
            by_incident.setdefault(incident_id, []).append(case_id)
    for case_id in Arrest.objects.filter(case__event=event, injured=True).order_by().values_list("case_id", flat=True):
        if case_id in rows:
            rows[case_id].injured_at_arrest = True
    # What hotline callers said of how a person was hurt (linked entries; sealed, read here).
    hotline = hurt_on_hotline(event).filter(arrest__isnull=False).order_by("received_at", "id")
    for case_id, injuries in hotline.values_list("arrest__case_id", "injuries"):
        if case_id in rows:
            rows[case_id].hurt_on_hotline = True
            rows[case_id].injuries += [injuries] if injuries else []
    officers: dict[int, set[str]] = {case_id: set() for case_id in rows}
    sightings = IncidentOfficer.objects.filter(incident__in=concerning).values_list(
        "incident_id", "officer__name", "officer__badge_number", "officer__badge_status", "officer__unit"
    )
    for incident_id, *officer in sightings:
        for case_id in by_incident.get(incident_id, ()):
            officers[case_id].add(_officer_label(*officer))
    complaints = complaint_list_visible_to(user=user).filter(case__event=event)
    forum: dict[int, str] = {}
    for case_id, status, injuries, treatment, complaint_forum in complaints.values_list(
        "case_id", "status", "injuries", "treatment", "forum"
    ):
        if case_id not in rows:
            continue
        row = rows[case_id]
        row.complaint_filed = row.complaint_filed or status != ComplaintStatus.DRAFT
        row.injuries += [injuries] if injuries else []
        row.treatment += [treatment] if treatment else []
        forum.setdefault(case_id, complaint_forum)
    named = ExcessiveForceComplaint.officers.through.objects.filter(excessiveforcecomplaint__in=complaints).values_list(
        "excessiveforcecomplaint__case_id", "officer__name", "officer__badge_number", "officer__badge_status",
        "officer__unit",
    )  # fmt: skip
    for case_id, *officer in named:
        if case_id in officers:
            officers[case_id].add(_officer_label(*officer))
    for case_id, labels in officers.items():
        rows[case_id].officers = sorted(labels)
    _count_attachments(rows, by_incident, evidence_list_visible_to(user=user), "evidence", ids, event)
    _count_attachments(rows, by_incident, statement_list_visible_to(user=user), "witnesses", ids, event)
    pending = people_with_open_matters(ids)
    rules = civil_claim_rules()
    tz = ZoneInfo(event.time_zone)
    claims: dict[tuple[datetime.date, str], CivilClaimDeadline | None] = {}
    for row in rows.values():
        row.charges_pending = row.person_id in pending
        row.first_incident = min((when[i] for i in row.incidents), default=None)
        # The clock counts from the local day of the earliest incident (the event's start when
        # the person is on no incident report); many people share a day, so each is counted once.
        start = local_date(row.first_incident or event.starts_at, event.time_zone)
        key = (start, forum.get(row.case_id, ""))
        if key not in claims:
            claims[key] = civil_claim_deadline(start, tz=tz, jurisdiction=event.jurisdiction, forum=key[1], rules=rules)
        claim = claims[key]
        if claim is not None:
            row.claim_due = claim.due_on
            row.days_left = (claim.due_on - today).days
    return sort_roster(list(rows.values()), sort)


def roster_names(rows: list[RosterRow]) -> list[RosterRow]:
    """Unseal the legal names `plaintiff_roster(names=False)` left sealed, for these rows only (the
    page shown): one query for a page, instead of decrypting every name of the event."""
    sealed = {row.case_id: row for row in rows if row.legal_name_sealed}
    if sealed:
        for pk, legal_name in Case.objects.filter(pk__in=list(sealed)).values_list("pk", "demonstrator__legal_name"):
            sealed[pk].name, sealed[pk].legal_name_sealed = legal_name, False
    return rows


def _count_attachments(
    rows: dict[int, RosterRow], by_incident: dict[int, list[int]], scoped: QuerySet[Any], attribute: str,
    cases: QuerySet[Case], event: Event,
) -> None:  # fmt: skip
    """Count statements or files per person: those tied to the case or one of its complaints, and
    those of an incident concerning it (`cases.selectors.case_attachments`, for many cases)."""
    counts = dict.fromkeys(rows, 0)
    direct = scoped.filter(Q(case__event=event) | Q(complaint__case__event=event)).values_list(
        "case_id", "complaint__case_id"
    )
    for case_id, complaint_case_id in direct:
        owner = case_id if case_id in counts else complaint_case_id
        if owner in counts:
            counts[owner] += 1
    shared = (
        scoped.filter(incident__event=event, case__isnull=True, complaint__isnull=True)
        .values("incident_id")
        .annotate(n=Count("*"))
        .values_list("incident_id", "n")
    )
    for incident_id, n in shared:
        for case_id in by_incident.get(incident_id, ()):
            counts[case_id] += n
    for case_id, n in counts.items():
        setattr(rows[case_id], attribute, n)


def sort_roster(rows: list[RosterRow], sort: str) -> list[RosterRow]:
    """Order the roster by one of `ROSTER_SORTS` ("-" before it: descending); the most urgent
    civil-claim clock first by default. Ties (and unknown keys) fall back to the case number."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in ROSTER_SORTS:
        key, descending = "days_left", False
    keys: dict[str, Callable[[RosterRow], Any]] = {
        "days_left": lambda r: (r.days_left is None, r.days_left or 0),
        "name": lambda r: r.name.casefold(),
        "number": lambda r: r.number,
        "officers": lambda r: len(r.officers),
        "evidence": lambda r: r.evidence,
        "witnesses": lambda r: r.witnesses,
        "complaint": lambda r: r.complaint_filed,
        "pending": lambda r: r.charges_pending,
    }
    rows.sort(key=lambda r: r.number)
    rows.sort(key=keys[key], reverse=descending)
    return rows


# --- One officer's history across every event ---------------------------------------------------


@dataclass
class OfficerHistory:
    """What the tracker holds about one officer (a public employee acting in public), across every
    event. Incidents are listed by when, where and what force, never by who was hurt; the
    allegations the reader's scope reaches are listed, all of them are counted by finding.
    `sightings` is not read yet: the page shows one page of it (thousands for a busy officer),
    every summary beside it is counted by the database."""

    officer: Officer
    sightings: QuerySet[IncidentOfficer, Any]
    force_types: list[tuple[str, int]]
    findings: dict[str, int]
    allegations: list[Allegation]
    complaints: int
    citations: list[dict[str, Any]]
    co_accused: list[tuple[Officer, int]]
    merged_from: list[Officer]


def officer_history(*, officer: Officer, user: AnyUser) -> OfficerHistory:
    """The officer's page: incidents seen in (with the badge and features as the observer saw
    them), force types in those incidents, allegations and findings, complaints naming them,
    citations they issued (counted per event and kind), and the officers seen with them in the
    same incidents (co-accused). A fixed number of queries, none of them reading every incident:
    the sightings come back as a query for the caller to page through, the rest are counts. No
    face recognition, ever: identity comes from badges, names and what observers wrote."""
    sightings = (
        IncidentOfficer.objects.filter(officer=officer)
        .order_by("-incident__occurred_at", "id")
        .values(
            "incident_id", "incident__occurred_at", "incident__place", "incident__event__name",
            "incident__event__time_zone", "badge_as_seen", "features_as_seen", "recorded_as_id",
        )
    )  # fmt: skip
    force = (
        Incident.force_types.through.objects.filter(incident__officer_sightings__officer=officer)
        .values("forcetype__label")
        .annotate(n=Count("incident_id", distinct=True))
        .order_by("-n", "forcetype__label")
    )
    findings = dict.fromkeys(Finding.values, 0)
    for finding, n in (
        Allegation.objects.filter(officer=officer).order_by().values_list("finding").annotate(n=Count("*"))
    ):
        findings[finding] = n
    co_rows = (
        IncidentOfficer.objects.filter(incident__officer_sightings__officer=officer)
        .exclude(officer=officer)
        .values("officer_id")
        .annotate(n=Count("incident_id", distinct=True))
        .order_by("-n", "officer_id")[:20]
    )
    co_counts = {row["officer_id"]: row["n"] for row in co_rows}
    co_officers = Officer.objects.in_bulk(list(co_counts))
    citations = list(
        Citation.objects.filter(issuing_officer=officer)
        .order_by()
        .values("case__event__name", "kind")
        .annotate(n=Count("*"))
        .order_by("case__event__name", "kind")
    )
    return OfficerHistory(
        officer=officer,
        sightings=sightings,
        force_types=[(row["forcetype__label"], row["n"]) for row in force],
        findings=findings,
        allegations=list(allegation_list_visible_to(user=user).filter(officer=officer).order_by("-filed_on", "-id")),
        complaints=ExcessiveForceComplaint.objects.filter(officers=officer).count(),
        citations=[dict(row) for row in citations],
        co_accused=[(co_officers[pk], n) for pk, n in co_counts.items() if pk in co_officers],
        merged_from=list(Officer.objects.filter(merged_into=officer).order_by("id")),
    )


def merge_candidates(*, officer: Officer) -> QuerySet[Officer]:
    """Records of unidentified officers that may be this one: same agency, not merged, without a
    full badge, and either a partial badge found inside this officer's badge number or seen at
    one of the same events. A lead for a person to judge from what observers wrote, never a match."""
    base = (
        Officer.objects.filter(agency=officer.agency, merged_into__isnull=True)
        .exclude(pk=officer.pk)
        .exclude(badge_status=BadgeStatus.FULL)
    )
    events = Incident.objects.filter(officer_sightings__officer=officer).values("event_id")
    # Asked of each candidate (a few dozen records without a full badge), not by listing every
    # officer seen at those events: at a busy officer's events that list is most of the table.
    same_events = Exists(IncidentOfficer.objects.filter(officer_id=OuterRef("pk"), incident__event_id__in=events))
    if officer.badge_number:
        fits = base.filter(badge_status=BadgeStatus.PARTIAL).exclude(badge_number="")
        fits = fits.annotate(full=Value(officer.badge_number, output_field=CharField())).filter(
            full__contains=F("badge_number")
        )
        return base.filter(Q(pk__in=fits.values("pk")) | same_events).order_by("badge_status", "badge_number", "id")
    return base.filter(same_events).order_by("badge_status", "badge_number", "id")


# --- Preservation letters for an incident ------------------------------------------------------


@dataclass
class PreservationPlan:
    """For one recipient (the police department or the city): the records it holds, when the
    first of them may be deleted and the day a letter must go out by, and the letters sent."""

    recipient: str
    label: str
    kinds: list[RecordKind]
    deletion: datetime.date | None
    send_by: datetime.date | None
    days_left: int | None
    letters: list[PreservationLetter]


def preservation_plans(*, incident: Incident, today: datetime.date | None = None) -> list[PreservationPlan]:
    """One plan per record holder, dates from the deadline engine (`preservation_dates`) over the
    holder's shortest retention period, which decides when a letter is too late."""
    today = today or timezone.localdate()
    kinds = list(RecordKind.objects.filter(active=True))
    letters = list(incident.preservation_letters.prefetch_related("record_kinds").order_by("sent_at", "id"))
    plans = []
    for holder, label in RecordHolder.choices:
        held = [kind for kind in kinds if kind.holder == holder]
        deletion = send_by = None
        if held:
            deletion, send_by = preservation_dates(
                incident.occurred_at,
                tz=ZoneInfo(incident.event.time_zone),
                jurisdiction=incident.event.jurisdiction,
                retention_days=min(kind.retention_days for kind in held),
            )
        plans.append(
            PreservationPlan(
                recipient=holder,
                label=str(label),
                kinds=held,
                deletion=deletion,
                send_by=send_by,
                days_left=(send_by - today).days if send_by else None,
                letters=[letter for letter in letters if letter.recipient == holder],
            )
        )
    return plans


def blur_regions_of(*, evidence: Evidence) -> list[Region]:
    """A photo's blur regions (relative x, y, width, height), in the order they were marked."""
    return [(r.x, r.y, r.w, r.h) for r in BlurRegion.objects.filter(evidence=evidence).order_by("id")]


def preservation_letters_of(*, incident: Incident) -> QuerySet[PreservationLetter]:
    """The preservation letters recorded for an incident (the caller has scoped it), first sent
    first, with the record kinds each asked for."""
    return (
        PreservationLetter.objects.filter(incident=incident)
        .select_related("incident__event")
        .prefetch_related("record_kinds")
        .order_by("sent_at", "id")
    )


def blurred_copy_of(*, evidence: Evidence) -> BlurredCopy | None:
    """A photo's blurred copy (its row), or None when it has none or one made from other bytes."""
    return BlurredCopy.objects.filter(evidence_id=evidence.pk, source_sha256=evidence.sha256).first()


def blurred_bytes(evidence: Evidence) -> bytes | None:
    """A photo's blurred copy, unsealed, or None when it has none (or one made from other bytes).
    Registered with cases.services as what a person gets of the photo (ClaimsConfig.ready)."""
    copy = blurred_copy_of(evidence=evidence)
    if copy is None:
        return None
    copy.evidence = evidence
    with copy.file.open("rb") as handle:
        blob = handle.read()
    return datakeys.unseal(scope=datakeys.scope_of_evidence(evidence), blob=blob, context=copy.crypto_context)
