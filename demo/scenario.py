"""The demo scenario `seed_demo` builds: an encampment protest with ~30 demonstrators, their
citations on the three Philadelphia tracks, arrests, ~40 observer reports, 3 excessive-force
complaints with witness statements and evidence, and one account per role. Building it twice
changes nothing: the accounts are refreshed, the data made once. Everything is invented
(demo.vocabulary), and only where settings.ALLOW_DEMO_DATA allows it."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from cases.mfa import mfa_required_for
from cases.models import (
    Arrest,
    ArrestSeen,
    Authenticator,
    Case,
    CaseStatus,
    Conduct,
    CustodyStatus,
    Event,
    ExcessiveForceComplaint,
    ForceType,
    Incident,
    IncidentOfficer,
    Jurisdiction,
    Officer,
    Payer,
    User,
    WitnessStatement,
    YesNoUnknown,
)
from cases.services import case_assign_lawyers, case_create, demonstrator_create, evidence_add, officer_find_or_create
from demo.citations import create_citations
from demo.claims import build_claims
from demo.deadlines import build_deadlines
from demo.duplicates import add_likely_duplicates
from demo.night import build_night
from demo.reminders import create_reminders
from demo.vocabulary import DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_PLACES, DEMO_UNITS

DEMO_DEVICE = "demo authenticator"
DEMO_EVENT = "Encampment protest at the federal building (demo)"
ACCOUNTS = [
    ("observer", "observer"),
    ("observer2", "observer"),
    ("jailsupport", "jail_support"),
    ("lawyer", "lawyer"),
    ("lawyer2", "lawyer"),
    ("organizer", "organizer"),
    ("coordinator", "coordinator"),
    ("admin", "administrator"),
]
# Volunteers' names as the pages show them (the lawyers' lists, the assignment page): invented.
ACCOUNT_NAMES = {"lawyer": ("Dana", "Whitfield"), "lawyer2": ("Marcus", "Ortega"), "coordinator": ("Priya", "Nair")}
OFFICER_NAMES = ["Sgt. R. Malone", "Ofc. T. Bradley", "Ofc. D. Russo", "Lt. K. Fitzgerald", "Ofc. M. Kane", "Ofc. J. Doyle",
                 "Cpl. A. Stevens", "Ofc. P. Nolan", "Ofc. S. Byrne", "Capt. L. Murphy"]  # fmt: skip


def demo_accounts(password: str) -> dict[str, User]:
    """One account per role (ACCOUNTS), all with `password`; those that need a second factor get a
    demo authenticator, so the demo needs no phone (`manage.py demo_code USERNAME` prints its code)."""
    users = {}
    for username, role in ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = role in ("coordinator", "administrator")
        user.is_superuser = role == "administrator"
        user.is_active = True
        user.first_name, user.last_name = ACCOUNT_NAMES.get(username, ("", ""))
        user.save()
        user.groups.set([Group.objects.get_or_create(name=role)[0]])
        if mfa_required_for(user):
            Authenticator.objects.get_or_create(user=user, name=DEMO_DEVICE, defaults={"confirmed": True})
        users[username] = user
    return users


def demo_build(*, users: dict[str, User], seed: int) -> bool:
    """Make the demo data once; False (and nothing written) when it is already there."""
    if Event.objects.filter(name=DEMO_EVENT).exists():
        return False
    with transaction.atomic():
        # Seeded pseudo-randomness: demo data must be repeatable, nothing here is a secret.
        build(users=users, rng=random.Random(seed))  # noqa: S311  # nosec B311
    return True


def build(*, users: dict[str, User], rng: random.Random) -> None:
    """The scenario, in the order a seed's random draws were always taken (same seed, same data)."""
    coordinator = users["coordinator"]
    now = timezone.now()
    starts = (now - datetime.timedelta(days=6)).replace(hour=14, minute=0, second=0, microsecond=0)
    event = _event(starts)
    officers = _officers()
    cases = _cases(event=event, users=users, starts=starts, now=now)
    _arrests(cases=cases, starts=starts, rng=rng)
    create_citations(cases=cases, officers=officers, starts=starts, by=coordinator, rng=rng)
    incidents = _incidents(event=event, cases=cases, officers=officers, users=users, starts=starts, rng=rng)
    _complaints(cases=cases, incidents=incidents, officers=officers, users=users, now=now, rng=rng)
    build_claims(event=event, users=users, now=now)
    create_reminders(cases=cases, users=users, now=now)
    build_night(users=users)
    build_deadlines(users=users)
    add_likely_duplicates(event=event, cases=cases, by=coordinator, starts=starts)


