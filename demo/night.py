"""A night in progress for the demo: a kettle a few hours ago, twelve people at every stage of
custody (two held past the alert), hotline entries (one about someone not identified yet, one
with medical needs linked to the board), and the demo jail-support account assigned to it. All
through the services, so the board and the log show what they would on a real night."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from cases.models import CustodyStatus, Event, Jurisdiction, User
from cases.services import arrest_create, case_create, demonstrator_create
from custody.models import CustodyPlace
from custody.services.assignments import jail_support_assign
from custody.services.board import arrest_move
from custody.services.hotline import HotlineInput, hotline_entry_create, hotline_entry_link

NIGHT_EVENT = "Kettle at 8th and Arch (demo night in progress)"
# (name, hours since arrest, stage, place or "")
PEOPLE = [
    ("Rosa Quintero", 1.0, CustodyStatus.ARRESTED, ""),
    ("Dev Patel", 1.5, CustodyStatus.IN_TRANSPORT, ""),
    ("Sam Okafor", 3.0, CustodyStatus.HELD, "9th Police District"),
    ("Lena Fischer", 3.5, CustodyStatus.HELD, "9th Police District"),
    ("Marcus Bell", 4.0, CustodyStatus.HELD, "6th Police District"),
    ("Ivy Chen", 5.0, CustodyStatus.PROCESSED, "Police headquarters (central booking)"),
    ("Tomas Rivera", 13.0, CustodyStatus.HELD, "6th Police District"),
    ("June Park", 14.0, CustodyStatus.HELD_FOR_ARRAIGNMENT, "Police headquarters (central booking)"),
    ("Alba Moreno", 6.0, CustodyStatus.CITED_RELEASED, "9th Police District"),
    ("Kofi Mensah", 6.5, CustodyStatus.CITED_RELEASED, "6th Police District"),
    ("Nora Walsh", 7.0, CustodyStatus.RELEASED, "9th Police District"),
    ("Eli Brooks", 2.0, CustodyStatus.ARRESTED, ""),
]


def build_night(*, users: dict[str, User]) -> Event:
    coordinator, volunteer = users["coordinator"], users["jailsupport"]
    now = timezone.now()
    event = Event.objects.create(
        name=NIGHT_EVENT,
        starts_at=now - datetime.timedelta(hours=15),
        place="8th & Arch St, Philadelphia",
        jurisdiction=Jurisdiction.PHILADELPHIA,
        description="Mass arrest at a march; jail support at the 6th and 9th districts.",
    )
    jail_support_assign(user=volunteer, event=event, by=coordinator)
    # The places migration seeds these; a database emptied since (a transactional test) gets them back.
    names = {place for _name, _hours, _stage, place in PEOPLE if place}
    places = {
        name: CustodyPlace.objects.get_or_create(
            name=name, defaults={"kind": "district" if "District" in name else "central"}
        )[0]
        for name in sorted(names)
    }
    arrests = {}
    for i, (name, hours, stage, place) in enumerate(PEOPLE):
        person = demonstrator_create(
            by=coordinator,
            legal_name=name,
            phone=f"215-555-{7000 + i:04d}",
            special_needs="Needs an inhaler" if name == "Lena Fischer" else "",
        )
        case = case_create(event=event, demonstrator=person, by=coordinator)
        arrested_at = now - datetime.timedelta(hours=hours)
        arrest = arrest_create(by=coordinator, case=case, arrested_at=arrested_at, place="8th & Arch")
        if stage != CustodyStatus.ARRESTED:
            at = min(arrested_at + datetime.timedelta(minutes=90), now)
            arrest = arrest_move(arrest=arrest, stage=stage, place=places.get(place), by=coordinator, at=at)
        arrests[name] = arrest
    entries = [
        HotlineInput(
            event=event, about="Sam Okafor (my brother)", place=places["9th Police District"],
            medical_needs="Takes insulin; last dose at 6 p.m.", waiting_outside="His sister Ana, at the front desk",
            caller_name="Ana", caller_contact="215-555-7100", contact_consent=True,
            seen="Taken from the sidewalk at 8th and Arch, walked to a van.",
        ),
        HotlineInput(
            event=event, about="Red jacket, about 20, taken at 8th and Arch",
            seen="Pushed to the ground, zip-tied, put in a wagon heading north.", kind="call",
            hurt_by_force=True, injuries="Face pushed into the pavement; bleeding from the chin.",
        ),
        HotlineInput(
            event=event, about="Tomas Rivera", kind="outside", place=places["6th Police District"],
            waiting_outside="Two friends with a car", belongings="Phone and keys kept by police",
        ),
        HotlineInput(
            event=event, about="Lena Fischer", kind="call", place=places["9th Police District"],
            hurt_by_force=True, injuries="Hit on the forearm with a baton; the arm is swelling.",
            medical_needs="Needs her inhaler; arm may be broken", caller_name="Mo",
        ),
    ]  # fmt: skip
    made = [hotline_entry_create(by=volunteer, client_uuid=uuid.uuid4(), data=data)[0] for data in entries]
    hotline_entry_link(entry=made[0], arrest=arrests["Sam Okafor"], by=coordinator)
    hotline_entry_link(entry=made[2], arrest=arrests["Tomas Rivera"], by=coordinator)
    hotline_entry_link(entry=made[3], arrest=arrests["Lena Fischer"], by=coordinator)  # on the roster now
    return event
