"""The custody board of an event: every arrestee by stage, time in custody with the alert past
settings.CUSTODY_ALERT_HOURS, medical needs flagged, who is waiting outside, and how many hotline
entries are still about someone not identified.

Two queries whatever the size of the event (the arrests with their person's name and place; the
event's hotline entries), and one for the board's version (the ETag the watchers poll with).
Medical needs are a flag from `isnull` on the sealed columns: their text is never read here.
"Held beyond expected release" is time alone: no reason is recorded or inferred."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q
from django.utils import timezone

from cases.models import Arrest, CustodyStatus, Event, display_name_of
from custody.models import HotlineEntry


@dataclass
class BoardPerson:
    arrest_id: UUID
    name: str
    stage: str
    place: str
    arrested_at: datetime.datetime
    released_at: datetime.datetime | None
    hours: float  # in custody so far (or until release)
    held: bool  # still in custody
    overdue: bool  # still in custody past the alert
    medical: bool
    waiting: list[str] = field(default_factory=list)
    entries: int = 0


@dataclass
class BoardColumn:
    stage: str
    label: str
    people: list[BoardPerson]


@dataclass
class Board:
    event: Event
    columns: list[BoardColumn]
    alert_hours: int
    in_custody: int
    overdue: int
    unidentified: int  # hotline entries not yet linked to an arrest
    built_at: datetime.datetime


def _hours(start: datetime.datetime, end: datetime.datetime) -> float:
    return max((end - start).total_seconds(), 0) / 3600


def board_for_event(*, event: Event, now: datetime.datetime | None = None) -> Board:
    """The board of `event` (the caller fetched it through `custody.access.board_event_for`)."""
    now = now or timezone.now()
    alert = datetime.timedelta(hours=settings.CUSTODY_ALERT_HOURS)
    in_custody = CustodyStatus.in_custody()
    arrests = (
        Arrest.objects.filter(case__event=event)
        .annotate(
            person_needs=ExpressionWrapper(
                Q(case__demonstrator__special_needs__isnull=False), output_field=BooleanField()
            )
        )
        .values_list(
            "pk",
            "public_id",
            "custody_status",
            "arrested_at",
            "released_at",
            "case__demonstrator__preferred_name",
            "case__demonstrator__legal_name",
            "case__demonstrator__conceal_legal_name",
            "placement__place__name",
            "person_needs",
        )
        .order_by("arrested_at", "pk")
    )
    people: dict[int, BoardPerson] = {}
    for pk, public_id, stage, arrested_at, released_at, preferred, legal, conceal, place, needs in arrests:
        still_held = stage in in_custody
        end = now if still_held or released_at is None else released_at
        people[pk] = BoardPerson(
            arrest_id=public_id,
            name=display_name_of(preferred_name=preferred or "", legal_name=legal or "", conceal_legal_name=conceal),
            stage=stage,
            place=place or "",
            arrested_at=arrested_at,
            released_at=released_at,
            hours=_hours(arrested_at, end),
            held=still_held,
            overdue=still_held and now - arrested_at > alert,
            medical=bool(needs),
        )
    entries = (
        HotlineEntry.objects.filter(event=event)
        .annotate(medical=ExpressionWrapper(Q(medical_needs__isnull=False), output_field=BooleanField()))
        .values_list("arrest_id", "medical", "waiting_outside")
    )
    unidentified = 0
    for arrest_id, medical, waiting in entries:
        person = people.get(arrest_id) if arrest_id is not None else None
        if person is None:
            unidentified += 1
            continue
        person.entries += 1
        person.medical = person.medical or bool(medical)
        if waiting:
            person.waiting.append(waiting)
    by_stage: dict[str, list[BoardPerson]] = {stage: [] for stage in CustodyStatus.values}
    for person in people.values():
        by_stage.setdefault(person.stage, []).append(person)
    columns = [
        BoardColumn(stage=value, label=str(label), people=by_stage[value]) for value, label in CustodyStatus.choices
    ]
    held = [p for p in people.values() if p.stage in in_custody]
    return Board(
        event=event,
        columns=columns,
        alert_hours=settings.CUSTODY_ALERT_HOURS,
        in_custody=len(held),
        overdue=sum(1 for p in held if p.overdue),
        unidentified=unidentified,
        built_at=now,
    )


def board_version(*, event: Event, now: datetime.datetime | None = None) -> str:
    """A short tag that changes whenever the board would: an arrest, a person, a placement or a
    hotline entry of the event changed, or a minute passed (the hours and alerts move with time).
    The watchers' polling sends it back (If-None-Match) and gets 304 while nothing changed."""
    now = now or timezone.now()
    arrests = Arrest.objects.filter(case__event=event).aggregate(
        n=Count("pk"),
        arrest=Max("updated_at"),
        person=Max("case__demonstrator__updated_at"),
        placement=Max("placement__updated_at"),
    )
    hotline = HotlineEntry.objects.filter(event=event).aggregate(n=Count("pk"), at=Max("updated_at"))
    minute = int(now.timestamp() // 60)
    raw = f"{event.pk}|{sorted(arrests.items())}|{sorted(hotline.items())}|{minute}|{settings.CUSTODY_ALERT_HOURS}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