def _png(rng: random.Random) -> bytes:
    image = Image.new("RGB", (320, 240), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _event(starts: datetime.datetime) -> Event:
    return Event.objects.create(
        name=DEMO_EVENT,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=30),
        place="Federal building, 8th & Arch St, Philadelphia",
        jurisdiction=Jurisdiction.PHILADELPHIA,
        description="Encampment against immigration enforcement; dispersal and citations on the second day.",
    )


def _officers() -> list[Officer]:
    """Ten named officers, and a last one seen only by features (badge covered)."""
    officers = []
    for i, name in enumerate(OFFICER_NAMES):
        officer, _ = officer_find_or_create(
            agency="Philadelphia Police Department",
            badge_number=str(4100 + i * 37),
            defaults={"name": name, "unit": DEMO_UNITS[i % len(DEMO_UNITS)], "payroll_number": str(200000 + i)},
        )
        officers.append(officer)
    unknown = Officer.objects.create(
        badge_status="covered",
        unit="Bike Unit",
        helmet_number="B-17",
        description="Tall, grey moustache, badge taped over",
    )
    officers.append(unknown)
    return officers


def _cases(*, event: Event, users: dict[str, User], starts: datetime.datetime, now: datetime.datetime) -> list[Case]:
    """Thirty demonstrators with a case each: most assigned to one of the two lawyers, two closed."""
    coordinator = users["coordinator"]
    cases: list[Case] = []
    for i in range(30):
        first, last = DEMO_FIRST_NAMES[i % len(DEMO_FIRST_NAMES)], DEMO_LAST_NAMES[(i * 7) % len(DEMO_LAST_NAMES)]
        person = demonstrator_create(
            by=coordinator,
            legal_name=f"{first} {last}",
            preferred_name=(f"{first[0]}. {last}" if i % 5 == 0 else ""),
            conceal_legal_name=i % 5 == 0,
            date_of_birth=datetime.date(1965 + (i * 13) % 38, 1 + i % 12, 1 + (i * 3) % 28),
            phone=f"215-555-{1000 + i * 37:04d}",
            email=f"{first.lower()}.{i}@example.org".encode("ascii", "ignore").decode(),
            postal_address=f"{100 + i} Demo St, Philadelphia, PA 191{i % 50:02d}",
            preferred_language=["English", "Spanish", "Vietnamese", "Arabic", "Mandarin"][i % 5],
            pronouns=["she/her", "he/him", "they/them"][i % 3],
            support_contact="Jail-support hotline" if i % 4 == 0 else "",
            special_needs="Needs daily medication" if i % 9 == 0 else "",
        )
        case = case_create(event=event, demonstrator=person, by=coordinator, opened_on=starts.date())
        lawyer = users["lawyer"] if i % 2 == 0 else users["lawyer2"]
        if i % 10 != 9:  # a few still waiting for assignment
            case_assign_lawyers(case=case, lawyers=[lawyer], by=coordinator)
        if i in (4, 11):
            case.status = CaseStatus.CLOSED
            case.closed_on = now.date()
            case.save(update_fields=["status", "closed_on"])
        cases.append(case)
    return cases


def _arrests(*, cases: list[Case], starts: datetime.datetime, rng: random.Random) -> None:
    """A few custodial arrests on the second day."""
    for i in (1, 6, 13, 20, 27):
        arrested = starts + datetime.timedelta(hours=20, minutes=i * 3)
        Arrest.objects.create(
            case=cases[i],
            arrested_at=arrested,
            place=rng.choice(DEMO_PLACES),
            arresting_unit=rng.choice(DEMO_UNITS),
            charges="18 Pa.C.S. § 5502 failure to disperse; 18 Pa.C.S. § 5503 disorderly conduct",
            custody_status=CustodyStatus.RELEASED,
            released_at=arrested + datetime.timedelta(hours=9),
            bail_amount=Decimal("250.00") if i == 13 else None,
            bail_paid_by=Payer.BAIL_FUND if i == 13 else "",
            injured=i in (6, 20),
            police_report_number=f"PR-{2018}{i:05d}",
        )


def _incidents(
    *,
    event: Event,
    cases: list[Case],
    officers: list[Officer],
    users: dict[str, User],
    starts: datetime.datetime,
    rng: random.Random,
) -> list[Incident]:
    """About 40 observer reports, each naming officers and the person it affected."""
    forces = {f.code: f for f in ForceType.objects.all()}
    codes = list(forces)
    observers = [users["observer"], users["observer2"]]
    unknown = officers[-1]
    incidents = []
    for i in range(40):
        at = starts + datetime.timedelta(hours=18, minutes=i * 9)
        incident = Incident.objects.create(
            reporter=observers[i % 2],
            event=event,
            occurred_at=at,
            place=rng.choice(DEMO_PLACES),
            agencies_present="Philadelphia Police Department" + ("; Federal Protective Service" if i % 3 == 0 else ""),
            commander_present="Capt. L. Murphy" if i % 4 == 0 else "",
            dispersal_warning=rng.choice([YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN]),
            dispersal_warning_by="Lt. K. Fitzgerald" if i % 5 == 0 else "",
            dispersal_warning_words="This is an unlawful assembly, disperse" if i % 5 == 0 else "",
            dispersal_warning_audible=rng.choice([YesNoUnknown.YES, YesNoUnknown.NO]),
            narrative=f"Observed line of bike officers push into seated group near {rng.choice(DEMO_PLACES)}.",
            injuries="Bruised wrist, cut above eye" if i % 6 == 0 else "",
            witnesses="Two legal observers in green hats" if i % 3 == 0 else "",
            video_holders="Livestreamer @demo_stream" if i % 4 == 0 else "",
            media_present="Local TV crew" if i % 7 == 0 else "",
        )
        incident.force_types.set([forces[c] for c in rng.sample(codes, k=1 + i % 3)])
        for officer in rng.sample(officers[:-1], k=1 + i % 2):
            IncidentOfficer.objects.create(incident=incident, officer=officer, badge_as_seen=officer.badge_number)
        if i % 8 == 0:
            IncidentOfficer.objects.create(incident=incident, officer=unknown, features_as_seen=unknown.description)
        affected = cases[i % 30]
        incident.people_affected.add(affected)
        if i % 5 == 0:
            ArrestSeen.objects.create(
                incident=incident, case=affected, person_description="Person in yellow raincoat",
                conduct=rng.choice([Conduct.WALKED, Conduct.PASSIVE, Conduct.RESISTED]),
            )  # fmt: skip
        incidents.append(incident)
    return incidents


def _complaints(
    *,
    cases: list[Case],
    incidents: list[Incident],
    officers: list[Officer],
    users: dict[str, User],
    now: datetime.datetime,
    rng: random.Random,
) -> None:
    """Three excessive-force complaints with witness statements (one anonymous) and evidence."""
    forces = {f.code: f for f in ForceType.objects.all()}
    for n, i in enumerate((6, 20, 13)):
        case = cases[i]
        complaint = ExcessiveForceComplaint.objects.create(
            case=case,
            narrative="Struck with a bicycle while walking away as instructed; taken to the ground.",
            injuries="Contusions to the back and left arm; sprained wrist",
            treatment="Seen at Jefferson ER the same night; X-ray negative",
            forum=["oversight", "internal_affairs", "civil_suit"][n],
            status="filed" if n == 0 else "draft",
            filed_on=now.date() if n == 0 else None,
            reference_number="CPOC-DEMO-001" if n == 0 else "",
        )
        related = [inc for inc in incidents if case in inc.people_affected.all()][:2] or incidents[:1]
        complaint.incidents.set(related)
        complaint.officers.set(officers[n : n + 2])
        complaint.force_types.set([forces["bicycle"], forces["takedown"]])
        for k in range(2):
            WitnessStatement.objects.create(
                anonymous=k == 1,
                witness_name=""
                if k == 1
                else f"Witness {DEMO_FIRST_NAMES[(i + k) % len(DEMO_FIRST_NAMES)]} {DEMO_LAST_NAMES[k]}",
                witness_contact="" if k == 1 else f"267-555-{2000 + i * 10 + k:04d}",
                statement="I saw the officer ride the bicycle into the person from behind.",
                taken_by=users["lawyer"],
                complaint=complaint,
                incident=related[0],
            )
        evidence_add(
            upload=ContentFile(_png(rng), name="photo.png"), kind="photo", content_type="image/png",
            by=users["observer"], description="Photo of the injury", captured_at=now - datetime.timedelta(days=5),
            complaint=complaint,
        )  # fmt: skip
        evidence_add(
            upload=ContentFile(b"Medical summary (demo)\n", name="note.txt"), kind="document", content_type="text/plain",
            by=users["lawyer"], description="ER discharge summary", complaint=complaint,
        )  # fmt: skip
